// Rollup arithmetic shared by both stores: bucket alignment, the noise energy mean (LAeq) and the
// level histogram that lets L10/L50/L90 be computed later from rollups instead of raw data.
// Pure functions only; the SQLite store also uses BatchRollup to fold a batch into per-bucket sums
// before it touches the rollup tables (one upsert per bucket, not one per reading).
import type { Metric } from '@hallmon/firmware-config';
import { STEP_MS, type AggregatePoint, type Step } from './store.ts';

export const STEPS: readonly Step[] = ['1m', '1h', '1d'];

/** Noise intervals default to 1 s (CONTRACT: noise_laeq is "over the reading's own interval, default 1 s"). */
export const DEFAULT_NOISE_DUR_S = 1;

/** Histogram bin width for noise levels: 0.5 dB keeps L10/L50/L90 well inside a class 2 meter's tolerance. */
export const HIST_BIN_DB = 0.5;

/** Start (epoch ms, UTC) of the bucket that holds ts. 1d buckets are UTC days. */
export function bucketStart(ts: number, step: Step): number {
  const ms = STEP_MS[step];
  return Math.floor(ts / ms) * ms;
}

/** First bucket start >= ts: the aligned lower bound for "buckets whose start lies in [from, to)". */
export function bucketCeil(ts: number, step: Step): number {
  const ms = STEP_MS[step];
  return Math.ceil(ts / ms) * ms;
}

export function isNoise(metric: Metric): boolean {
  return metric === 'noise_laeq';
}

/** Sound energy of one interval: dur·10^(L/10) (IEC 61672-1 equivalent continuous level). */
export function noiseEnergy(level: number, durS: number): number {
  return durS * Math.pow(10, level / 10);
}

/** LAeq = 10·log10(Σ dur·10^(L/10) / Σ dur). */
export function laeqFromEnergy(energy: number, durSum: number): number | undefined {
  if (!(durSum > 0) || !(energy > 0)) return undefined;
  return 10 * Math.log10(energy / durSum);
}

/** Histogram bin index of a level (bin k holds levels rounding to k·HIST_BIN_DB). */
export function histBin(level: number): number {
  return Math.round(level / HIST_BIN_DB);
}

export function binLevel(bin: number): number {
  return bin * HIST_BIN_DB;
}

/** Noise level histogram: bin level (dB) -> seconds spent at that level, ascending by level. */
export interface NoiseHistogram {
  binDb: number;
  bins: Array<{ level: number; seconds: number }>;
  totalSeconds: number;
}

/**
 * Percentile levels from a time-weighted histogram. Ln is the level exceeded n % of the time
 * (L10 = loud peaks, L90 = background), i.e. the (100 − n)th percentile of the time distribution.
 */
export function exceedanceLevel(h: NoiseHistogram, n: number): number | undefined {
  if (!(h.totalSeconds > 0)) return undefined;
  const target = h.totalSeconds * (1 - n / 100);
  let acc = 0;
  for (const b of h.bins) {
    acc += b.seconds;
    if (acc >= target - 1e-9) return b.level;
  }
  return h.bins.at(-1)?.level;
}

/** Per-bucket sums for one series and step, built from the rows a batch actually inserted. */
export interface BucketSums {
  seriesId: number;
  bucket: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  /** Noise only (null otherwise). */
  energy: number | null;
  durSum: number | null;
}

/** 1m sums plus, for noise, the level histogram of that minute (bin -> seconds). */
export interface MinuteSums extends BucketSums {
  hist: Map<number, number> | null;
}

/**
 * Folds inserted readings into 1m buckets, then derives 1h and 1d from them; the histogram is 1m
 * only. One instance per write call. Keyed by numbers (series id, then bucket) so the hot path
 * allocates only when a batch reaches a new bucket, never per reading.
 */
export class BatchRollup {
  private readonly bySeries = new Map<number, Map<number, MinuteSums>>();
  private lastSeries = -1;
  private lastMap: Map<number, MinuteSums> | undefined;

  add(seriesId: number, noise: boolean, ts: number, value: number, dur: number | null): void {
    const bucket = bucketStart(ts, '1m');
    let m = this.lastSeries === seriesId ? this.lastMap : this.bySeries.get(seriesId);
    if (m === undefined) {
      m = new Map();
      this.bySeries.set(seriesId, m);
    }
    this.lastSeries = seriesId;
    this.lastMap = m;
    const d = noise ? (dur ?? DEFAULT_NOISE_DUR_S) : 0;
    const b = m.get(bucket);
    if (b === undefined) {
      m.set(bucket, {
        seriesId,
        bucket,
        count: 1,
        min: value,
        max: value,
        sum: value,
        energy: noise ? noiseEnergy(value, d) : null,
        durSum: noise ? d : null,
        hist: noise ? new Map([[histBin(value), d]]) : null,
      });
      return;
    }
    b.count += 1;
    if (value < b.min) b.min = value;
    if (value > b.max) b.max = value;
    b.sum += value;
    if (noise) {
      b.energy = (b.energy ?? 0) + noiseEnergy(value, d);
      b.durSum = (b.durSum ?? 0) + d;
      const h = b.hist ?? (b.hist = new Map());
      const bin = histBin(value);
      h.set(bin, (h.get(bin) ?? 0) + d);
    }
  }

  *minutes(): IterableIterator<MinuteSums> {
    for (const m of this.bySeries.values()) yield* m.values();
  }

  /** Coarser buckets merged from the 1m sums. */
  coarser(step: Exclude<Step, '1m'>): BucketSums[] {
    const out: BucketSums[] = [];
    for (const m of this.bySeries.values()) {
      let cur: BucketSums | undefined;
      const byBucket = new Map<number, BucketSums>();
      for (const s of m.values()) {
        const bucket = bucketStart(s.bucket, step);
        cur = cur?.bucket === bucket ? cur : byBucket.get(bucket);
        if (cur === undefined) {
          cur = { seriesId: s.seriesId, bucket, count: s.count, min: s.min, max: s.max, sum: s.sum, energy: s.energy, durSum: s.durSum };
          byBucket.set(bucket, cur);
          out.push(cur);
        } else mergeSums(cur, s);
      }
    }
    return out;
  }
}

export function mergeSums(into: BucketSums, m: BucketSums): void {
  into.count += m.count;
  if (m.min < into.min) into.min = m.min;
  if (m.max > into.max) into.max = m.max;
  into.sum += m.sum;
  if (m.energy !== null) {
    into.energy = (into.energy ?? 0) + m.energy;
    into.durSum = (into.durSum ?? 0) + (m.durSum ?? 0);
  }
}

/** A rollup row as stored -> the API's aggregate point. */
export function toAggregatePoint(
  ts: number,
  count: number,
  min: number,
  max: number,
  sum: number,
  energy: number | null,
  durSum: number | null,
): AggregatePoint {
  const p: AggregatePoint = { ts, count, min, max, mean: sum / count };
  if (energy !== null && durSum !== null) {
    const l = laeqFromEnergy(energy, durSum);
    if (l !== undefined) p.laeq = l;
  }
  return p;
}
