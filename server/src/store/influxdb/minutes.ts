// Minute buckets of non-noise series on InfluxDB 1.x, computed from the raw `reading` points merged
// with `rollup_1m` (the sums pruneRaw kept), the same two sources readAggregate uses: what the
// hourly keeper packs into `minute_means` (minute-pack.ts). Also the batched windowed reads
// the evidence makes: one InfluxQL statement cannot OR time ranges, and parallel requests keep
// influxd's cores busy while JS parses the previous answer.
import { qlTime, type InfluxReader, type InfluxSeries } from './influxql.ts';
import { mapLimit } from '../../util/map-limit.ts';

/** One 1m bucket of a non-noise series as sums: its mean is sum / count. */
export interface MinuteBucket {
  ts: number;
  count: number;
  sum: number;
}

/** Window per request: a day of 1-min data is 1,440 rows, small enough to parse while others run. */
const MINUTE_WINDOW_MS = 86_400_000;
/** Requests in flight at once (the target machine has 2 cores; influxd uses one per query). */
const MINUTE_PARALLEL = 3;
/** Window statements per HTTP request (see batchedWindows); answers stay small (a window is <= a day or a month of minutes). */
const STATEMENTS_PER_REQUEST = 24;

/**
 * Buckets with start in the given [from, to) ranges (whole minutes), in time order, per series
 * (key `site\0sensor\0metric`) of those `where` selects. Raw points are bucketed here: a plain
 * ranged SELECT costs InfluxDB 1.6 about half a GROUP BY time(1m), and summing in time order is the
 * arithmetic of its sum(). `withPruned` adds rollup_1m (pruned sums). Meant for non-noise series
 * (noise minutes have energy sums, summed by the keeper itself), so it asks for `value` alone: naming
 * the noise-only fields energy/edur, absent from these series, made influxd 3.5-6x slower (it pads
 * every row with nulls; measured on a month of 1-min climate data).
 */
export async function readMinuteBuckets(
  reader: InfluxReader,
  where: string,
  ranges: Array<[number, number]>,
  withPruned: boolean,
): Promise<Map<string, MinuteBucket[]>> {
  const windows: Array<[number, number]> = [];
  for (const [a, b] of ranges)
    for (let t = a; t < b; t += MINUTE_WINDOW_MS) windows.push([t, Math.min(b, t + MINUTE_WINDOW_MS)]);
  const parts = await batchedWindows(reader, windows, ([a, b]) => {
    const w = `WHERE ${where} AND time >= ${qlTime(a)} AND time < ${qlTime(b)}`;
    const raw = `SELECT value FROM reading ${w} GROUP BY site, sensor, metric`;
    return withPruned
      ? [raw, `SELECT sum("count"), sum("sum") FROM rollup_1m ${w} GROUP BY time(1m), site, sensor, metric fill(none)`]
      : [raw];
  });
  const out = new Map<string, MinuteBucket[]>();
  for (const [raw, rolled] of parts) {
    const bySeries = new Map<string, MinuteBucket[]>();
    for (const s of raw ?? []) bySeries.set(seriesKey(s), bucketRaw(s));
    for (const s of rolled ?? []) {
      const k = seriesKey(s);
      bySeries.set(k, mergeSorted(bySeries.get(k) ?? [], bucketsOf([s])));
    }
    for (const [m, b] of bySeries) {
      const into = out.get(m);
      if (into) for (const x of b) into.push(x);
      else out.set(m, b);
    }
  }
  return out;
}

/** The map key of a series (site, sensor, metric), as readMinuteBuckets answers it. */
export function seriesKeyOf(site: string, sensor: string, metric: string): string {
  return `${site}\0${sensor}\0${metric}`;
}

/** The map key of a series answered with GROUP BY site, sensor, metric. */
export function seriesKey(s: InfluxSeries): string {
  return seriesKeyOf(s.tags?.site ?? '', s.tags?.sensor ?? '', s.tags?.metric ?? '');
}

/**
 * Statements of many windows sent a batch per request (InfluxQL runs `;`-separated statements in
 * order and answers each): an evidence replay asks for hundreds of short runs, and a round trip
 * costs more than a short statement. Batches run MINUTE_PARALLEL at a time; answers come back per
 * window, in window order, one entry per statement.
 */
export async function batchedWindows(
  reader: InfluxReader,
  windows: ReadonlyArray<[number, number]>,
  statements: (w: [number, number]) => string[],
): Promise<Array<Array<InfluxSeries[] | undefined>>> {
  const batches: Array<Array<[number, number]>> = [];
  for (let i = 0; i < windows.length; i += STATEMENTS_PER_REQUEST)
    batches.push(windows.slice(i, i + STATEMENTS_PER_REQUEST));
  const answers = await mapLimit(batches, MINUTE_PARALLEL, async (batch) => {
    const per = batch.map(statements);
    const results = await reader.query(per.flat().join('; '));
    let k = 0;
    return per.map((st) => st.map(() => results[k++]));
  });
  return answers.flat();
}

/** Raw points of one series (time order) folded into 1m buckets: count and sum. */
function bucketRaw(s: InfluxSeries): MinuteBucket[] {
  const out: MinuteBucket[] = [];
  let cur: MinuteBucket | undefined;
  for (const [ts, value] of s.values) {
    if (typeof ts !== 'number' || typeof value !== 'number') continue;
    const m = Math.floor(ts / 60_000) * 60_000;
    if (cur?.ts !== m) {
      cur = { ts: m, count: 0, sum: 0 };
      out.push(cur);
    }
    cur.count++;
    cur.sum += value;
  }
  return out;
}

/** Rows of `SELECT sum("count"), sum("sum") … GROUP BY time(1m)` over rollup_1m as buckets. */
function bucketsOf(series: InfluxSeries[] | undefined): MinuteBucket[] {
  const out: MinuteBucket[] = [];
  for (const s of series ?? []) {
    for (const [ts, count, sum] of s.values) {
      if (typeof ts !== 'number' || typeof count !== 'number' || count === 0 || typeof sum !== 'number') continue;
      out.push({ ts, count, sum });
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
      out.push({ ts: x.ts, count: y.count + x.count, sum: y.sum + x.sum });
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
