// Coverage, daily room statistics and daily noise energy from the hourly summaries, with the exact
// minute buckets read only for hours that need them (an hour with missing minutes, or one cut by a
// day or opening-hours boundary that is not on the hour). Gives the same numbers as series-stats.ts
// over the full minute series: an hour with all 60 minute buckets is covered without a hole.
import type { AggregatePoint } from '../store/store.ts';
import type { HourSummary } from '@hallmon/rules';
import { HOUR } from './hour-summary.ts';
import { MINUTE, minutesIn, type DaySpan } from './period.ts';
import { Holes, type Coverage, type DayStats, type NoiseDay } from './series-stats.ts';

/** The minute buckets of the hours that need them, by hour index. */
export type MinuteCache = Map<number, AggregatePoint[]>;

/** Hour indices whose minute buckets are needed: incomplete hours, and hours cut by one of `cuts`. */
export function hoursNeedingMinutes(h: HourSummary, cuts: number[]): number[] {
  const need = new Set<number>();
  for (let k = 0; k < h.n; k++) if (h.minutes[k]! > 0 && h.minutes[k]! < 60) need.add(k);
  for (const c of cuts) {
    if (c % HOUR === 0) continue;
    const k = Math.floor((c - h.h0) / HOUR);
    if (k >= 0 && k < h.n && h.minutes[k]! > 0) need.add(k);
  }
  return [...need].sort((a, b) => a - b);
}

/** Reads the needed hours' minute buckets in runs of consecutive hours. */
export async function fillMinuteCache(
  h: HourSummary,
  need: number[],
  read: (from: number, to: number) => Promise<AggregatePoint[]>,
): Promise<MinuteCache> {
  const cache: MinuteCache = new Map();
  for (let i = 0; i < need.length;) {
    let j = i;
    while (j + 1 < need.length && need[j + 1] === need[j]! + 1) j++;
    const from = h.h0 + need[i]! * HOUR;
    const points = await read(from, h.h0 + (need[j]! + 1) * HOUR);
    for (let k = need[i]!; k <= need[j]!; k++) cache.set(k, []);
    for (const p of points) cache.get(Math.floor((p.ts - h.h0) / HOUR))?.push(p);
    i = j + 1;
  }
  return cache;
}

/** Calls `whole(k)` for hours inside [a, b) and `part(p)` for each minute bucket of hours cut by it. */
function eachIn(
  h: HourSummary,
  cache: MinuteCache,
  a: number,
  b: number,
  whole: (k: number) => void,
  part: (p: AggregatePoint) => void,
): void {
  const k0 = Math.max(0, Math.floor((a - h.h0) / HOUR));
  const k1 = Math.min(h.n, Math.ceil((b - h.h0) / HOUR));
  for (let k = k0; k < k1; k++) {
    if (h.minutes[k] === 0) continue;
    const s = h.h0 + k * HOUR;
    if (s >= a && s + HOUR <= b) whole(k);
    else for (const p of cache.get(k) ?? []) if (p.ts >= a && p.ts < b) part(p);
  }
}

/** Same as series-stats coverage() over the minute buckets, computed hour-wise. */
export function coverageFromHours(
  h: HourSummary,
  cache: MinuteCache,
  intervals: Array<[number, number]>,
  minGapMs: number,
): Coverage {
  let covered = 0;
  let expected = 0;
  const holes = new Holes();
  const hole = holes.add;
  for (const [a, b] of intervals) {
    expected += minutesIn(a, b);
    const first = Math.ceil(a / MINUTE) * MINUTE;
    let cursor = a;
    const k0 = Math.max(0, Math.floor((first - h.h0) / HOUR));
    const k1 = Math.min(h.n, Math.ceil((b - h.h0) / HOUR));
    for (let k = k0; k < k1; k++) {
      const s = h.h0 + k * HOUR;
      if (h.minutes[k] === 0) continue;
      if (h.minutes[k] === 60) {
        // Every minute bucket of the hour exists: one run from the first bucket in [first, b).
        const rs = Math.max(first, s);
        const re = Math.min(b, s + HOUR);
        const n = Math.max(0, Math.ceil((re - rs) / MINUTE));
        if (n === 0) continue;
        hole(cursor, rs);
        covered += n;
        cursor = rs + n * MINUTE;
        continue;
      }
      for (const p of cache.get(k) ?? []) {
        if (p.ts < first || p.ts >= b || p.count <= 0) continue;
        hole(cursor, p.ts);
        covered++;
        cursor = p.ts + MINUTE;
      }
    }
    hole(cursor, b);
  }
  return { covered, expected, spans: holes.spans(minGapMs) };
}

/** Site-local daily min/mean/max and minute count (rooms, all day). */
export function roomDaysFromHours(h: HourSummary, cache: MinuteCache, days: DaySpan[]): DayStats[] {
  const out: DayStats[] = [];
  for (const d of days) {
    let s: DayStats | null = null;
    const add = (min: number, max: number, sum: number, count: number, minutes: number) => {
      s ??= { day: d.day, min, max, sum: 0, count: 0, minutes: 0 };
      if (min < s.min) s.min = min;
      if (max > s.max) s.max = max;
      s.sum += sum;
      s.count += count;
      s.minutes += minutes;
    };
    eachIn(
      h,
      cache,
      d.start,
      d.end,
      (k) => add(h.min[k]!, h.max[k]!, h.sum[k]!, h.count[k]!, h.minutes[k]!),
      (p) => add(p.min, p.max, p.mean * p.count, p.count, 1),
    );
    if (s) out.push(s);
  }
  return out;
}

/** Daily noise energy over opening hours, each minute as its LAeq over `durPerMinuteS`. */
export function noiseDaysFromHours(
  h: HourSummary,
  cache: MinuteCache,
  days: DaySpan[],
  durPerMinuteS: number,
): NoiseDay[] {
  const out: NoiseDay[] = [];
  for (const d of days) {
    let acc: NoiseDay | null = null;
    const add = (energy: number, minutes: number, lmax: number) => {
      if (minutes <= 0) return;
      acc ??= { day: d.day, energy: 0, durS: 0, lmax, minutes: 0, open: d.open };
      acc.energy += durPerMinuteS * energy;
      acc.durS += durPerMinuteS * minutes;
      if (lmax > acc.lmax) acc.lmax = lmax;
      acc.minutes += minutes;
    };
    for (const [a, b] of d.open)
      eachIn(
        h,
        cache,
        a,
        b,
        (k) => add(h.energy[k]!, h.valued[k]!, h.lmax[k]!),
        (p) => {
          if (p.laeq !== undefined) add(Math.pow(10, p.laeq / 10), 1, p.max);
        },
      );
    if (acc) out.push(acc);
  }
  return out;
}
