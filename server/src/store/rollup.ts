// Rollup arithmetic shared by both stores: bucket alignment and the per-bucket sums (count, min,
// max, sum, and for noise the sound energy and the level histogram that lets L10/L50/L90 come from
// rollups instead of raw data; the acoustics are the rules package's). Pure functions only; the
// SQLite store also uses BatchRollup to fold a batch into per-bucket sums before it touches the
// rollup tables (one upsert per bucket, not one per reading).
import type { Metric } from '@hallmon/firmware-config';
import { DEFAULT_NOISE_DUR_S, histBin, laeqFromEnergy, noiseEnergy } from '@hallmon/rules';
import { STEP_MS, type AggregatePoint, type Step } from './store.ts';

export const STEPS: readonly Step[] = ['1m', '1h', '1d'];

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
          cur = {
            seriesId: s.seriesId,
            bucket,
            count: s.count,
            min: s.min,
            max: s.max,
            sum: s.sum,
            energy: s.energy,
            durSum: s.durSum,
          };
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
