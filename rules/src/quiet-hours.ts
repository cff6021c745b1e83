// What the evidence fast path needs from a rule kind to know that an hour of a sensor cannot hold
// one of its excursions (docs/evidence.md "How a year takes seconds"): the hourly summary of a
// series as plain columns, the view of one sensor a kind judges hours on, and the tests the
// threshold kinds share. An hour is QUIET for a rule when every value the rule would judge in it
// lies inside the rule's clear band (max/min with the hysteresis margin), also over a rolling window
// reaching back into earlier hours; from an hour where a value could leave the limits on, hours
// stay suspicious up to and including the first complete hour all inside the clear band (where an
// open excursion ends). Each kind module says how that reads for its own judged value.
import type { Metric, RuleDef } from '@hallmon/firmware-config/core';
import { round6 } from './alarm.ts';

const HOUR = 3_600_000;
/** Margin against float rounding: a value this close to a clear limit counts as outside it. */
const EPS = 1e-6;

/**
 * Dense per-hour columns of one series over [h0, h0 + n·1 h): how many minute buckets hold data
 * (`minutes`; 0 = no data) and how many a value the replay would feed (`valued`), raw count, min,
 * max and sum, bounds of the minute values fed (minute mean; noise minute LAeq) and, for noise, the
 * mean minute energy and the loudest raw reading.
 */
export interface HourSummary {
  h0: number;
  n: number;
  minutes: Float64Array;
  valued: Float64Array;
  count: Float64Array;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  vmin: Float64Array;
  vmax: Float64Array;
  energy: Float64Array;
  lmax: Float64Array;
}

/** One sensor's hours over the replay range, as a kind's quiet test sees them. */
export interface QuietView {
  /** Hours in the range. */
  readonly n: number;
  /** The metric's hours when it has data somewhere in the range, else undefined (nothing to judge). */
  hours(metric: Metric | undefined): HourSummary | undefined;
  /** Whether hour k has all 60 minutes with a value. */
  complete(h: HourSummary, k: number): boolean;
  /** Per hour, 1 when the rule judges anything in it (opening hours and season). */
  active(rule: RuleDef): Uint8Array;
  /** The site-local days of hour k's first and last instant. */
  dayKeys(k: number): [string, string];
}

/** A kind's part of the fast path. A kind without one has every hour of its sensors replayed. */
export interface QuietTest {
  /** How far before an hour the rule's judged value reaches back (its rolling window), ms. */
  lookBackMs(rule: RuleDef): number;
  /**
   * Sets out[k] = 1 for each hour in which the rule could raise, hold or end an excursion. Hours
   * with a missing minute are already marked (a gap may start or end there, for every rule).
   */
  suspicious(rule: RuleDef, v: QuietView, out: Uint8Array): void;
  /**
   * Complete hours whose exact minute values the test needs all the same (a 95 dB second does not
   * make a loud minute: the raw maximum says too little about minute LAeqs), given when the rule is active.
   */
  minuteDetail?(
    rule: RuleDef,
    metric: Metric,
    active: Uint8Array,
  ): ((k: number, h: HourSummary) => boolean) | undefined;
}

/** The clear band [lo, hi] of a rule's limits (where an open excursion ends), or null without limits. */
export function clearBand(rule: RuleDef): { lo: number; hi: number } | null {
  const l = rule.limits;
  if (!l) return null;
  return { lo: l.clearMin ?? l.min ?? -Infinity, hi: l.clearMax ?? l.max ?? Infinity };
}

/**
 * The forward scan over one rule's per-hour flags: an hour that is incomplete (`ok` false) or where
 * an active rule could trigger is suspicious and opens; from there every hour is suspicious up to and
 * including the first that is inactive all hour (an open excursion ended at closing / season end,
 * at the hour's first tick) or all clear.
 */
export function scanHours(
  out: Uint8Array,
  act: Uint8Array,
  ok: (k: number) => boolean,
  trig: (k: number) => boolean,
  clr: (k: number) => boolean,
): void {
  let open = false;
  for (let k = 0; k < out.length; k++) {
    if (!ok(k) || (act[k] && trig(k))) {
      out[k] = 1;
      open = true;
    } else if (open) {
      out[k] = 1;
      if (!act[k] || clr(k)) open = false;
    }
  }
}

/**
 * The quiet test of a limit on the judged value itself (range, LAeq window): raw values (`windowMs`
 * null) are bounded by the hour's min/max; a rolling mean or energy mean over `windowMs` lies
 * between the lowest and highest minute value of the hours its window reaches into.
 */
export function limitHours(rule: RuleDef, v: QuietView, out: Uint8Array, windowMs: number | null): void {
  const h = v.hours(rule.metric);
  if (!h) return;
  const band = clearBand(rule);
  if (!band) return;
  const lim = { lo: rule.limits?.min ?? -Infinity, hi: rule.limits?.max ?? Infinity };
  const act = v.active(rule);
  const windowed = windowMs !== null;
  // Means and LAeqs are rounded to 6 decimals before they are judged (round6); raw values are
  // not, and a minute mean may exceed the raw maximum by a rounding error: keep a margin.
  const eps = windowed ? 0 : EPS;
  const lo = (k: number) => (windowed ? round6(h.vmin[k]!) : h.vmin[k]!);
  const hi = (k: number) => (windowed ? round6(h.vmax[k]!) : h.vmax[k]!);
  const back = windowed ? Math.ceil(windowMs / HOUR) : 0;
  // A window holds values judged while the rule was active, from this hour and `back` before.
  const within = (k: number, b: { lo: number; hi: number }) => {
    for (let j = 0; j <= back; j++) {
      const g = k - j;
      if (g < 0 || (j > 0 && !act[g]) || h.minutes[g] === 0) continue;
      if (!(lo(g) >= b.lo + eps && hi(g) <= b.hi - eps)) return false;
    }
    return true;
  };
  scanHours(
    out,
    act,
    (k) => v.complete(h, k) || !act[k],
    (k) => !within(k, lim),
    (k) => within(k, band),
  );
}
