// Minute buckets of one series on InfluxDB 1.x for the evidence reads that need minute detail
// (Store.readMinuteValues, Store.readMinuteHourStats): GROUP BY time(1m) over the raw `reading`
// points merged with `rollup_1m` (the sums pruneRaw kept), the same two sources readAggregate uses.
// Long ranges are cut into windows queried a few at a time: one InfluxQL statement cannot OR time
// ranges, and parallel requests keep influxd's cores busy while JS parses the previous answer.
import type { InfluxHttp, InfluxSeries } from './influx-http.ts';
import { qlTime } from './influx-http.ts';
import { mapLimit } from '../util/map-limit.ts';

/** One 1m bucket as stored sums (energy/edur null when the series carries none, i.e. not noise). */
export interface MinuteBucket {
  ts: number;
  count: number;
  max: number;
  sum: number;
  energy: number | null;
  edur: number | null;
}

/** Window per request: a day of 1-min data is 1,440 rows, small enough to parse while others run. */
export const MINUTE_WINDOW_MS = 86_400_000;
/** Requests in flight at once (the target machine has 2 cores; influxd uses one per query). */
export const MINUTE_PARALLEL = 3;
/** Window statements per HTTP request (see batchedWindows); answers stay small (a window is <= a day or a month of minutes). */
const STATEMENTS_PER_REQUEST = 24;

/**
 * Buckets with start in [from, to) (both whole minutes), in time order, per metric of the series
 * `where` selects (one metric, or several of one sensor: one request serves them all). Raw points
 * are bucketed here: a plain ranged SELECT costs InfluxDB 1.6 about half a GROUP BY time(1m), and
 * summing in time order is the arithmetic of its sum(). `withPruned` adds rollup_1m (pruned sums).
 * Meant for series of about a reading a minute (noise minutes come from noise_1m instead).
 */
export async function readMinuteBuckets(
  http: InfluxHttp,
  where: string,
  ranges: Array<[number, number]>,
  withPruned: boolean,
): Promise<Map<string, MinuteBucket[]>> {
  const windows: Array<[number, number]> = [];
  for (const [a, b] of ranges) for (let t = a; t < b; t += MINUTE_WINDOW_MS) windows.push([t, Math.min(b, t + MINUTE_WINDOW_MS)]);
  const parts = await batchedWindows(http, windows, ([a, b]) => {
    const w = `WHERE ${where} AND time >= ${qlTime(a)} AND time < ${qlTime(b)}`;
    const raw = `SELECT value, energy, edur FROM reading ${w} GROUP BY metric`;
    return withPruned ? [raw, `SELECT sum("count"), max("max"), sum("sum"), sum(energy), sum(edur) FROM rollup_1m ${w} GROUP BY time(1m), metric fill(none)`] : [raw];
  });
  const out = new Map<string, MinuteBucket[]>();
  for (const [raw, rolled] of parts) {
    const byMetric = new Map<string, MinuteBucket[]>();
    for (const s of raw ?? []) byMetric.set(s.tags?.metric ?? '', bucketRaw(s));
    for (const s of rolled ?? []) {
      const m = s.tags?.metric ?? '';
      byMetric.set(m, mergeSorted(byMetric.get(m) ?? [], bucketsOf([s])));
    }
    for (const [m, b] of byMetric) {
      const into = out.get(m);
      if (into) for (const x of b) into.push(x);
      else out.set(m, b);
    }
  }
  return out;
}

/**
 * Statements of many windows sent a batch per request (InfluxQL runs `;`-separated statements in
 * order and answers each): an evidence replay asks for hundreds of short runs, and a round trip
 * costs more than a short statement. Batches run MINUTE_PARALLEL at a time; answers come back per
 * window, in window order, one entry per statement.
 */
async function batchedWindows(
  http: InfluxHttp,
  windows: ReadonlyArray<[number, number]>,
  statements: (w: [number, number]) => string[],
): Promise<Array<Array<InfluxSeries[] | undefined>>> {
  const batches: Array<Array<[number, number]>> = [];
  for (let i = 0; i < windows.length; i += STATEMENTS_PER_REQUEST) batches.push(windows.slice(i, i + STATEMENTS_PER_REQUEST));
  const answers = await mapLimit(batches, MINUTE_PARALLEL, async (batch) => {
    const per = batch.map(statements);
    const results = await http.query(per.flat().join('; '));
    let k = 0;
    return per.map((st) => st.map(() => results[k++]));
  });
  return answers.flat();
}

/** Raw points of one series (time order) folded into 1m buckets: count, max, sum, Σenergy, Σedur. */
function bucketRaw(s: InfluxSeries): MinuteBucket[] {
  const out: MinuteBucket[] = [];
  let cur: MinuteBucket | undefined;
  for (const [ts, value, energy, edur] of s.values) {
    if (typeof ts !== 'number' || typeof value !== 'number') continue;
    const m = Math.floor(ts / 60_000) * 60_000;
    if (cur?.ts !== m) {
      cur = { ts: m, count: 0, max: value, sum: 0, energy: null, edur: null };
      out.push(cur);
    }
    cur.count++;
    if (value > cur.max) cur.max = value;
    cur.sum += value;
    if (typeof energy === 'number') cur.energy = (cur.energy ?? 0) + energy;
    if (typeof edur === 'number') cur.edur = (cur.edur ?? 0) + edur;
  }
  return out;
}

/** Window per request for stored minute points (noise_1m): a month is ~43 k rows. */
const STORED_WINDOW_MS = 30 * 86_400_000;

/**
 * Minute sums already kept per minute (`noise_1m`, see influx-hour-rollups.ts): a plain ranged
 * SELECT, no grouping. Same shape and order as readMinuteBuckets.
 */
export async function readStoredMinutes(http: InfluxHttp, measurement: string, where: string, ranges: Array<[number, number]>): Promise<MinuteBucket[]> {
  const windows: Array<[number, number]> = [];
  for (const [a, b] of ranges) for (let t = a; t < b; t += STORED_WINDOW_MS) windows.push([t, Math.min(b, t + STORED_WINDOW_MS)]);
  const parts = await batchedWindows(http, windows, ([a, b]) => [`SELECT "count", "max", "sum", energy, edur FROM ${measurement} WHERE ${where} AND time >= ${qlTime(a)} AND time < ${qlTime(b)}`]);
  return parts.flatMap(([series]) => bucketsOf(series));
}

function bucketsOf(series: InfluxSeries[] | undefined): MinuteBucket[] {
  const out: MinuteBucket[] = [];
  for (const s of series ?? []) {
    for (const [ts, count, max, sum, energy, edur] of s.values) {
      if (typeof ts !== 'number' || typeof count !== 'number' || count === 0) continue;
      out.push({
        ts,
        count,
        max: max as number,
        sum: sum as number,
        energy: typeof energy === 'number' ? energy : null,
        edur: typeof edur === 'number' ? edur : null,
      });
    }
  }
  return out;
}

/** Raw and pruned sums never overlap in practice; when a minute is in both, its sums add up. */
function mergeSorted(a: MinuteBucket[], b: MinuteBucket[]): MinuteBucket[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: MinuteBucket[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x.ts < y.ts)) out.push(a[i++]!);
    else if (x === undefined || y.ts < x.ts) out.push(b[j++]!);
    else {
      // Same order as readAggregate's merge: pruned sums first, then raw.
      out.push({
        ts: x.ts,
        count: y.count + x.count,
        max: Math.max(y.max, x.max),
        sum: y.sum + x.sum,
        energy: y.energy === null && x.energy === null ? null : (y.energy ?? 0) + (x.energy ?? 0),
        edur: y.edur === null && x.edur === null ? null : (y.edur ?? 0) + (x.edur ?? 0),
      });
      i++;
      j++;
    }
  }
  return out;
}

/** Contiguous runs of hour starts (any order, duplicates ignored) as [from, to) ranges. */
export function hourRuns(hours: readonly number[], hourMs: number): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const h of [...hours].sort((x, y) => x - y)) {
    const last = runs[runs.length - 1];
    if (last && last[1] === h) last[1] = h + hourMs;
    else if (!last || h > last[1]) runs.push([h, h + hourMs]);
  }
  return runs;
}
