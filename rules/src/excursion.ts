// The excursion state machine shared by the threshold kinds (laeq-window, range, dew-point,
// rate-of-change): hysteresis, minimum duration, peak, and the three ways an excursion ends:
// cleared by a reading, a gap in the data (ends at the last reading that showed it), or the end of
// the rule's active period (closing time, end of season).
import type { Limits, Metric } from '@hallmon/firmware-config/core';
import type { Static } from '@sinclair/typebox';
import { clear, excursion, raise } from './alarm.ts';
import type { Bound, EndReason, Out } from './types.ts';

type LimitsT = Static<typeof Limits>;

/** high/low: the condition holds; clear: back inside the clear limits; band: in the hysteresis band. */
export type Verdict = 'high' | 'low' | 'band' | 'clear' | 'unknown';

/** "> max" and "< min" are excursions; exactly at a limit is not. Clearing is at or inside clearMin/clearMax. */
export function classify(v: number, l: LimitsT | undefined): Verdict {
  if (!l) return 'unknown';
  if (l.max !== undefined && v > l.max) return 'high';
  if (l.min !== undefined && v < l.min) return 'low';
  const hiOk = l.max === undefined || v <= (l.clearMax ?? l.max);
  const loOk = l.min === undefined || v >= (l.clearMin ?? l.min);
  return hiOk && loOk ? 'clear' : 'band';
}

/** Whether the rule judges at `ms` (opening hours and season). */
export function isActive(b: Bound, ms: number): boolean {
  if (b.rule.openingHoursOnly && !b.schedule.isOpen(ms)) return false;
  if (b.rule.season && !b.schedule.inSeason(ms, b.rule.season)) return false;
  return true;
}

/** When the active period containing `ms` ends, or null for rules judged around the clock. */
export function activeEnd(b: Bound, ms: number): { end: number; reason: EndReason } | null {
  let best: { end: number; reason: EndReason } | null = null;
  if (b.rule.openingHoursOnly) {
    const iv = b.schedule.openInterval(ms);
    if (iv) best = { end: iv[1], reason: 'closing' };
  }
  if (b.rule.season) {
    const end = b.schedule.seasonEnd(ms, b.rule.season);
    if (!best || end < best.end) best = { end, reason: 'season-end' };
  }
  return best;
}

export interface TrackerState {
  phase: 'idle' | 'pending' | 'raised';
  side: 'high' | 'low';
  start: number;
  peak: number;
  /** The last reading of this excursion that did not clear it. */
  lastShow: number;
  lastSample: number | null;
  gapMs: number;
  activeEnd: number | null;
  activeEndReason: EndReason;
}

export function trackerState(): TrackerState {
  return {
    phase: 'idle',
    side: 'high',
    start: 0,
    peak: 0,
    lastShow: 0,
    lastSample: null,
    gapMs: 0,
    activeEnd: null,
    activeEndReason: 'closing',
  };
}

export class Tracker {
  constructor(
    private readonly b: Bound,
    private readonly metric: Metric | undefined,
    public s: TrackerState = trackerState(),
  ) {}

  private get minDurMs(): number {
    return (this.b.rule.minDurationS ?? 0) * 1000;
  }

  private limit(): number | undefined {
    return this.s.side === 'high' ? this.b.rule.limits?.max : this.b.rule.limits?.min;
  }

  /** Event time reached `t`: end at closing/season end, or at the last showing reading after a gap. */
  time(t: number, out: Out): void {
    const s = this.s;
    if (s.phase === 'idle') return;
    if (s.activeEnd !== null && t >= s.activeEnd) this.end(s.activeEnd, s.activeEndReason, out);
    else if (s.lastSample !== null && t > s.lastSample + s.gapMs) this.end(s.lastShow, 'gap', out);
  }

  /** One judged value at `ts` (after the caller ran time(ts)). */
  judge(ts: number, value: number, verdict: Verdict, gapMs: number, out: Out): void {
    const s = this.s;
    s.lastSample = ts;
    s.gapMs = gapMs;
    if (verdict === 'unknown') return;
    if (s.phase === 'idle') {
      if (verdict === 'high' || verdict === 'low') this.begin(ts, value, verdict, out);
      return;
    }
    if (verdict === s.side) {
      s.peak = s.side === 'high' ? Math.max(s.peak, value) : Math.min(s.peak, value);
      s.lastShow = ts;
      if (s.phase === 'pending') this.confirm(ts, out);
      return;
    }
    if (s.phase === 'pending') {
      // The condition must hold continuously for minDurationS: anything else starts over.
      this.reset();
      if (verdict === 'high' || verdict === 'low') this.begin(ts, value, verdict, out);
      return;
    }
    if (verdict === 'band') {
      s.lastShow = ts;
      return;
    }
    this.end(ts, 'cleared', out);
    if (verdict === 'high' || verdict === 'low') this.begin(ts, value, verdict, out);
  }

  private begin(ts: number, value: number, side: 'high' | 'low', out: Out): void {
    const s = this.s;
    const ae = activeEnd(this.b, ts);
    Object.assign(s, {
      phase: 'pending',
      side,
      start: ts,
      peak: value,
      lastShow: ts,
      activeEnd: ae?.end ?? null,
      activeEndReason: ae?.reason ?? 'closing',
    });
    this.confirm(ts, out);
  }

  /** The excursion counts once the condition held minDurationS; its start stays where it began. */
  private confirm(ts: number, out: Out): void {
    const s = this.s;
    if (ts - s.start < this.minDurMs) return;
    s.phase = 'raised';
    raise(out, this.b, ts, { startMs: s.start, peak: s.peak, limit: this.limit(), message: this.b.rule.title });
  }

  private end(at: number, reason: EndReason, out: Out): void {
    const s = this.s;
    if (s.phase === 'raised') {
      const limit = this.limit();
      clear(out, this.b, at, at, {
        startMs: s.start,
        peak: s.peak,
        limit,
        message: `${this.b.rule.title} (${reason})`,
      });
      out.excursion(
        excursion(this.b, { metric: this.metric, start: s.start, end: at, peak: s.peak, limit, endReason: reason }),
      );
    }
    this.reset();
  }

  private reset(): void {
    Object.assign(this.s, { phase: 'idle', activeEnd: null });
  }
}
