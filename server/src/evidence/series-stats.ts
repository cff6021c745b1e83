// What one minute series says beyond the rules: coverage of the judged hours (a minute bucket with
// data counts as covered), the uncovered spans, and site-local daily min/mean/max
// (rooms) or daily LAeq over opening hours (noise). Pure functions over the 1-minute rollups.
import type { AggregatePoint } from '../store/store.ts';
import { laeqFromEnergy } from '@hallmon/rules';
import { MINUTE, minutesIn, type DaySpan } from './period.ts';

export interface Coverage {
  covered: number;
  expected: number;
  /** Uncovered spans [start, end) inside the judged hours, merged, at least minGapMs long. */
  spans: Array<[number, number]>;
}

/** Uncovered spans, added in time order: touching or overlapping ones merge. */
export class Holes {
  private readonly raw: Array<[number, number]> = [];
  readonly add = (s: number, e: number): void => {
    if (e <= s) return;
    const last = this.raw[this.raw.length - 1];
    if (last && last[1] >= s) last[1] = Math.max(last[1], e);
    else this.raw.push([s, e]);
  };
  /** The merged spans at least minGapMs long. */
  spans(minGapMs: number): Array<[number, number]> {
    return this.raw.filter(([s, e]) => e - s >= minGapMs);
  }
}

/** Judged intervals of the period: whole days (rooms) or opening intervals (hall). */
export function judgedIntervals(days: DaySpan[], openingOnly: boolean): Array<[number, number]> {
  return openingOnly ? days.flatMap((d) => d.open) : days.map((d): [number, number] => [d.start, d.end]);
}

/** Coverage of `intervals` by the minute buckets of `points` (sorted by ts). */
export function coverage(points: AggregatePoint[], intervals: Array<[number, number]>, minGapMs: number): Coverage {
  let covered = 0;
  let expected = 0;
  const holes = new Holes();
  const hole = holes.add;
  let i = 0;
  for (const [a, b] of intervals) {
    expected += minutesIn(a, b);
    const first = Math.ceil(a / MINUTE) * MINUTE;
    while (i < points.length && points[i]!.ts < first) i++;
    let cursor = a;
    for (; i < points.length && points[i]!.ts < b; i++) {
      const p = points[i]!;
      if (p.count <= 0) continue;
      hole(cursor, p.ts);
      covered++;
      cursor = p.ts + MINUTE;
    }
    hole(cursor, b);
  }
  return { covered, expected, spans: holes.spans(minGapMs) };
}

export interface DayStats {
  day: string;
  min: number;
  max: number;
  sum: number;
  count: number;
  minutes: number;
}

/** Site-local daily min/mean/max from minute buckets (all day). */
export function roomDays(points: AggregatePoint[], days: DaySpan[]): DayStats[] {
  const out: DayStats[] = [];
  let i = 0;
  for (const d of days) {
    while (i < points.length && points[i]!.ts < d.start) i++;
    let s: DayStats | null = null;
    for (; i < points.length && points[i]!.ts < d.end; i++) {
      const p = points[i]!;
      if (!s) s = { day: d.day, min: p.min, max: p.max, sum: 0, count: 0, minutes: 0 };
      if (p.min < s.min) s.min = p.min;
      if (p.max > s.max) s.max = p.max;
      s.sum += p.mean * p.count;
      s.count += p.count;
      s.minutes++;
    }
    if (s) out.push(s);
  }
  return out;
}

export interface NoiseDay {
  day: string;
  energy: number;
  durS: number;
  lmax: number;
  minutes: number;
  /** Opening intervals of the day that had data, for the histogram query. */
  open: Array<[number, number]>;
}

/** Daily energy sums of noise over opening hours (LAeq per day = 10·log10(E / T)). */
export function noiseDays(points: AggregatePoint[], days: DaySpan[], durPerMinuteS: number): NoiseDay[] {
  const out: NoiseDay[] = [];
  let i = 0;
  for (const d of days) {
    let acc: NoiseDay | null = null;
    for (const [a, b] of d.open) {
      while (i < points.length && points[i]!.ts < a) i++;
      for (; i < points.length && points[i]!.ts < b; i++) {
        const p = points[i]!;
        if (p.laeq === undefined) continue;
        acc ??= { day: d.day, energy: 0, durS: 0, lmax: p.max, minutes: 0, open: d.open };
        acc.energy += durPerMinuteS * Math.pow(10, p.laeq / 10);
        acc.durS += durPerMinuteS;
        if (p.max > acc.lmax) acc.lmax = p.max;
        acc.minutes++;
      }
    }
    if (acc) out.push(acc);
  }
  return out;
}

export function laeqOf(energy: number, durS: number): number | null {
  return laeqFromEnergy(energy, durS) ?? null;
}
