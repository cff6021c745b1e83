// Keeps `rollup_1h` (count, min, max, sum, energy, edur per series-hour) on InfluxDB 1.x so a year of
// evidence reads 8,760 hourly points per series instead of scanning 24-80 M raw points. Each point
// also carries its hour's minutes packed in string fields (`minute_means`, for noise `minute_max`
// too; minute-pack.ts): a replayed hour is one point to read, not 60 (or 3,600 raw 1-s noise
// points). Noise series also get `noise_hist` (per-minute level histograms for L10/L50/L90, which
// InfluxQL cannot compute) and `noise_hist_1h` (the same per hour, what a pack reads).
// InfluxQL subqueries could derive minute facts server-side but took ~45x longer here (1.6). InfluxDB's
// continuous queries only cover recent intervals and miss backfilled or late data, so hallmon keeps
// the rollup itself:
// - writeReadings notes the UTC hours each batch touches (the dirty set). An hour first dirtied is
//   persisted as a `rollup_dirty` marker (pending=1) before the readings are written, so a crash
//   leaves a marker for every hour whose rollup may be stale; open() reloads them.
// - compaction recomputes dirty hours from scratch: GROUP BY time(1h) over `reading` plus
//   `rollup_1m` (sums of pruned raw data), merged here and written as points. The same series and
//   hour overwrite one point, so recomputing is idempotent, and late data simply re-dirties its hour.
//   Markers are cleared (pending=0) only for hours not re-dirtied meanwhile, through the same
//   ordered chain of marker writes, so a clear never lands after a newer mark.
// - a timer compacts hours quiet for QUIET_MS (the live hour once it is over, a backfill once it is
//   done); readers call compact(range) first, so a read never sees a stale hour.
// - a database with data but no `rollup_state` of this layout (written before this existed, before
//   noise_hist_1h or before the minute packs) is dirtied from its first pruned minute or reading to
//   its last on open. (Layouts 1-4 also kept `noise_1m`; the store drops it on open.)
// Markers and state go through the influx package (client.ts); the recompute's reads of every raw
// point and its rollup lines take the bulk path the store picks (msgpack-http.ts by default).
import type { Logger } from '@hallmon/firmware-config';
import type { StoredReading } from '../store.ts';
import { qlTime, type InfluxReader, type InfluxSeries, type LineWriter } from './influxql.ts';
import { msTime, type InfluxClient } from './client.ts';
import { escTag, fieldFloat } from './points.ts';
import { hourRuns, readMinuteBuckets, seriesKeyOf } from './minutes.ts';
import { MinutePacks } from './minute-pack.ts';
import { mapLimit } from '../../util/map-limit.ts';
import { addKeptBins, histFields, ROLLUP_HIST } from './hist.ts';
import { DEFAULT_NOISE_DUR_S, histBin } from '@hallmon/rules';

export const ROLLUP_1H = 'rollup_1h';
/** Level histogram of each noise minute (raw + pruned), fields as rollup_hist (hist.ts). */
export const NOISE_HIST = 'noise_hist';
/**
 * The same histograms summed per hour (fields as noise_hist): a year's L10/L50/L90 reads 8,760 points
 * a sensor instead of summing 525,600 minute points at read time (slow on a cold influxd).
 */
export const NOISE_HIST_1H = 'noise_hist_1h';
const IS_NOISE = `metric = 'noise_laeq'`;
const NOT_NOISE = `metric != 'noise_laeq'`;
const DIRTY = 'rollup_dirty';
const STATE = 'rollup_state';
const HOUR = 3_600_000;
/** Hours per recompute request: a day of a 20-sensor site is ~80 k raw points at 1-s noise. */
const RUN_HOURS = 24;
/** Recompute requests in flight (2-core target; influxd runs each on one core). */
const PARALLEL = 2;
/** Background pass interval, and how long an hour must go without writes before that pass takes it. */
const TICK_MS = 60_000;
const QUIET_MS = 120_000;
const LINES_PER_WRITE = 5_000;
/** What rollup_state.version says the rollups hold; another value (or none) rebuilds them on open. */
const LAYOUT_VERSION = 5;

export class HourRollupKeeper {
  /** Dirty hour start -> when a write last touched it (Date.now()). */
  private readonly dirty = new Map<number, number>();
  /** Ordered marker writes (set and clear); see the header. */
  private markers: Promise<void> = Promise.resolve();
  private lock: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    /** Small statements and writes (markers, state): the influx package. */
    private readonly client: InfluxClient,
    /** The recompute's reads (every raw point of the hours) and rollup writes: the bulk path. */
    private readonly bulk: InfluxReader,
    private readonly lines: LineWriter,
    private readonly log: Logger,
  ) {}

  /** Loads the persisted dirty hours (and dirties an existing pre-rollup database once), starts the timer. */
  async start(): Promise<void> {
    const [state, marks] = await this.client.query(
      `SELECT version, pruned_before FROM ${STATE}; SELECT pending FROM ${DIRTY} WHERE pending = 1`,
    );
    const pruned = state?.[0]?.values.at(-1)?.[2];
    this.prunedBefore = typeof pruned === 'number' ? pruned : -Infinity;
    const now = Date.now();
    for (const s of marks ?? []) for (const [ts] of s.values) if (typeof ts === 'number') this.dirty.set(ts, 0);
    if (state?.[0]?.values.at(-1)?.[1] !== LAYOUT_VERSION) {
      // From the oldest pruned minute (rollup_1m) or raw reading to the newest raw reading.
      const [first, last, firstPruned] = await this.client.query(
        'SELECT first(value) FROM reading; SELECT last(value) FROM reading; SELECT first("count") FROM rollup_1m',
      );
      const a0 = first?.[0]?.values[0]?.[0];
      const p0 = firstPruned?.[0]?.values[0]?.[0];
      const a = typeof p0 === 'number' && (typeof a0 !== 'number' || p0 < a0) ? p0 : a0;
      const b = last?.[0]?.values[0]?.[0];
      if (typeof a === 'number' && typeof b === 'number') {
        const hours: number[] = [];
        for (let h = floorHour(a); h <= b; h += HOUR) hours.push(h);
        await this.writeMarkers(hours, 1);
        for (const h of hours) this.dirty.set(h, 0);
        this.log.info({ hours: hours.length }, 'building the hourly rollups of existing readings in the background');
      }
      await this.client.writePoints([
        { measurement: STATE, fields: { version: LAYOUT_VERSION }, timestamp: msTime(0) },
      ]);
    }
    if (this.dirty.size > 0) this.log.info({ hours: this.dirty.size, since: now }, 'hourly rollups to recompute');
    this.timer = setInterval(() => void this.backgroundPass(), TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.lock.catch(() => undefined);
    await this.markers.catch(() => undefined);
  }

  /**
   * Notes the hours a batch touches; resolves once every such hour has a persisted marker (call it
   * before writing the readings). No per-reading allocation: one Map operation per hour change.
   */
  noteWrite(batch: readonly StoredReading[]): Promise<void> {
    const now = Date.now();
    let fresh: number[] | undefined;
    let last = NaN;
    for (const r of batch) {
      const h = floorHour(r.ts);
      if (h === last || !Number.isFinite(h)) continue;
      last = h;
      if (!this.dirty.has(h)) (fresh ??= []).push(h);
      this.dirty.set(h, now);
    }
    if (!fresh) return this.markers.catch(() => undefined);
    const hours = fresh;
    return this.chainMarkers(hours, 1).catch((err: unknown) => {
      // Unmarked hours must be marked by the next write that touches them.
      for (const h of hours) this.dirty.delete(h);
      throw err;
    });
  }

  /** Recomputes the dirty hours overlapping [from, to) (all of them without a range). Returns hours done. */
  compact(range?: { from: number; to: number }): Promise<number> {
    return this.exclusive(() =>
      this.compactWhere((h) => range === undefined || (h + HOUR > range.from && h < range.to)),
    );
  }

  /** Runs fn with compaction held off (pruneRaw moves raw sums into rollup_1m: never half-seen). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  get pendingHours(): number {
    return this.dirty.size;
  }

  /**
   * Upper bound of the minutes `rollup_1m` can hold (the latest pruneRaw cut, -Infinity if never
   * pruned): readers skip that measurement for ranges after it. Kept in rollup_state so it survives
   * restarts; a second server pruning the same database is not seen until this one reopens.
   */
  prunedBefore = -Infinity;

  async notePruned(cut: number): Promise<void> {
    if (cut <= this.prunedBefore) return;
    // Set before the write: a reader racing the prune must look at rollup_1m rather than miss it.
    this.prunedBefore = cut;
    await this.client.writePoints([
      { measurement: STATE, fields: { pruned_before: Math.trunc(cut) }, timestamp: msTime(0) },
    ]);
  }

  /** Bumped whenever hours are recomputed: a reader's cache of compacted data is stale after it. */
  generation = 0;

  isDirty(from: number, to: number): boolean {
    for (const h of this.dirty.keys()) if (h + HOUR > from && h < to) return true;
    return false;
  }

  private async backgroundPass(): Promise<void> {
    const quietBefore = Date.now() - QUIET_MS;
    try {
      await this.exclusive(() => this.compactWhere((h, touched) => touched <= quietBefore && h + HOUR <= quietBefore));
      this.failures = 0;
    } catch (err) {
      // Rate-limited: the first failure and then every 60th (about hourly); readers still compact.
      if (this.failures++ % 60 === 0)
        this.log.warn({ err: (err as Error).message }, 'hourly rollup compaction failed; will retry');
    }
  }

  private async compactWhere(pick: (hour: number, touched: number) => boolean): Promise<number> {
    const take: number[] = [];
    for (const [h, touched] of this.dirty) if (pick(h, touched)) take.push(h);
    if (take.length === 0) return 0;
    const touchedAt = new Map<number, number>();
    for (const h of take) {
      touchedAt.set(h, this.dirty.get(h) ?? 0);
      this.dirty.delete(h);
    }
    try {
      const runs: Array<[number, number]> = [];
      for (const [a, b] of hourRuns(take, HOUR))
        for (let t = a; t < b; t += RUN_HOURS * HOUR) runs.push([t, Math.min(b, t + RUN_HOURS * HOUR)]);
      await mapLimit(runs, PARALLEL, ([a, b]) => this.recompute(a, b));
    } catch (err) {
      for (const h of take) if (!this.dirty.has(h)) this.dirty.set(h, touchedAt.get(h) ?? 0);
      throw err;
    }
    this.generation++;
    const done = take.filter((h) => !this.dirty.has(h));
    if (done.length) await this.chainMarkers(done, 0);
    return take.length;
  }

  /**
   * One run of whole hours, every series: rollup_1h = raw sums + pruned 1m sums, with the minute
   * packs. Noise minutes are summed here from their raw points (1-s noise is 60 a minute) plus the
   * pruned 1m sums, their hours from those minutes; other series' minutes come from readMinuteBuckets.
   */
  private async recompute(from: number, to: number): Promise<void> {
    const range = `time >= ${qlTime(from)} AND time < ${qlTime(to)}`;
    const hourly = `WHERE ${NOT_NOISE} AND ${range} GROUP BY time(1h), site, sensor, metric fill(none)`;
    const minutely = `WHERE ${IS_NOISE} AND ${range} GROUP BY time(1m), site, sensor, metric fill(none)`;
    const tagged = `WHERE ${IS_NOISE} AND ${range} GROUP BY site, sensor, metric`;
    const [[raw, rolled, rawNoise, rolledNoise, keptHist], climate] = await Promise.all([
      this.bulk.query(
        `SELECT count(value), min(value), max(value), sum(value) FROM reading ${hourly}; ` +
          `SELECT sum("count"), min("min"), max("max"), sum("sum") FROM rollup_1m ${hourly}; ` +
          `SELECT value, energy, edur FROM reading ${tagged}; ` +
          `SELECT sum("count"), min("min"), max("max"), sum("sum"), sum(energy), sum(edur) FROM rollup_1m ${minutely}; ` +
          `SELECT * FROM ${ROLLUP_HIST} ${tagged}`,
      ),
      readMinuteBuckets(this.bulk, NOT_NOISE, [[from, to]], from < this.prunedBefore),
    ]);
    // Minute packs of every series-hour (minute-pack.ts), keyed by seriesKeyOf.
    const packs = new MinutePacks();
    for (const [key, buckets] of climate) for (const b of buckets) packs.set(key, b.ts, b.sum / b.count);
    const sums = new Map<string, HourSums>();
    // Pruned sums first, then raw: the order readAggregate merges in.
    addSeries(sums, rolled);
    addSeries(sums, raw);
    const minutes = new Map<string, HourSums>();
    addSeries(minutes, rolledNoise);
    // Noise raw points one by one (time order, the arithmetic of sum()): minute sums and the level
    // histogram of each minute, which InfluxQL cannot compute.
    const hist = new Map<string, Map<number, number>>();
    addKeptBins(hist, keptHist);
    for (const s of rawNoise ?? []) {
      const site = s.tags?.site ?? '';
      const sensor = s.tags?.sensor ?? '';
      const metric = s.tags?.metric ?? '';
      let key: string;
      let cur: HourSums | undefined;
      let bins: Map<number, number> | undefined;
      for (const [ts, value, energy, edur] of s.values) {
        if (typeof ts !== 'number' || typeof value !== 'number') continue;
        const m = Math.floor(ts / 60_000) * 60_000;
        if (cur === undefined || cur.ts !== m) {
          key = `${site}\0${sensor}\0${metric}\0${m}`;
          cur = minutes.get(key);
          if (!cur)
            minutes.set(
              key,
              (cur = {
                site,
                sensor,
                metric,
                ts: m,
                count: 0,
                min: value,
                max: value,
                sum: 0,
                energy: null,
                edur: null,
              }),
            );
          bins = hist.get(key);
          if (!bins) hist.set(key, (bins = new Map()));
        }
        const e = typeof energy === 'number' ? energy : null;
        const d = typeof edur === 'number' ? edur : null;
        mergeInto(cur, 1, value, value, value, e, d);
        const b = histBin(value);
        bins!.set(b, (bins!.get(b) ?? 0) + (d ?? DEFAULT_NOISE_DUR_S));
      }
    }
    const lines: string[] = [];
    const hourHist = new Map<string, { m: HourSums; h: number; bins: Map<number, number> }>();
    for (const [key, bins] of hist) {
      const m = minutes.get(key);
      if (!m || bins.size === 0) continue;
      lines.push(
        `${NOISE_HIST},metric=${escTag(m.metric)},sensor=${escTag(m.sensor)},site=${escTag(m.site)} ${histFields(bins)} ${m.ts}`,
      );
      // Runs are whole hours, so every minute of an hour is here: its hour's histogram is complete.
      const h = floorHour(m.ts);
      const hk = `${m.site}\0${m.sensor}\0${m.metric}\0${h}`;
      let acc = hourHist.get(hk);
      if (!acc) hourHist.set(hk, (acc = { m, h, bins: new Map() }));
      for (const [b, sec] of bins) acc.bins.set(b, (acc.bins.get(b) ?? 0) + sec);
    }
    for (const { m, h, bins } of hourHist.values()) {
      lines.push(
        `${NOISE_HIST_1H},metric=${escTag(m.metric)},sensor=${escTag(m.sensor)},site=${escTag(m.site)} ${histFields(bins)} ${h}`,
      );
    }
    const line = (s: HourSums) => {
      let f = `count=${fieldFloat(s.count)},min=${fieldFloat(s.min)},max=${fieldFloat(s.max)},sum=${fieldFloat(s.sum)}`;
      if (s.energy !== null && s.edur !== null) f += `,energy=${fieldFloat(s.energy)},edur=${fieldFloat(s.edur)}`;
      f += packs.fields(seriesKeyOf(s.site, s.sensor, s.metric), s.ts);
      lines.push(
        `${ROLLUP_1H},metric=${escTag(s.metric)},sensor=${escTag(s.sensor)},site=${escTag(s.site)} ${f} ${s.ts}`,
      );
    };
    // Minutes arrive per series in time order: fold them into their hours in that order.
    for (const m of minutes.values()) {
      // The mean energy of the minute (what the replay's LAeq and the hour facts are computed from).
      const e = m.edur !== null && m.edur > 0 && m.energy !== null && m.energy > 0 ? m.energy / m.edur : 0;
      packs.set(seriesKeyOf(m.site, m.sensor, m.metric), m.ts, Number.isFinite(e) ? e : 0, m.max);
      const h = floorHour(m.ts);
      const key = `${m.site}\0${m.sensor}\0${m.metric}\0${h}`;
      const prev = sums.get(key);
      if (!prev) sums.set(key, { ...m, ts: h });
      else mergeInto(prev, m.count, m.min, m.max, m.sum, m.energy, m.edur);
    }
    for (const s of sums.values()) line(s);
    for (let i = 0; i < lines.length; i += LINES_PER_WRITE)
      await this.lines.write(lines.slice(i, i + LINES_PER_WRITE).join('\n'));
  }

  private chainMarkers(hours: number[], pending: 0 | 1): Promise<void> {
    const run = this.markers.catch(() => undefined).then(() => this.writeMarkers(hours, pending));
    this.markers = run;
    return run;
  }

  private async writeMarkers(hours: number[], pending: 0 | 1): Promise<void> {
    for (let i = 0; i < hours.length; i += LINES_PER_WRITE) {
      await this.client.writePoints(
        hours
          .slice(i, i + LINES_PER_WRITE)
          .map((h) => ({ measurement: DIRTY, fields: { pending }, timestamp: msTime(h) })),
      );
    }
  }
}

interface HourSums {
  site: string;
  sensor: string;
  metric: string;
  ts: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  energy: number | null;
  edur: number | null;
}

function addSeries(into: Map<string, HourSums>, series: InfluxSeries[] | undefined): void {
  for (const s of series ?? []) {
    const site = s.tags?.site ?? '';
    const sensor = s.tags?.sensor ?? '';
    const metric = s.tags?.metric ?? '';
    for (const [ts, count, min, max, sum, energy, edur] of s.values) {
      if (typeof ts !== 'number' || typeof count !== 'number' || count === 0) continue;
      const e = typeof energy === 'number' ? energy : null;
      const d = typeof edur === 'number' ? edur : null;
      const key = `${site}\0${sensor}\0${metric}\0${ts}`;
      const prev = into.get(key);
      if (!prev) {
        into.set(key, {
          site,
          sensor,
          metric,
          ts,
          count,
          min: min as number,
          max: max as number,
          sum: sum as number,
          energy: e,
          edur: d,
        });
        continue;
      }
      mergeInto(prev, count, min as number, max as number, sum as number, e, d);
    }
  }
}

function mergeInto(
  prev: HourSums,
  count: number,
  min: number,
  max: number,
  sum: number,
  e: number | null,
  d: number | null,
): void {
  prev.count += count;
  prev.min = Math.min(prev.min, min);
  prev.max = Math.max(prev.max, max);
  prev.sum += sum;
  if (e !== null) {
    prev.energy = (prev.energy ?? 0) + e;
    prev.edur = (prev.edur ?? 0) + (d ?? 0);
  }
}

function floorHour(ts: number): number {
  return Math.floor(ts / HOUR) * HOUR;
}
