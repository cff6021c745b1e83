// Time-series store on InfluxDB 1.x, for deployments that already run one, through the influx
// package (client.ts) and, for the traffic that grows with the data, a hand-written MessagePack and
// line-protocol path measured faster side by side (msgpack-http.ts). Raw readings live in the
// `reading` measurement (tags site/sensor/metric); rollups are computed on read with InfluxQL, always
// with both time bounds and fill(none) (an open upper bound makes 1.x fill buckets up to now()), and
// merged with `rollup_1m`, the sums pruneRaw keeps of raw points it deleted. Idempotency comes from
// InfluxDB itself: the same series and timestamp overwrite one point.
// Evidence reads `rollup_1h`, an hourly rollup hallmon keeps itself (hour-rollups.ts:
// dirty hours noted on write, recomputed in the background and before any read of them), and the
// minutes of the few hours it replays from the minute packs kept there too (minute-pack.ts).
import type { Logger, Metric, Quality } from '@hallmon/firmware-config';
import { QUALITIES } from '@hallmon/firmware-config';
import type {
  AggregatePoint,
  HourRollups,
  MinuteHourStats,
  ReadingQuery,
  StatusChange,
  Step,
  Store,
  StoredAlarm,
  StoredEvent,
  StoredReading,
  TimeRange,
  WriteResult,
} from '../store.ts';
import { qlString, qlTime, rowsOf, type InfluxReader } from './influxql.ts';
import { InfluxClient, influxTarget, msTime, parseInfluxUrl } from './client.ts';
import { MsgpackHttp } from './msgpack-http.ts';
import { HourRollupKeeper, NOISE_HIST, NOISE_HIST_1H, ROLLUP_1H } from './hour-rollups.ts';
import { readMinutePacks, type MinuteColumns } from './minute-pack.ts';
import { addSummedBins, fieldBin, keepMinuteHistograms, keptHistogramQuery } from './hist.ts';
import { batchedWindows } from './minutes.ts';
import {
  alarmFromRow,
  alarmLine,
  eventFromRow,
  eventLine,
  mergeAlarm,
  normaliseNew,
  readingLine,
  readingPoint,
} from './points.ts';
import { bucketCeil, bucketStart, mergeSums, type BucketSums, isNoise, toAggregatePoint } from '../rollup.ts';
import { binLevel, HIST_BIN_DB, type NoiseHistogram } from '@hallmon/rules';
import { minuteSealText, rawSealText } from '../../seal/canonical.ts';

export interface InfluxStoreOptions {
  /** e.g. http://127.0.0.1:8086 */
  url: string;
  /** Default `hallmon`. */
  database?: string;
  /** Raw retention the server applies with pruneRaw (rollups kept in rollup_1m). Default 400. */
  retentionDays?: number;
  /**
   * Which client carries the bulk traffic. Defaults: the hand-written path (msgpack-http.ts), which
   * bench/store-influx-client.ts measured clearly faster side by side; the alternatives are the
   * influx package's (that benchmark and a test that both answer the same set them).
   */
  paths?: {
    /**
     * The evidence reads (hour rollups, minute packs, noise histograms) and the hourly recompute's
     * reads of every raw point. Raw and aggregate reads (the API, the seals) always go through the
     * package: MessagePack was not clearly faster there (docs/benchmarks.md).
     */
    bulkReads?: 'msgpack' | 'influx';
    /** writeReadings: lines formatted here and POSTed, or the package's writePoints. */
    readingWrites?: 'lines' | 'influx';
  };
}

/** Measurements of layouts before 5 that nothing reads any more (dropped on open). */
const RETIRED_MEASUREMENTS = ['noise_1m'];

/** InfluxDB's own advice for 1.x write batches (TOOLCHAIN: ~190k points/s at 5,000). */
const WRITE_BATCH = 5_000;
/** Hours of noise histograms fetched per request (a pack reads a year day by day). */
const HIST_CACHE_MS = 366 * 86_400_000;
/** pruneRaw materialises rollups a day at a time (a first prune after long may cover months). */
const PRUNE_WINDOW_MS = 86_400_000;
/** 1m sums of pruned raw points: fields count, min, max, sum (+ energy, edur for noise). */
const ROLLUP_1M = 'rollup_1m';

const QUALITY_SET = new Set<string>(QUALITIES);

export class InfluxStore implements Store {
  readonly kind = 'influxdb' as const;
  readonly database: string;
  readonly retentionDays: number;
  /** The influx package: connection, database, retention, schema, small statements and writes. */
  private readonly client: InfluxClient;
  /** The hand-written path: MessagePack answers, lines formatted here. */
  private readonly raw: MsgpackHttp;
  /** Where the evidence reads and the recompute's go (raw unless paths.bulkReads says influx). */
  private readonly bulk: InfluxReader;
  private readonly writeViaPackage: boolean;
  private readonly hours: HourRollupKeeper;
  private opened = false;
  /** Alarm upserts are read-modify-write: one at a time, so an ack and a clear cannot race. */
  private alarmChain: Promise<unknown> = Promise.resolve();

  constructor(
    opts: InfluxStoreOptions,
    private readonly log: Logger,
  ) {
    const target = influxTarget(opts.url);
    this.database = opts.database ?? target.database ?? 'hallmon';
    this.retentionDays = opts.retentionDays ?? 400;
    this.client = new InfluxClient(target, this.database);
    this.raw = new MsgpackHttp(target.base, this.database, parseInfluxUrl(opts.url).auth);
    this.bulk = opts.paths?.bulkReads === 'influx' ? this.client : this.raw;
    this.writeViaPackage = opts.paths?.readingWrites === 'influx';
    this.hours = new HourRollupKeeper(this.client, this.bulk, this.raw, log);
  }

  async open(): Promise<void> {
    if (this.opened) return;
    const version = await this.client.ping();
    const created = await this.client.ensureDatabase();
    await this.client.ensureRetention(this.log);
    if (!created) {
      const present = new Set(await this.client.measurements());
      for (const m of RETIRED_MEASUREMENTS) {
        // Space only: a user without the right to drop it keeps a measurement nothing reads.
        if (present.has(m))
          await this.client
            .dropMeasurement(m)
            .catch((err: Error) =>
              this.log.warn({ err: err.message, measurement: m }, 'could not drop a measurement of an older layout'),
            );
      }
    }
    await this.hours.start();
    this.opened = true;
    this.log.info({ url: this.client.url, database: this.database, version }, 'influxdb store open');
  }

  async check(): Promise<void> {
    if (!this.opened) throw new Error('the InfluxDB store is not open');
    await this.client.ping(2_000);
  }

  async close(): Promise<void> {
    this.opened = false;
    await this.alarmChain.catch(() => undefined);
    await this.hours.stop();
    this.client.close();
    this.raw.close();
  }

  private ensureOpen(): void {
    if (!this.opened) throw new Error('The InfluxDB store is not open: call open() before using it.');
  }

  /** Lines formatted here (readings, events, alarms: points.ts says why), POSTed a batch at a time. */
  private async writeLines(lines: string[]): Promise<void> {
    for (let i = 0; i < lines.length; i += WRITE_BATCH) {
      await this.raw.write(lines.slice(i, i + WRITE_BATCH).join('\n'));
    }
  }

  /**
   * Semantics of the result here: InfluxDB cannot tell a new point from an overwrite without a read
   * per point, so `inserted` is the number of points written (the batch size) and `duplicates` is 0.
   * A rewritten reading still ends up as one point (same series and timestamp), which is what the
   * shared suite checks on read. InfluxDB answers 204 once the batch is in its fsynced WAL.
   */
  async writeReadings(batch: StoredReading[]): Promise<WriteResult> {
    this.ensureOpen();
    // Ingest validates readings first; NaN in line protocol would fail the whole batch.
    const ok = batch.filter((r) => Number.isFinite(r.value) && Number.isFinite(r.ts));
    if (ok.length < batch.length) this.noteSkipped(batch.length - ok.length);
    // The touched hours' dirty markers are durable before the readings are (crash safety of rollup_1h).
    await this.hours.noteWrite(batch);
    if (this.writeViaPackage) {
      for (let i = 0; i < ok.length; i += WRITE_BATCH)
        await this.client.writePoints(ok.slice(i, i + WRITE_BATCH).map(readingPoint));
    } else await this.writeLines(ok.map(readingLine));
    return { inserted: ok.length, duplicates: 0 };
  }

  private skippedSince = 0;
  private skippedCount = 0;
  /** Rate-limited: at most one warning a minute however many bad values arrive. */
  private noteSkipped(n: number): void {
    this.skippedCount += n;
    const now = Date.now();
    if (now - this.skippedSince < 60_000) return;
    this.log.warn({ skipped: this.skippedCount }, 'readings with a non-finite value or time were not stored');
    this.skippedSince = now;
    this.skippedCount = 0;
  }

  private seriesWhere(q: { site: string; sensor: string; metric: string }): string {
    return `site = ${qlString(q.site)} AND sensor = ${qlString(q.sensor)} AND metric = ${qlString(q.metric)}`;
  }

  async readRaw(q: ReadingQuery): Promise<StoredReading[]> {
    this.ensureOpen();
    const limit = q.limit !== undefined ? ` LIMIT ${Math.max(0, Math.trunc(q.limit))}` : '';
    const [series] = await this.client.query(
      `SELECT value, quality, dur FROM reading WHERE ${this.seriesWhere(q)} AND time >= ${qlTime(q.from)} AND time < ${qlTime(q.to)} ORDER BY time ASC${limit}`,
    );
    const out: StoredReading[] = [];
    for (const s of series ?? []) {
      for (const v of s.values) {
        const [ts, value, quality, dur] = v;
        if (typeof ts !== 'number' || typeof value !== 'number') continue;
        const r: StoredReading = {
          site: q.site,
          sensor: q.sensor,
          metric: q.metric,
          ts,
          value,
          quality: typeof quality === 'string' && QUALITY_SET.has(quality) ? (quality as Quality) : 'ok',
        };
        if (typeof dur === 'number') r.dur = dur;
        out.push(r);
      }
    }
    return out;
  }

  /**
   * Buckets whose start lies in [from, to), each over its whole step (same as the SQLite rollups).
   * Two sources, never overlapping: raw `reading` points, and `rollup_1m` sums that pruneRaw
   * materialised before deleting older raw points. Sums from both are merged per bucket.
   */
  async readAggregate(q: ReadingQuery & { step: Step }): Promise<AggregatePoint[]> {
    const out = (await this.bucketSums(q)).map((b) =>
      toAggregatePoint(b.bucket, b.count, b.min, b.max, b.sum, b.energy, b.durSum),
    );
    return q.limit !== undefined ? out.slice(0, q.limit) : out;
  }

  /** The 1m buckets as columns (the evidence pack's minute CSVs), from the same sums as readAggregate. */
  async readMinuteRollups(q: ReadingQuery): Promise<HourRollups> {
    const sums = await this.bucketSums({ ...q, step: '1m' });
    const n = sums.length;
    const out: HourRollups = {
      ts: new Float64Array(n),
      count: new Float64Array(n),
      min: new Float64Array(n),
      max: new Float64Array(n),
      sum: new Float64Array(n),
      energy: new Float64Array(n),
      durSum: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      const b = sums[i]!;
      out.ts[i] = b.bucket;
      out.count[i] = b.count;
      out.min[i] = b.min;
      out.max[i] = b.max;
      out.sum[i] = b.sum;
      out.energy[i] = b.energy ?? 0;
      out.durSum[i] = b.durSum ?? 0;
    }
    return out;
  }

  /** Raw readings as the seal's canonical text (seal/canonical.ts), formatted here from readRaw. */
  async readRawSealText(q: ReadingQuery): Promise<string> {
    return rawSealText(await this.readRaw(q));
  }

  /** 1m rollups as the seal's canonical text, formatted here from readAggregate. */
  async readMinuteSealText(q: ReadingQuery): Promise<string> {
    return minuteSealText(await this.readAggregate({ ...q, step: '1m' }), isNoise(q.metric));
  }

  /**
   * Sums of the buckets whose start lies in [from, to), each over its whole step (same as the
   * SQLite rollups), in time order. Two sources, never overlapping: raw `reading` points, and
   * `rollup_1m` sums that pruneRaw materialised before deleting older raw points; merged per bucket.
   */
  private async bucketSums(q: ReadingQuery & { step: Step }): Promise<BucketSums[]> {
    this.ensureOpen();
    const from = bucketCeil(q.from, q.step);
    const to = bucketCeil(q.to, q.step);
    if (to <= from) return [];
    const where = `WHERE ${this.seriesWhere(q)} AND time >= ${qlTime(from)} AND time < ${qlTime(to)} GROUP BY time(${q.step}) fill(none)`;
    const [raw, rolled] = await this.client.query(
      `SELECT count(value), min(value), max(value), sum(value), sum(energy), sum(edur) FROM reading ${where}; ` +
        `SELECT sum("count"), min("min"), max("max"), sum("sum"), sum(energy), sum(edur) FROM ${ROLLUP_1M} ${where}`,
    );
    const noise = isNoise(q.metric);
    const buckets = new Map<number, BucketSums>();
    for (const series of [rolled, raw]) {
      for (const s of series ?? []) {
        for (const [ts, count, min, max, sum, energy, edur] of s.values) {
          if (typeof ts !== 'number' || typeof count !== 'number' || count === 0) continue;
          const b: BucketSums = {
            seriesId: 0,
            bucket: ts,
            count,
            min: min as number,
            max: max as number,
            sum: sum as number,
            energy: noise && typeof energy === 'number' ? energy : null,
            durSum: noise && typeof edur === 'number' ? edur : null,
          };
          const prev = buckets.get(ts);
          if (prev) mergeSums(prev, b);
          else buckets.set(ts, b);
        }
      }
    }
    return [...buckets.values()].sort((x, y) => x.bucket - y.bucket);
  }

  /**
   * Time-weighted noise level histogram over the minutes with start in [from, to), like SQLite's,
   * from `noise_hist` (per-minute bins the hourly compactor keeps, pruned minutes included). Whole
   * hours come from an hourly cache of the series (a month per request: a pack asks day by day).
   */
  async readNoiseHistogram(q: TimeRange & { site: string; sensor: string; metric?: Metric }): Promise<NoiseHistogram> {
    const [one] = await this.readNoiseHistograms(q, [[q.from, q.to]]);
    return one!;
  }

  /**
   * Histograms of many ranges of one noise series: whole hours from noise_hist_1h (one cached read
   * a year, addHourlyHist), the partial hours at each range's ends from the minute histograms
   * (noise_hist), those statements batched a few dozen per request.
   */
  async readNoiseHistograms(
    q: { site: string; sensor: string; metric?: Metric },
    ranges: ReadonlyArray<readonly [number, number]>,
  ): Promise<NoiseHistogram[]> {
    this.ensureOpen();
    const where = this.seriesWhere({ site: q.site, sensor: q.sensor, metric: q.metric ?? 'noise_laeq' });
    const parts = ranges.map(([f, t]) => ({
      from: bucketCeil(f, '1m'),
      to: bucketCeil(t, '1m'),
      bins: new Map<number, number>(),
    }));
    const asked = parts.filter((p) => p.to > p.from);
    if (asked.length > 0) {
      let from = Infinity;
      let to = -Infinity;
      for (const p of asked) [from, to] = [Math.min(from, p.from), Math.max(to, p.to)];
      await this.hours.compact({ from, to });
      const edges: Array<{ bins: Map<number, number>; window: [number, number] }> = [];
      for (const p of asked) {
        const ha = bucketCeil(p.from, '1h');
        const hb = bucketStart(p.to, '1h');
        if (ha < hb) {
          await this.addHourlyHist(where, ha, hb, p.bins);
          if (p.from < ha) edges.push({ bins: p.bins, window: [p.from, ha] });
          if (hb < p.to) edges.push({ bins: p.bins, window: [hb, p.to] });
        } else edges.push({ bins: p.bins, window: [p.from, p.to] });
      }
      const answers = await batchedWindows(
        this.bulk,
        edges.map((e) => e.window),
        ([a, b]) => [keptHistogramQuery(NOISE_HIST, where, a, b)],
      );
      answers.forEach(([series], i) => addSummedBins(series, edges[i]!.bins));
    }
    return parts.map(({ bins }) => {
      const out: NoiseHistogram = { binDb: HIST_BIN_DB, bins: [], totalSeconds: 0 };
      for (const b of [...bins.keys()].sort((x, y) => x - y)) {
        const seconds = bins.get(b) as number;
        out.bins.push({ level: binLevel(b), seconds });
        out.totalSeconds += seconds;
      }
      return out;
    });
  }

  private histCache:
    | { where: string; generation: number; from: number; to: number; hours: Map<number, Map<number, number>> }
    | undefined;

  private async addHourlyHist(where: string, a: number, b: number, bins: Map<number, number>): Promise<void> {
    let c = this.histCache;
    if (
      !c ||
      c.where !== where ||
      c.generation !== this.hours.generation ||
      a < c.from ||
      b > c.to ||
      this.hours.isDirty(a, b)
    ) {
      const generation = this.hours.generation;
      const to = Math.max(b, a + HIST_CACHE_MS);
      const [series] = await this.bulk.query(
        `SELECT * FROM ${NOISE_HIST_1H} WHERE ${where} AND time >= ${qlTime(a)} AND time < ${qlTime(to)}`,
      );
      const hours = new Map<number, Map<number, number>>();
      for (const s of series ?? []) {
        const cols = s.columns.map(fieldBin);
        for (const row of s.values) {
          if (typeof row[0] !== 'number') continue;
          const m = new Map<number, number>();
          cols.forEach((bin, i) => {
            if (bin !== undefined && typeof row[i] === 'number') m.set(bin, row[i] as number);
          });
          hours.set(row[0], m);
        }
      }
      c = this.histCache = { where, generation, from: a, to, hours };
    }
    for (let h = a; h < b; h += 3_600_000)
      for (const [bin, sec] of c.hours.get(h) ?? []) bins.set(bin, (bins.get(bin) ?? 0) + sec);
  }

  /**
   * Events are keyed by (site, device, type, ts) like SQLite's primary key; a rewrite overwrites the
   * point (SQLite keeps the first copy). The count returned is the batch size (see writeReadings).
   */
  async writeEvents(batch: StoredEvent[]): Promise<number> {
    this.ensureOpen();
    await this.writeLines(batch.map(eventLine));
    return batch.length;
  }

  async readEvents(q: TimeRange & { site: string; device?: string; types?: string[] }): Promise<StoredEvent[]> {
    this.ensureOpen();
    if (q.types !== undefined && q.types.length === 0) return [];
    let where = `site = ${qlString(q.site)} AND time >= ${qlTime(q.from)} AND time < ${qlTime(q.to)}`;
    if (q.device !== undefined) where += ` AND device = ${qlString(q.device)}`;
    if (q.types !== undefined) where += ` AND (${q.types.map((t) => `type = ${qlString(t)}`).join(' OR ')})`;
    const [series] = await this.client.query(`SELECT * FROM event WHERE ${where}`);
    const out: StoredEvent[] = [];
    for (const s of series ?? []) for (const row of rowsOf(s)) out.push(eventFromRow(row));
    return out.sort((a, b) => a.ts - b.ts || cmp(a.device, b.device) || cmp(a.type, b.type));
  }

  /**
   * One series per alarm id (tags id, site) with a fixed timestamp, the startedAt first seen, so
   * each write overwrites the same point. The merge (cleared stays cleared, acks kept) is done here,
   * one alarm operation at a time, because InfluxDB only knows "last field value wins".
   */
  async writeAlarms(batch: StoredAlarm[]): Promise<void> {
    this.ensureOpen();
    await this.serialAlarms(async () => {
      const lines: string[] = [];
      const pending = new Map<string, { time: number; alarm: StoredAlarm }>();
      for (const a of batch) {
        const prev = pending.get(a.id) ?? (await this.getAlarmPoint(a.id));
        const merged = prev ? mergeAlarm(prev.alarm, a) : normaliseNew(a);
        pending.set(a.id, { time: prev?.time ?? a.startedAt, alarm: merged });
      }
      for (const p of pending.values()) lines.push(alarmLine(p.time, p.alarm));
      await this.writeLines(lines);
    });
  }

  private serialAlarms<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.alarmChain.then(fn, fn);
    this.alarmChain = run.catch(() => undefined);
    return run;
  }

  private async getAlarmPoint(id: string): Promise<{ time: number; alarm: StoredAlarm } | undefined> {
    const [series] = await this.client.query(`SELECT * FROM alarm WHERE id = ${qlString(id)}`);
    const row = series?.[0] ? rowsOf(series[0]).at(-1) : undefined;
    if (!row || typeof row.time !== 'number') return undefined;
    return { time: row.time, alarm: alarmFromRow(row) };
  }

  async readAlarms(q: Partial<TimeRange> & { site?: string; state?: 'active' | 'all' }): Promise<StoredAlarm[]> {
    this.ensureOpen();
    // Alarms are few; a raw SELECT without GROUP BY time needs no time bound. Filtering by overlap
    // with the period happens here, on the merged fields.
    const where = q.site !== undefined ? ` WHERE site = ${qlString(q.site)}` : '';
    const [series] = await this.client.query(`SELECT * FROM alarm${where}`);
    const out: StoredAlarm[] = [];
    for (const s of series ?? []) {
      for (const row of rowsOf(s)) {
        const a = alarmFromRow(row);
        if (q.state === 'active' && a.state !== 'raised') continue;
        if (q.to !== undefined && !(a.startedAt < q.to)) continue;
        if (q.from !== undefined && a.clearedAt !== undefined && a.clearedAt < q.from) continue;
        out.push(a);
      }
    }
    return out.sort((a, b) => a.startedAt - b.startedAt || cmp(a.id, b.id));
  }

  async getAlarm(id: string): Promise<StoredAlarm | undefined> {
    this.ensureOpen();
    return (await this.getAlarmPoint(id))?.alarm;
  }

  async ackAlarm(id: string, user: string, note: string, at: number): Promise<StoredAlarm | undefined> {
    this.ensureOpen();
    return this.serialAlarms(async () => {
      const p = await this.getAlarmPoint(id);
      if (!p) return undefined;
      const acked: StoredAlarm = { ...p.alarm, ackedBy: user, ackedAt: at, ackNote: note };
      await this.writeLines([alarmLine(p.time, acked)]);
      return acked;
    });
  }

  async writeStatus(batch: StatusChange[]): Promise<void> {
    this.ensureOpen();
    for (let i = 0; i < batch.length; i += WRITE_BATCH) {
      await this.client.writePoints(
        batch.slice(i, i + WRITE_BATCH).map((c) => ({
          measurement: 'status',
          tags: { device: c.device, site: c.site },
          fields: { status: c.status },
          timestamp: msTime(c.ts),
        })),
      );
    }
  }

  async readStatus(q: TimeRange & { site: string; device?: string }): Promise<StatusChange[]> {
    this.ensureOpen();
    let where = `site = ${qlString(q.site)} AND time >= ${qlTime(q.from)} AND time < ${qlTime(q.to)}`;
    if (q.device !== undefined) where += ` AND device = ${qlString(q.device)}`;
    const [series] = await this.client.query(`SELECT status, device, site FROM status WHERE ${where}`);
    const out: StatusChange[] = [];
    for (const s of series ?? []) {
      for (const row of rowsOf(s)) {
        if (typeof row.time !== 'number' || (row.status !== 'online' && row.status !== 'offline')) continue;
        out.push({ site: String(row.site), device: String(row.device), status: row.status, ts: row.time });
      }
    }
    return out.sort((a, b) => a.ts - b.ts || cmp(a.device, b.device));
  }

  /**
   * Keeps rollups the way SQLite does: the 1m sums of everything about to go are first written into
   * `rollup_1m` (SELECT ... INTO, a day at a time, tags kept with GROUP BY *), then the raw points
   * are deleted. Cuts at a whole minute (floor of `before`) so no minute is split between the two
   * measurements. Noise level histograms of the pruned minutes go to `rollup_hist` (hist.ts).
   * A reading re-sent for an already pruned minute would overwrite that minute's rollup on the next
   * prune: ingest should reject readings older than the retention window (SQLite would count it twice).
   */
  async pruneRaw(before: number): Promise<number> {
    this.ensureOpen();
    // Never while rollup_1h is recomputed: between INTO and DELETE a minute is in both measurements.
    return this.hours.exclusive(() => this.pruneNow(before));
  }

  private async pruneNow(before: number): Promise<number> {
    const cut = bucketStart(before, '1m');
    await this.hours.notePruned(cut);
    const [first] = await this.client.query(`SELECT first(value) FROM reading WHERE time < ${qlTime(cut)}`);
    const earliest = first?.[0]?.values[0]?.[0];
    if (typeof earliest !== 'number') return 0;
    const [counted] = await this.client.query(`SELECT count(value) FROM reading WHERE time < ${qlTime(cut)}`);
    const n = counted?.[0]?.values[0]?.[1];
    for (let t = bucketStart(earliest, '1m'); t < cut; t += PRUNE_WINDOW_MS) {
      const end = Math.min(cut, t + PRUNE_WINDOW_MS);
      await this.client.query(
        `SELECT count(value) AS "count", min(value) AS "min", max(value) AS "max", sum(value) AS "sum", ` +
          `sum(energy) AS energy, sum(edur) AS edur INTO ${ROLLUP_1M} FROM reading ` +
          `WHERE time >= ${qlTime(t)} AND time < ${qlTime(end)} GROUP BY time(1m), * fill(none)`,
      );
      await keepMinuteHistograms(this.bulk, this.raw, t, end);
    }
    await this.client.query(`DELETE FROM reading WHERE time < ${qlTime(cut)}`);
    return typeof n === 'number' ? n : 0;
  }

  /**
   * last() per (sensor, metric) over the last 30 days: a bounded scan (an unbounded one would touch
   * every shard of the retention period); a series silent for longer has no "latest" worth showing.
   */
  async readLatest(site: string): Promise<StoredReading[]> {
    this.ensureOpen();
    const [series] = await this.client.query(
      `SELECT last(value) AS value, quality, dur FROM reading WHERE site = ${qlString(site)} AND time > now() - 30d GROUP BY sensor, metric`,
    );
    const out: StoredReading[] = [];
    for (const s of series ?? []) {
      for (const row of rowsOf(s)) {
        if (
          typeof row.time !== 'number' ||
          typeof row.value !== 'number' ||
          typeof row.sensor !== 'string' ||
          typeof row.metric !== 'string'
        )
          continue;
        const r: StoredReading = {
          site,
          sensor: row.sensor,
          metric: row.metric as Metric,
          ts: row.time,
          value: row.value,
          quality: typeof row.quality === 'string' && QUALITY_SET.has(row.quality) ? (row.quality as Quality) : 'ok',
        };
        if (typeof row.dur === 'number') r.dur = row.dur;
        out.push(r);
      }
    }
    return out;
  }

  /**
   * Evidence: 1h rollups with start in [from, to) from `rollup_1h`, after recomputing any dirty hour
   * in the range (same columns and null -> 0 as SQLite's rollup_1h).
   */
  async readHourRollups(q: ReadingQuery): Promise<HourRollups> {
    this.ensureOpen();
    const from = bucketCeil(q.from, '1h');
    const empty = new Float64Array(0);
    if (q.to <= from)
      return { ts: empty, count: empty, min: empty, max: empty, sum: empty, energy: empty, durSum: empty };
    await this.hours.compact({ from, to: q.to });
    // influxd's answer is the cost of a year's read (~100 k rows/s): the noise-only fields only for noise.
    const noise = isNoise(q.metric);
    const [series] = await this.bulk.query(
      `SELECT "count", "min", "max", "sum"${noise ? ', energy, edur' : ''} FROM ${ROLLUP_1H} WHERE ${this.seriesWhere(q)} AND time >= ${qlTime(from)} AND time < ${qlTime(q.to)}`,
    );
    const rows = series?.[0]?.values ?? [];
    const col = (i: number) => Float64Array.from(rows, (r) => (typeof r[i] === 'number' ? (r[i] as number) : 0));
    const zeros = noise ? undefined : new Float64Array(rows.length);
    return {
      ts: col(0),
      count: col(1),
      min: col(2),
      max: col(3),
      sum: col(4),
      energy: zeros ?? col(5),
      durSum: zeros ?? col(6),
    };
  }

  /** Evidence replay: 1m buckets with start in [from, to) as (start, mean or noise LAeq) columns. */
  async readMinuteValues(q: ReadingQuery): Promise<{ ts: Float64Array; value: Float64Array }> {
    const [one] = await this.readMinuteValuesRanges(q, [[q.from, q.to]]);
    return one!;
  }

  /**
   * readMinuteValues of many sorted, disjoint ranges in one go: the hours they touch are read in a
   * few batched requests (minuteColumns), then the time-ordered minutes are split per range.
   */
  async readMinuteValuesRanges(
    q: Omit<ReadingQuery, 'from' | 'to'>,
    ranges: ReadonlyArray<readonly [number, number]>,
  ): Promise<Array<{ ts: Float64Array; value: Float64Array }>> {
    this.ensureOpen();
    const cut = ranges.map(([a, b]) => [bucketCeil(a, '1m'), bucketCeil(b, '1m')] as [number, number]);
    const asked = cut.filter(([a, b]) => b > a);
    for (let i = 1; i < asked.length; i++) {
      // Overlapping or unsorted ranges would share buckets: answer them one at a time instead.
      if (asked[i]![0] < asked[i - 1]![1])
        return Promise.all(ranges.map(([a, b]) => this.readMinuteValuesRanges(q, [[a, b]]).then((r) => r[0]!)));
    }
    const none = new Float64Array(0);
    const m =
      asked.length > 0
        ? await this.minuteColumns({ ...q, from: asked[0]![0], to: asked[asked.length - 1]![1] }, asked)
        : { ts: none, value: none, max: none };
    const noise = isNoise(q.metric);
    let i = 0;
    return cut.map(([from, to]) => {
      while (i < m.ts.length && m.ts[i]! < from) i++;
      let j = i;
      while (j < m.ts.length && m.ts[j]! < to) j++;
      const ts = m.ts.slice(i, j);
      const value = m.value.slice(i, j);
      // As SQLite: the mean; for noise laeqFromEnergy(energy, durSum) = 10·log10 of the mean energy.
      if (noise) for (let k = 0; k < value.length; k++) value[k] = value[k]! > 0 ? 10 * Math.log10(value[k]!) : NaN;
      i = j;
      return { ts, value };
    });
  }

  /**
   * Evidence: minute facts of the given hour starts (MinuteHourStats in store.ts), each hour over the
   * buckets with start in [max(h, from), min(h + 1h, to)) like SQLite, from one minuteColumns read.
   */
  async readMinuteHourStats(q: ReadingQuery & { hours: number[] }): Promise<MinuteHourStats> {
    this.ensureOpen();
    const H = 3_600_000;
    const n = q.hours.length;
    const col = (fill: number) => new Float64Array(n).fill(fill);
    const out: MinuteHourStats = {
      ts: Float64Array.from(q.hours),
      minutes: col(0),
      valued: col(0),
      vmin: col(NaN),
      vmax: col(NaN),
      energy: col(0),
      lmax: col(NaN),
    };
    const ranges: Array<[number, number]> = [];
    for (const h of [...q.hours].sort((a, b) => a - b)) {
      const a = bucketCeil(Math.max(h, q.from), '1m');
      const b = bucketCeil(Math.min(h + H, q.to), '1m');
      if (b <= a) continue;
      const last = ranges[ranges.length - 1];
      if (last && last[1] === a) last[1] = b;
      else if (!last || a > last[1]) ranges.push([a, b]);
    }
    if (ranges.length === 0) return out;
    const m = await this.minuteColumns(q, ranges);
    const noise = isNoise(q.metric);
    // Minutes are in time order: one pass, hour by hour (hours given in any order).
    const index = new Map<number, number>();
    q.hours.forEach((h, i) => index.set(h, i));
    const er = new Float64Array(n).fill(NaN);
    const ermin = col(NaN);
    const ermax = col(NaN);
    for (let k = 0; k < m.ts.length; k++) {
      const ts = m.ts[k]!;
      const i = index.get(Math.floor(ts / H) * H);
      if (i === undefined || ts < q.from || ts >= q.to) continue;
      out.minutes[i]! += 1;
      const v = m.value[k]!;
      if (noise) {
        // value is the minute's mean energy (energy / edur), 0 where it has none.
        if (!(v > 0)) continue;
        out.valued[i]! += 1;
        er[i] = Number.isNaN(er[i]!) ? v : er[i]! + v;
        if (!(v >= ermin[i]!)) ermin[i] = v;
        if (!(v <= ermax[i]!)) ermax[i] = v;
        if (!(m.max[k]! <= out.lmax[i]!)) out.lmax[i] = m.max[k]!;
      } else {
        out.valued[i]! += 1;
        if (!(v >= out.vmin[i]!)) out.vmin[i] = v;
        if (!(v <= out.vmax[i]!)) out.vmax[i] = v;
      }
    }
    if (noise) {
      for (let i = 0; i < n; i++) {
        out.vmin[i] = ermin[i]! > 0 ? 10 * Math.log10(ermin[i]!) : NaN;
        out.vmax[i] = ermax[i]! > 0 ? 10 * Math.log10(ermax[i]!) : NaN;
        out.energy[i] = Number.isNaN(er[i]!) ? 0 : er[i]!;
      }
    }
    return out;
  }

  /**
   * The minutes of whole-minute sorted, disjoint ranges (dirty hours in them recomputed first), in
   * time order, unpacked from the minute packs of rollup_1h (minute-pack.ts): each minute's
   * mean; for noise its mean energy (energy / edur, 0 without one) and maximum.
   */
  private async minuteColumns(q: ReadingQuery, ranges: Array<[number, number]>): Promise<MinuteColumns> {
    await this.hours.compact({ from: ranges[0]![0], to: ranges[ranges.length - 1]![1] });
    return readMinutePacks(this.bulk, ROLLUP_1H, this.seriesWhere(q), ranges, isNoise(q.metric));
  }

  /** Recomputes every dirty hour of rollup_1h now (the keeper does it in the background); returns the hours done. */
  async flushRollups(): Promise<number> {
    this.ensureOpen();
    return this.hours.compact();
  }

  async countReadings(site?: string): Promise<number> {
    this.ensureOpen();
    const where = site !== undefined ? ` WHERE site = ${qlString(site)}` : '';
    const [series] = await this.client.query(`SELECT count(value) FROM reading${where}`);
    const v = series?.[0]?.values[0]?.[1];
    return typeof v === 'number' ? v : 0;
  }
}

export { parseInfluxUrl };

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
