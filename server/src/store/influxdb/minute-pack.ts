// The minutes of one series-hour packed into string fields of its `rollup_1h` point, so an evidence
// replay reads one point per hour instead of 60 minute points: on a loud year that is 18 k points
// instead of 1.2 M, and InfluxDB 1.6 spends ~2-3 µs per point it answers (far more than it spends
// scanning them). `minute_means` holds each minute's mean (sum / count; for noise the mean energy
// energy / edur, 0 for a minute without one); noise also gets `minute_max` (each minute's maximum
// level). The keeper (hour-rollups.ts) writes them from the same minute sums the reads used
// to compute, so the values are the same doubles. A pack is a JSON array, element i for minute i or
// null (no data that minute; trailing nulls dropped): JSON numbers are the shortest decimals that
// parse back to the same double, and JSON.parse reads them natively (3x faster than splitting and
// Number() here).
import { qlTime, type InfluxReader } from './influxql.ts';
import { fieldString } from './points.ts';
import { batchedWindows } from './minutes.ts';

export const MINUTE_MEANS = 'minute_means';
export const MINUTE_MAX = 'minute_max';
const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Hours per statement when reading packs: a month is ~720 points of a few hundred bytes each. */
const PACK_WINDOW_MS = 30 * 86_400_000;
/**
 * Runs of hours closer than this are read by one statement, the hours between them skipped here:
 * influxd spends ~0.5 ms on a statement (planning over its shards) and ~4 µs on a climate pack point
 * (10 µs for noise), so a statement costs about as much as 2-5 days of packs. A replay of a year
 * with an incident a day is then ~12 statements a series instead of ~365.
 */
const PACK_MERGE_GAP_MS = 48 * HOUR;

/** Minute values of many series-hours, set in any order, written out as the pack fields of each. */
export class MinutePacks {
  private readonly hours = new Map<string, { means: Array<number | null>; max: Array<number | null> | undefined }>();

  /** One minute (start `ts`) of a series (any string naming it); `max` only for noise. */
  set(series: string, ts: number, mean: number, max?: number): void {
    const h = Math.floor(ts / HOUR) * HOUR;
    const key = `${series}\0${h}`;
    let p = this.hours.get(key);
    if (!p) this.hours.set(key, (p = { means: [], max: max === undefined ? undefined : [] }));
    const i = (ts - h) / MINUTE;
    p.means[i] = mean;
    if (p.max && max !== undefined) p.max[i] = max;
  }

  /** Line-protocol fields of a series-hour's packs (`,minute_means="[…]"…`), '' when it has none. */
  fields(series: string, hour: number): string {
    const p = this.hours.get(`${series}\0${hour}`);
    if (!p) return '';
    // Holes (minutes without data) come out as null.
    let f = `,${MINUTE_MEANS}=${fieldString(JSON.stringify(p.means))}`;
    if (p.max) f += `,${MINUTE_MAX}=${fieldString(JSON.stringify(p.max))}`;
    return f;
  }
}

/**
 * Appends the minutes of a pack with start in [from, to) to `out` (and their maxima when given), in
 * time order. A pack that is not an array of numbers and nulls (an edited or foreign point) is an
 * error naming the hour.
 */
export function unpackMinutes(
  hour: number,
  means: string,
  maxes: string | undefined,
  from: number,
  to: number,
  out: ColumnsBuilder,
): void {
  const m = parsePack(hour, means);
  const x = maxes === undefined ? undefined : parsePack(hour, maxes);
  const a = Math.max(0, Math.ceil((from - hour) / MINUTE));
  const b = Math.min(m.length, Math.ceil((to - hour) / MINUTE));
  for (let i = a; i < b; i++) {
    const v = m[i];
    if (v === null || v === undefined) continue;
    out.push(hour + i * MINUTE, v, x ? (x[i] ?? NaN) : NaN);
  }
}

/** Minutes as columns: start, mean (noise: mean energy), and for noise the maximum level (else NaN). */
export interface MinuteColumns {
  ts: Float64Array;
  value: Float64Array;
  max: Float64Array;
}

/**
 * Grows three Float64Array columns (a JS number[] push cost ~100 ns a value here, 3x the JSON
 * parse of the pack; a typed-array store costs next to nothing).
 */
export class ColumnsBuilder {
  private ts = new Float64Array(1024);
  private value = new Float64Array(1024);
  private max = new Float64Array(1024);
  private n = 0;

  push(ts: number, value: number, max: number): void {
    if (this.n === this.ts.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.ts = grow(this.ts);
      this.value = grow(this.value);
      this.max = grow(this.max);
    }
    this.ts[this.n] = ts;
    this.value[this.n] = value;
    this.max[this.n++] = max;
  }

  columns(): MinuteColumns {
    return {
      ts: this.ts.subarray(0, this.n),
      value: this.value.subarray(0, this.n),
      max: this.max.subarray(0, this.n),
    };
  }
}

function parsePack(hour: number, text: string): Array<number | null> {
  let slots: unknown;
  try {
    slots = JSON.parse(text);
  } catch {
    slots = undefined;
  }
  if (!Array.isArray(slots) || slots.length > 60 || !slots.every((v) => v === null || typeof v === 'number')) {
    throw new Error(
      `InfluxDB: a minute pack of the hour ${new Date(hour).toISOString()} in rollup_1h is not a list of minute values; ` +
        `reset the rollup layout marker (influx -database DB -execute 'INSERT rollup_state version=0i 0') and restart the server to rebuild the rollups`,
    );
  }
  return slots as Array<number | null>;
}

/**
 * The minutes of one series (`where` selects it) with start in the given sorted, disjoint,
 * whole-minute ranges, read from the packs of the hours they touch; `withMax` for noise. In time order.
 */
export async function readMinutePacks(
  reader: InfluxReader,
  measurement: string,
  where: string,
  ranges: ReadonlyArray<readonly [number, number]>,
  withMax: boolean,
): Promise<MinuteColumns> {
  // Hours the ranges touch, as runs of whole hours; runs less than PACK_MERGE_GAP_MS apart read as
  // one; cut into windows of a month.
  const runs: Array<[number, number]> = [];
  for (const [a, b] of ranges) {
    const s = Math.floor(a / HOUR) * HOUR;
    const e = Math.ceil(b / HOUR) * HOUR;
    const last = runs[runs.length - 1];
    if (last && s - last[1] <= PACK_MERGE_GAP_MS) last[1] = Math.max(last[1], e);
    else runs.push([s, e]);
  }
  const windows: Array<[number, number]> = [];
  for (const [s, e] of runs)
    for (let t = s; t < e; t += PACK_WINDOW_MS) windows.push([t, Math.min(e, t + PACK_WINDOW_MS)]);
  const fields = withMax ? `${MINUTE_MEANS}, ${MINUTE_MAX}` : MINUTE_MEANS;
  const parts = await batchedWindows(reader, windows, ([a, b]) => [
    `SELECT ${fields} FROM ${measurement} WHERE ${where} AND time >= ${qlTime(a)} AND time < ${qlTime(b)}`,
  ]);
  const out = new ColumnsBuilder();
  let r = 0;
  for (const [series] of parts) {
    for (const s of series ?? []) {
      for (const [hour, means, maxes] of s.values) {
        if (typeof hour !== 'number' || typeof means !== 'string') continue;
        const mx = withMax ? (typeof maxes === 'string' ? maxes : '[]') : undefined;
        // Only the parts of the hour inside a range (ranges and hours both ascend).
        while (r < ranges.length && ranges[r]![1] <= hour) r++;
        for (let k = r; k < ranges.length && ranges[k]![0] < hour + HOUR; k++)
          unpackMinutes(hour, means, mx, ranges[k]![0], ranges[k]![1], out);
      }
    }
  }
  return out.columns();
}
