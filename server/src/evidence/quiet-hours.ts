// Which hours of a sensor must be replayed minute by minute. An hour is QUIET when no rule of the
// sensor can raise, prolong or end anything in it: every metric has all 60 minutes (so no gap
// starts or ends there), and every minute value a rule would judge lies inside the rule's clear
// band (inside max/min with the hysteresis margin clearMax/clearMin), also over the rolling window
// reaching back into the previous hour; rate of change over the two hours' min..max; dew point
// from the min/max of temperature and humidity (Magnus is increasing in both); the daily swing over
// the whole site-local day. Any other hour is SUSPICIOUS. Replay segments are the suspicious hours
// padded by the longest window before (so windows are primed exactly as in a full replay) and three
// minutes after (the first clear reading that ends an open excursion, released past the engine's
// reorder bound). docs/evidence.md explains why a segment replay equals the full replay.
import type { Metric } from '@hallmon/firmware-config';
import type { RuleInstance, Schedule } from '@hallmon/rules';
import { dewPoint, round6 } from '@hallmon/rules';
import { HOUR, type Hours } from './hour-summary.ts';

const MINUTE = 60_000;
/** Margin against float rounding: a value this close to a clear limit counts as outside it. */
const EPS = 1e-6;
/** After the last suspicious hour: the next hour's first minutes, past the 60-s reorder bound. */
export const POST_PAD_MS = 3 * MINUTE;
/** Segments closer than this are replayed as one (one engine instead of two; same result). */
const MERGE_GAP_MS = 30 * MINUTE;

export interface Segment {
  from: number;
  to: number;
}

type Band = { lo: number; hi: number };

function clearBand(r: RuleInstance): Band | null {
  const l = r.bound.rule.limits;
  if (!l) return null;
  return { lo: l.clearMin ?? l.min ?? -Infinity, hi: l.clearMax ?? l.max ?? Infinity };
}

/** Per hour: could the rule judge anything in it (opening hours and season)? Memoised per build. */
export class ActiveHours {
  private readonly memo = new Map<string, Uint8Array>();
  constructor(
    private readonly schedule: Schedule,
    private readonly h0: number,
    private readonly n: number,
  ) {}

  of(r: RuleInstance): Uint8Array {
    const rule = r.bound.rule;
    const key = `${rule.openingHoursOnly ? 1 : 0}|${rule.season ?? ''}`;
    let a = this.memo.get(key);
    if (a) return a;
    a = new Uint8Array(this.n);
    for (let k = 0; k < this.n; k++) {
      const s = this.h0 + k * HOUR;
      const e = s + HOUR;
      let on = true;
      if (rule.openingHoursOnly) {
        on = false;
        for (const t of [s, e - 1])
          for (const [oa, ob] of this.schedule.dayInfo(t).open) if (oa < e && ob > s) on = true;
      }
      if (on && rule.season) on = this.schedule.inSeason(s, rule.season) || this.schedule.inSeason(e - 1, rule.season);
      a[k] = on ? 1 : 0;
    }
    this.memo.set(key, a);
    return a;
  }
}

/** Longest look-back of the sensor's rules (ms): how far before a suspicious hour replay starts. */
export function lookBackMs(rules: RuleInstance[]): number {
  let w = 0;
  for (const r of rules) {
    const k = r.bound.rule.kind;
    if (k === 'laeq-window') w = Math.max(w, (r.bound.rule.windowS ?? 300) * 1000);
    else if (k === 'rate-of-change') w = Math.max(w, (r.bound.rule.windowS ?? 900) * 1000);
    else if (k === 'range' && r.bound.rule.basis === 'mean') w = Math.max(w, (r.bound.rule.windowS ?? 3600) * 1000);
  }
  return w;
}

/**
 * Suspicious hours of one sensor (1 = replay). `hours` per metric over the same dense range;
 * `dayKeys(k)` gives the site-local days of hour k's first and last instant, for the daily swing.
 * Per threshold rule a forward scan: an hour where a judged value could leave [min, max] (or with
 * missing minutes) may start or hold an excursion; from there every hour is suspicious up to and
 * including the first complete hour whose judged values are all inside the clear band (that is
 * where a raised excursion ends). Hours only inside the hysteresis band while nothing can be open
 * stay quiet: band values neither start nor end anything.
 */
export function suspiciousHours(rules: RuleInstance[], hours: Map<Metric, Hours>, active: ActiveHours, dayKeys: (k: number) => [string, string]): Uint8Array {
  const first = hours.values().next().value as Hours | undefined;
  const n = first?.n ?? 0;
  const out = new Uint8Array(n);
  // Metrics that have data somewhere in the range must be complete in every hour.
  const present = [...hours.entries()].filter(([, h]) => h.valued.some((v) => v > 0));
  const complete = (h: Hours, k: number) => h.valued[k] === 60 && h.minutes[k] === 60;
  for (let k = 0; k < n; k++) for (const [, h] of present) if (!complete(h, k)) out[k] = 1;
  const has = (m: Metric | undefined) => m !== undefined && present.some(([pm]) => pm === m);
  /** The forward scan over per-hour "could trigger" / "all clear" flags of one rule. */
  const scan = (act: Uint8Array, ok: (k: number) => boolean, trig: (k: number) => boolean, clr: (k: number) => boolean) => {
    let open = false;
    for (let k = 0; k < n; k++) {
      if (!ok(k) || (act[k] && trig(k))) {
        out[k] = 1;
        open = true;
      } else if (open) {
        out[k] = 1;
        // Inactive all hour: an open excursion ended at closing / season end, at the hour's first tick.
        if (!act[k] || clr(k)) open = false;
      }
    }
  };
  for (const r of rules) {
    const rule = r.bound.rule;
    switch (rule.kind) {
      case 'gap':
        break; // completeness above
      case 'range':
      case 'laeq-window': {
        const h = rule.metric ? hours.get(rule.metric) : undefined;
        if (!h || !has(rule.metric)) break;
        const band = clearBand(r);
        if (!band) break;
        if (rule.kind === 'laeq-window' && band.lo !== -Infinity) {
          out.fill(1); // a lower noise limit is not bounded by the hourly maximum: replay all
          break;
        }
        const lim = { lo: rule.limits?.min ?? -Infinity, hi: rule.limits?.max ?? Infinity };
        const act = active.of(r);
        const windowed = rule.kind === 'laeq-window' || rule.basis === 'mean';
        // Means and LAeqs are rounded to 6 decimals before they are judged (round6); raw values are
        // not, and a minute mean may exceed the raw maximum by a rounding error: keep a margin.
        const eps = windowed ? 0 : EPS;
        const lo = (k: number) => (windowed ? round6(h.vmin[k]!) : h.vmin[k]!);
        const hi = (k: number) => (windowed ? round6(h.vmax[k]!) : h.vmax[k]!);
        const back = windowed ? Math.ceil(((rule.windowS ?? (rule.kind === 'laeq-window' ? 300 : 3600)) * 1000) / HOUR) : 0;
        // A window holds values judged while the rule was active, from this hour and `back` before.
        const within = (k: number, b: Band) => {
          for (let j = 0; j <= back; j++) {
            const g = k - j;
            if (g < 0 || (j > 0 && !act[g]) || h.minutes[g] === 0) continue;
            if (!(lo(g) >= b.lo + eps && hi(g) <= b.hi - eps)) return false;
          }
          return true;
        };
        scan(act, (k) => complete(h, k) || !act[k], (k) => !within(k, lim), (k) => within(k, band));
        break;
      }
      case 'rate-of-change': {
        const h = rule.metric ? hours.get(rule.metric) : undefined;
        const max = rule.limits?.max;
        if (!h || !has(rule.metric) || max === undefined) break;
        const clearMax = rule.limits?.clearMax ?? max;
        const act = active.of(r);
        const back = Math.ceil(((rule.windowS ?? 900) * 1000) / HOUR);
        const swing = (k: number) => {
          let lo = Infinity;
          let top = -Infinity;
          for (let j = 0; j <= back && k - j >= 0; j++) {
            if (h.minutes[k - j] === 0 || (j > 0 && !act[k - j])) continue;
            lo = Math.min(lo, h.vmin[k - j]!);
            top = Math.max(top, h.vmax[k - j]!);
          }
          return top >= lo ? round6(top - lo) : 0;
        };
        scan(act, (k) => complete(h, k) || !act[k], (k) => swing(k) > max, (k) => swing(k) <= clearMax);
        break;
      }
      case 'dew-point': {
        const t = hours.get('temperature');
        const rh = hours.get('humidity');
        if (!t || !rh || !has('temperature') || !has('humidity')) break;
        const band = clearBand(r);
        if (!band) break;
        const lim = { lo: rule.limits?.min ?? -Infinity, hi: rule.limits?.max ?? Infinity };
        const act = active.of(r);
        const bounds = (k: number): [number, number] | null => {
          if (t.minutes[k] === 0 || rh.minutes[k] === 0) return [0, 0];
          if (!(rh.vmin[k]! > 0 && rh.vmax[k]! <= 100)) return null;
          const a = dewPoint(t.vmin[k]!, rh.vmin[k]!);
          const b = dewPoint(t.vmax[k]!, rh.vmax[k]!);
          return a === null || b === null ? null : [round6(a), round6(b)];
        };
        const inside = (k: number, x: Band) => {
          if (t.minutes[k] === 0 || rh.minutes[k] === 0) return true;
          const b = bounds(k);
          return b !== null && b[0] >= x.lo && b[1] <= x.hi;
        };
        scan(act, (k) => (complete(t, k) && complete(rh, k)) || !act[k], (k) => !inside(k, lim), (k) => inside(k, band));
        break;
      }
      case 'daily-swing': {
        const h = rule.metric ? hours.get(rule.metric) : undefined;
        const max = rule.limits?.max;
        if (!h || !has(rule.metric) || max === undefined) break;
        // Swing per site-local day from the hours touching it (a superset where a day starts mid-hour).
        const lo = new Map<string, number>();
        const hi = new Map<string, number>();
        for (let k = 0; k < n; k++) {
          if (h.minutes[k] === 0) continue;
          for (const d of dayKeys(k)) {
            lo.set(d, Math.min(lo.get(d) ?? Infinity, h.vmin[k]!));
            hi.set(d, Math.max(hi.get(d) ?? -Infinity, h.vmax[k]!));
          }
        }
        // The rule raises when round6(max − min) of the day's values exceeds the limit.
        for (let k = 0; k < n; k++) for (const d of dayKeys(k)) if (round6((hi.get(d) ?? 0) - (lo.get(d) ?? 0)) > max) out[k] = 1;
        break;
      }
      default:
        // A kind this module does not reason about: replay everything (correct, just slower).
        out.fill(1);
    }
  }
  return out;
}

/** Replay segments: suspicious hours padded (look-back before, POST_PAD after), merged, clipped. */
export function segmentsOf(suspicious: Uint8Array, h0: number, lookBack: number, rangeFrom: number, rangeTo: number): Segment[] {
  const pre = Math.ceil((lookBack + MINUTE) / MINUTE) * MINUTE;
  const out: Segment[] = [];
  for (let k = 0; k < suspicious.length; k++) {
    if (!suspicious[k]) continue;
    const s = Math.max(rangeFrom, h0 + k * HOUR - pre);
    const e = Math.min(rangeTo, h0 + (k + 1) * HOUR + POST_PAD_MS);
    if (e <= s) continue;
    const last = out[out.length - 1];
    if (last && s <= last.to + MERGE_GAP_MS) last.to = Math.max(last.to, e);
    else out.push({ from: s, to: e });
  }
  return out;
}
