// queue-wait: the queue machine's tickets as operating targets (not a scored clause).
// One kind, two catalogue rules chosen by params: params.maxWaitS judges each called ticket's wait
// (ticket_called − ticket_issued, matched by `ticket`); params.maxLength judges the tickets issued and
// not yet called/served/abandoned, held > maxLength for minDurationS. Uncalled tickets drop at closing.
import { clear, excursion, raise } from '../alarm.ts';
import { activeEnd, isActive } from '../excursion.ts';
import type { Bound, CounterEvent, EndReason, Out } from '../types.ts';
import { BaseRule } from './base.ts';
import type { RuleKindSpec } from './spec.ts';

interface Waiting {
  /** null when the machine sent no ticket number: such tickets are matched first in, first out. */
  ticket: string | null;
  issued: number;
  /** Closing time of the issue day (or its midnight, for a ticket issued after closing). */
  dropAt: number;
}

interface Run {
  start: number;
  peak: number;
  raised: boolean;
  /** queue length: when the condition has held minDurationS. */
  confirmAt: number;
  /** End of the opening interval the run began in (closing), or null when judged around the clock. */
  end: number | null;
  endReason: EndReason;
}

interface State {
  waiting: Waiting[];
  run: Run | null;
  /** queue length: an opening instant at which a queue longer than the limit (built before opening) starts to count. */
  armAt: number | null;
  /** Tickets never called, dropped at closing, per site-local day (the last KEEP_DAYS days). */
  abandonedAtClose: Record<string, number>;
  /** Calls/abandons naming a ticket that is not waiting (issued before the edge started, or a repeat). */
  unmatched: number;
}

const KEEP_DAYS = 62;

export class QueueWaitRule extends BaseRule<State> {
  constructor(b: Bound) {
    super(b, { waiting: [], run: null, armAt: null, abandonedAtClose: {}, unmatched: 0 });
  }

  private get maxWaitS(): number | undefined {
    return this.bound.rule.params?.maxWaitS;
  }

  private get maxLength(): number | undefined {
    return this.bound.rule.params?.maxLength;
  }

  /** Waiting tickets and the per-day count of tickets dropped at closing (for listings and tests). */
  queueStats(): { waiting: number; abandonedAtClose: Record<string, number>; unmatched: number } {
    return {
      waiting: this.s.waiting.length,
      abandonedAtClose: { ...this.s.abandonedAtClose },
      unmatched: this.s.unmatched,
    };
  }

  event(e: CounterEvent, out: Out): void {
    const s = this.s;
    const ticket = e.ticket ?? null;
    switch (e.type) {
      case 'ticket_issued': {
        if (ticket !== null && s.waiting.some((w) => w.ticket === ticket)) return;
        s.waiting.push({ ticket, issued: e.ts, dropAt: this.closingAfter(e.ts) });
        break;
      }
      case 'ticket_called': {
        const w = this.take(ticket);
        if (!w) return;
        if (this.maxWaitS !== undefined) this.judgeWait(e.ts, (e.ts - w.issued) / 1000, out);
        break;
      }
      case 'ticket_served':
        // A ticket served without a call event still leaves the queue; only the call measures the wait.
        if (ticket === null || !this.take(ticket, false)) return;
        break;
      case 'ticket_abandoned':
        // Without a number, an abandon at a window is a no-show after the call: the queue is unchanged.
        if (ticket === null && e.window !== undefined) return;
        if (!this.take(ticket)) return;
        break;
      default:
        return;
    }
    if (this.maxLength !== undefined) this.judgeLength(e.ts, out);
  }

  time(t: number, out: Out): void {
    const s = this.s;
    const b = this.bound;
    if (s.armAt !== null && t >= s.armAt) {
      const at = s.armAt;
      s.armAt = null;
      this.judgeLength(at, out);
    }
    const r = s.run;
    if (r && !r.raised && this.maxLength !== undefined && t >= r.confirmAt && (r.end === null || r.confirmAt < r.end)) {
      r.raised = true;
      raise(out, b, r.confirmAt, { startMs: r.start, peak: r.peak, limit: this.maxLength, message: b.rule.title });
    }
    if (r && r.end !== null && t >= r.end) this.finish(r.end, r.endReason, out);
    if (s.waiting.length && s.waiting.some((w) => w.dropAt <= t)) {
      const keep: Waiting[] = [];
      for (const w of s.waiting) {
        if (w.dropAt > t) keep.push(w);
        else {
          const day = b.schedule.day(w.dropAt - 1);
          s.abandonedAtClose[day] = (s.abandonedAtClose[day] ?? 0) + 1;
        }
      }
      s.waiting = keep;
      const days = Object.keys(s.abandonedAtClose).sort();
      for (const d of days.slice(0, Math.max(0, days.length - KEEP_DAYS))) delete s.abandonedAtClose[d];
    }
  }

  /** Removes a waiting ticket: by number, or the oldest when the event carries none. */
  private take(ticket: string | null, countMiss = true): Waiting | null {
    const s = this.s;
    const i = ticket === null ? (s.waiting.length ? 0 : -1) : s.waiting.findIndex((w) => w.ticket === ticket);
    if (i < 0) {
      if (countMiss) s.unmatched++;
      return null;
    }
    return s.waiting.splice(i, 1)[0]!;
  }

  /** Closing time of the site-local day of `ts` if still ahead, else that day's end. */
  private closingAfter(ts: number): number {
    const info = this.bound.schedule.dayInfo(ts);
    const last = info.open[info.open.length - 1];
    return last && ts < last[1] ? last[1] : info.end;
  }

  /** One called ticket: over maxWaitS starts (or extends) an excursion, at or under it clears one. */
  private judgeWait(ts: number, waitS: number, out: Out): void {
    const b = this.bound;
    const max = this.maxWaitS!;
    if (!isActive(b, ts)) return;
    const r = this.s.run;
    if (waitS > max) {
      if (r) r.peak = Math.max(r.peak, waitS);
      else {
        const ae = activeEnd(b, ts);
        this.s.run = {
          start: ts,
          peak: waitS,
          raised: true,
          confirmAt: ts,
          end: ae?.end ?? null,
          endReason: ae?.reason ?? 'closing',
        };
        raise(out, b, ts, { startMs: ts, peak: waitS, limit: max, message: b.rule.title });
      }
    } else if (r) this.finish(ts, 'cleared', out);
  }

  /** The queue length after an event at `ts` (or at an opening instant). */
  private judgeLength(ts: number, out: Out): void {
    const b = this.bound;
    const max = this.maxLength!;
    const n = this.s.waiting.length;
    const r = this.s.run;
    if (n <= max) {
      this.s.armAt = null;
      if (r) this.finish(ts, 'cleared', out);
      return;
    }
    if (r) {
      r.peak = Math.max(r.peak, n);
      return;
    }
    if (!isActive(b, ts)) {
      // Tickets taken before opening: the queue counts from the next opening instant of the day.
      const next = b.schedule.dayInfo(ts).open.find(([a]) => a > ts);
      this.s.armAt = next ? next[0] : null;
      return;
    }
    const ae = activeEnd(b, ts);
    const confirmAt = ts + (b.rule.minDurationS ?? 0) * 1000;
    this.s.run = {
      start: ts,
      peak: n,
      raised: false,
      confirmAt,
      end: ae?.end ?? null,
      endReason: ae?.reason ?? 'closing',
    };
    this.time(ts, out);
  }

  private finish(at: number, reason: EndReason, out: Out): void {
    const b = this.bound;
    const r = this.s.run;
    this.s.run = null;
    if (!r?.raised) return;
    const limit = this.maxWaitS ?? this.maxLength;
    clear(out, b, at, at, { startMs: r.start, peak: r.peak, limit, message: `${b.rule.title} (${reason})` });
    out.excursion(excursion(b, { start: r.start, end: at, peak: r.peak, limit, endReason: reason }));
  }
}

export const queueWaitKind: RuleKindSpec<'queue-wait'> = {
  kind: 'queue-wait',
  scope: 'device',
  // Ticket numbers are per queue machine: one queue per machine, fed in its own event order.
  watches: (_rule, profile) => profile?.deviceClass === 'queue',
  create: (b) => new QueueWaitRule(b),
  reads: () => [],
  liveBy: 'engine',
  evidence: { basis: 'events', openAtEnd: 'excursion' },
};
