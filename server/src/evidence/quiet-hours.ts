// Which hours of a sensor must be replayed minute by minute. An hour is QUIET when no rule of the
// sensor can raise, prolong or end anything in it: every metric has all 60 minutes (so no gap
// starts or ends there), and each rule's kind finds every value it would judge inside its clear
// band (its quiet test, rules/src/kinds/*.ts; rules/src/quiet-hours.ts says what that means). Any
// other hour is SUSPICIOUS. Replay segments are the suspicious hours padded by the longest window
// before (so windows are primed exactly as in a full replay) and three minutes after (the first
// clear reading that ends an open excursion, released past the engine's reorder bound).
// docs/evidence.md explains why a segment replay equals the full replay.
import type { Metric, RuleDef } from '@hallmon/firmware-config';
import { ruleKind, type HourSummary, type QuietView, type RuleInstance, type Schedule } from '@hallmon/rules';
import { HOUR } from './hour-summary.ts';

const MINUTE = 60_000;
/** After the last suspicious hour: the next hour's first minutes, past the 60-s reorder bound. */
export const POST_PAD_MS = 3 * MINUTE;
/** Segments closer than this are replayed as one (one engine instead of two; same result). */
const MERGE_GAP_MS = 30 * MINUTE;

export interface Segment {
  from: number;
  to: number;
}

/** Per hour: could the rule judge anything in it (opening hours and season)? Memoised per build. */
export class ActiveHours {
  private readonly memo = new Map<string, Uint8Array>();
  constructor(
    private readonly schedule: Schedule,
    private readonly h0: number,
    private readonly n: number,
  ) {}

  of(rule: RuleDef): Uint8Array {
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
  for (const r of rules) w = Math.max(w, ruleKind(r.bound.rule.kind).quiet?.lookBackMs(r.bound.rule) ?? 0);
  return w;
}

/**
 * Suspicious hours of one sensor (1 = replay). `hours` per metric over the same dense range;
 * `dayKeys(k)` gives the site-local days of hour k's first and last instant, for the daily swing.
 * An hour with a missing minute of a metric that has data somewhere is suspicious for every rule;
 * each rule's quiet test adds the hours where its judged value could leave its limits and those up
 * to where an excursion that started there ends. A rule whose kind has no quiet test replays all.
 */
export function suspiciousHours(
  rules: RuleInstance[],
  hours: Map<Metric, HourSummary>,
  active: ActiveHours,
  dayKeys: (k: number) => [string, string],
): Uint8Array {
  const first = hours.values().next().value as HourSummary | undefined;
  const n = first?.n ?? 0;
  const out = new Uint8Array(n);
  // Metrics that have data somewhere in the range must be complete in every hour.
  const present = new Map([...hours.entries()].filter(([, h]) => h.valued.some((v) => v > 0)));
  const complete = (h: HourSummary, k: number) => h.valued[k] === 60 && h.minutes[k] === 60;
  for (let k = 0; k < n; k++) for (const h of present.values()) if (!complete(h, k)) out[k] = 1;
  const view: QuietView = {
    n,
    hours: (m) => (m === undefined ? undefined : present.get(m)),
    complete,
    active: (rule) => active.of(rule),
    dayKeys,
  };
  for (const r of rules) {
    const quiet = ruleKind(r.bound.rule.kind).quiet;
    if (quiet) quiet.suspicious(r.bound.rule, view, out);
    else out.fill(1);
  }
  return out;
}

/** Replay segments: suspicious hours padded (look-back before, POST_PAD after), merged, clipped. */
export function segmentsOf(
  suspicious: Uint8Array,
  h0: number,
  lookBack: number,
  rangeFrom: number,
  rangeTo: number,
): Segment[] {
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
