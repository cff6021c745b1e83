// Embedded time-series store on SQLite (better-sqlite3, WAL): what a single hall server runs with no
// extra service. Every write call is one transaction: raw rows go in with INSERT OR IGNORE on the
// (series, ts) key, and only rows that really went in are folded into the 1m/1h/1d rollups, so a
// redelivered batch neither duplicates a reading nor double-counts a rollup. Rollups outlive raw.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { MigrationError, QUALITIES, migrate, type Logger, type Metric, type Quality } from '@hallmon/firmware-config';
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
import { STORE_MIGRATIONS } from './schema.ts';
import { BatchRollup, bucketCeil, isNoise, toAggregatePoint, type BucketSums } from '../rollup.ts';
import { binLevel, HIST_BIN_DB, type NoiseHistogram } from '@hallmon/rules';

export interface SqliteStoreOptions {
  dataDir: string;
  /** Raw retention the server applies with pruneRaw (rollups are kept for ever). Default 400. */
  retentionDays?: number;
  /**
   * 'normal' (default): WAL with synchronous=NORMAL, a committed batch survives a process crash;
   * 'full' also survives power loss at the cost of one fsync per write call.
   */
  durability?: 'normal' | 'full';
}

type Stmt = Database.Statement;

interface RollupRow {
  bucket_ts: number;
  count: number;
  min: number;
  max: number;
  sum: number;
  energy: number | null;
  dur_sum: number | null;
}

interface ReadingRow {
  ts: number;
  value: number;
  quality: number;
  dur: number | null;
}

interface EventRow {
  site: string;
  device: string;
  type: string;
  ts: number;
  score: number | null;
  win: string | null;
  ticket: string | null;
  fault: string | null;
  count: number | null;
  start: number | null;
  end: number | null;
  detail: string | null;
}

export interface AlarmRow {
  id: string;
  site: string;
  clause: string;
  rule: string;
  sensor: string;
  severity: string;
  state: string;
  ts: number;
  started_at: number;
  cleared_at: number | null;
  peak: number | null;
  lim: number | null;
  message: string | null;
  acked_by: string | null;
  acked_at: number | null;
  ack_note: string | null;
}

const QUALITY_CODE = new Map<Quality, number>(QUALITIES.map((q, i) => [q, i]));

export const DEFAULT_RETENTION_DAYS = 400;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly file: string;
  readonly retentionDays: number;
  private db: Database.Database | undefined;
  private readonly seriesIds = new Map<string, Map<string, Map<string, number>>>();
  private s!: ReturnType<SqliteStore['prepare']>;
  private writeTx!: (batch: StoredReading[]) => WriteResult;

  constructor(
    private readonly opts: SqliteStoreOptions,
    private readonly log: Logger,
  ) {
    this.file = join(opts.dataDir, 'hallmon.db');
    this.retentionDays = opts.retentionDays ?? DEFAULT_RETENTION_DAYS;
  }

  async open(): Promise<void> {
    if (this.db) return;
    let db: Database.Database;
    try {
      mkdirSync(this.opts.dataDir, { recursive: true });
      db = new Database(this.file);
    } catch (err) {
      throw new Error(`Cannot create the SQLite store at ${this.file}: ${(err as Error).message}. Check --data-dir.`, {
        cause: err,
      });
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.opts.durability === 'full' ? 'FULL' : 'NORMAL'}`);
      db.pragma('busy_timeout = 5000');
      // The WAL file keeps its high-water size after a checkpoint; cap what it keeps on disk.
      db.pragma('journal_size_limit = 67108864');
      const m = migrate(db, this.file, STORE_MIGRATIONS);
      if (m.applied.length) this.log.info({ file: this.file, from: m.from, to: m.to }, 'store schema migrated');
      // Read by releases from before versioned migrations, which refuse a store newer than they know.
      db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(m.to));
    } catch (err) {
      db.close();
      if (err instanceof MigrationError) throw err;
      throw new Error(
        `Cannot open the SQLite store at ${this.file}: ${(err as Error).message}. ` +
          'Check that --data-dir is writable and that no other hallmon server uses it.',
        { cause: err },
      );
    }
    this.db = db;
    this.s = this.prepare(db);
    this.writeTx = db.transaction((batch: StoredReading[]) => this.insertBatch(batch));
    this.log.info({ file: this.file }, 'sqlite store open');
  }

  async check(): Promise<void> {
    if (!this.db) throw new Error(`the SQLite store ${this.file} is not open`);
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    const db = this.db;
    if (!db) return;
    this.db = undefined;
    this.seriesIds.clear();
    db.close();
  }

  private prepare(db: Database.Database) {
    const rollupUpsert = (step: Step): Stmt =>
      db.prepare(
        `INSERT INTO rollup_${step} (series_id, bucket_ts, count, min, max, sum, energy, dur_sum)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (series_id, bucket_ts) DO UPDATE SET
           count = count + excluded.count,
           min = min(min, excluded.min),
           max = max(max, excluded.max),
           sum = sum + excluded.sum,
           energy = CASE WHEN excluded.energy IS NULL THEN energy ELSE coalesce(energy, 0) + excluded.energy END,
           dur_sum = CASE WHEN excluded.dur_sum IS NULL THEN dur_sum ELSE coalesce(dur_sum, 0) + excluded.dur_sum END`,
      );
    const rollupRead = (step: Step): Stmt =>
      db.prepare(
        `SELECT bucket_ts, count, min, max, sum, energy, dur_sum FROM rollup_${step}
         WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ? ORDER BY bucket_ts`,
      );
    return {
      seriesInsert: db.prepare('INSERT OR IGNORE INTO series (site, sensor, metric) VALUES (?, ?, ?)'),
      seriesGet: db.prepare('SELECT id FROM series WHERE site = ? AND sensor = ? AND metric = ?').pluck(),
      seriesAdd: db.prepare('UPDATE series SET n = n + ? WHERE id = ?'),
      readingInsert: db.prepare(
        'INSERT OR IGNORE INTO readings (series_id, ts, value, quality, dur) VALUES (?, ?, ?, ?, ?)',
      ),
      readRaw: db.prepare(
        'SELECT ts, value, quality, dur FROM readings WHERE series_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?',
      ),
      rollupUpsert: { '1m': rollupUpsert('1m'), '1h': rollupUpsert('1h'), '1d': rollupUpsert('1d') } as Record<
        Step,
        Stmt
      >,
      rollupRead: { '1m': rollupRead('1m'), '1h': rollupRead('1h'), '1d': rollupRead('1d') } as Record<Step, Stmt>,
      histUpsert: db.prepare(
        `INSERT INTO noise_hist_1m (series_id, bucket_ts, bin, seconds) VALUES (?, ?, ?, ?)
         ON CONFLICT (series_id, bucket_ts, bin) DO UPDATE SET seconds = seconds + excluded.seconds`,
      ),
      histRead: db.prepare(
        `SELECT bin, sum(seconds) AS seconds FROM noise_hist_1m
         WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ? GROUP BY bin ORDER BY bin`,
      ),
      eventInsert: db.prepare(
        `INSERT OR IGNORE INTO events (site, device, type, ts, score, win, ticket, fault, count, start, "end", detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      alarmUpsert: db.prepare(
        `INSERT INTO alarms (id, site, clause, rule, sensor, severity, state, ts, started_at, cleared_at, peak, lim, message, acked_by, acked_at, ack_note)
         VALUES (@id, @site, @clause, @rule, @sensor, @severity, @state, @ts, @startedAt, @clearedAt, @peak, @lim, @message, @ackedBy, @ackedAt, @ackNote)
         ON CONFLICT (id) DO UPDATE SET
           -- an excursion id is stable and never reopens: once cleared it stays cleared, even if a
           -- redelivered raise arrives late (at-least-once transport).
           state = CASE WHEN alarms.state = 'cleared' OR excluded.state = 'cleared' THEN 'cleared' ELSE 'raised' END,
           cleared_at = coalesce(alarms.cleared_at, excluded.cleared_at),
           started_at = min(alarms.started_at, excluded.started_at),
           site = CASE WHEN excluded.ts >= alarms.ts THEN excluded.site ELSE alarms.site END,
           clause = CASE WHEN excluded.ts >= alarms.ts THEN excluded.clause ELSE alarms.clause END,
           rule = CASE WHEN excluded.ts >= alarms.ts THEN excluded.rule ELSE alarms.rule END,
           sensor = CASE WHEN excluded.ts >= alarms.ts THEN excluded.sensor ELSE alarms.sensor END,
           severity = CASE WHEN excluded.ts >= alarms.ts THEN excluded.severity ELSE alarms.severity END,
           peak = CASE WHEN excluded.ts >= alarms.ts THEN coalesce(excluded.peak, alarms.peak) ELSE coalesce(alarms.peak, excluded.peak) END,
           lim = CASE WHEN excluded.ts >= alarms.ts THEN coalesce(excluded.lim, alarms.lim) ELSE coalesce(alarms.lim, excluded.lim) END,
           message = CASE WHEN excluded.ts >= alarms.ts THEN coalesce(excluded.message, alarms.message) ELSE coalesce(alarms.message, excluded.message) END,
           acked_by = coalesce(excluded.acked_by, alarms.acked_by),
           acked_at = coalesce(excluded.acked_at, alarms.acked_at),
           ack_note = coalesce(excluded.ack_note, alarms.ack_note),
           ts = max(alarms.ts, excluded.ts)`,
      ),
      alarmGet: db.prepare('SELECT * FROM alarms WHERE id = ?'),
      alarmAck: db.prepare('UPDATE alarms SET acked_by = ?, acked_at = ?, ack_note = ? WHERE id = ?'),
      statusInsert: db.prepare('INSERT OR REPLACE INTO status (site, device, ts, status) VALUES (?, ?, ?, ?)'),
      pruneSeries: db.prepare('DELETE FROM readings WHERE series_id = ? AND ts < ?'),
      seriesSub: db.prepare('UPDATE series SET n = n - ? WHERE id = ?'),
      allSeries: db.prepare('SELECT id FROM series').pluck(),
      countAll: db.prepare('SELECT coalesce(sum(n), 0) FROM series').pluck(),
      countSite: db.prepare('SELECT coalesce(sum(n), 0) FROM series WHERE site = ?').pluck(),
      siteSeries: db.prepare('SELECT id, sensor, metric FROM series WHERE site = ?'),
      // Per series, newest first on the (series_id, ts) primary key: one index seek each.
      lastReading: db.prepare(
        'SELECT ts, value, quality, dur FROM readings WHERE series_id = ? ORDER BY ts DESC LIMIT 1',
      ),
      minuteMeans: db
        .prepare(
          'SELECT sum / count FROM rollup_1m WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ? ORDER BY bucket_ts',
        )
        .pluck(),
      minuteRatios: db
        .prepare(
          'SELECT CASE WHEN dur_sum > 0 AND energy > 0 THEN energy / dur_sum END FROM rollup_1m WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ? ORDER BY bucket_ts',
        )
        .pluck(),
      minuteStarts: db
        .prepare(
          'SELECT bucket_ts FROM rollup_1m WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ? ORDER BY bucket_ts',
        )
        .pluck(),
      // Evidence: 1h rollups as raw rows, and minute facts of one hour (the PK range of 60 rows).
      hourRollups: db
        .prepare(
          'SELECT bucket_ts, count, min, max, sum, energy, dur_sum FROM rollup_1h WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ? ORDER BY bucket_ts',
        )
        .raw(),
      hourRollupsPlain: db
        .prepare(
          'SELECT bucket_ts, count, min, max, sum FROM rollup_1h WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ? ORDER BY bucket_ts',
        )
        .raw(),
      minuteRollups: db
        .prepare(
          'SELECT bucket_ts, count, min, max, sum, energy, dur_sum FROM rollup_1m WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ? ORDER BY bucket_ts',
        )
        .raw(),
      minuteRollupsPlain: db
        .prepare(
          'SELECT bucket_ts, count, min, max, sum FROM rollup_1m WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ? ORDER BY bucket_ts',
        )
        .raw(),
      minuteHour: db
        .prepare(
          `SELECT count(*), min(sum / count), max(sum / count),
           sum(CASE WHEN dur_sum > 0 AND energy > 0 THEN 1 ELSE 0 END),
           sum(CASE WHEN dur_sum > 0 AND energy > 0 THEN energy / dur_sum END),
           min(CASE WHEN dur_sum > 0 AND energy > 0 THEN energy / dur_sum END),
           max(CASE WHEN dur_sum > 0 AND energy > 0 THEN energy / dur_sum END),
           max(CASE WHEN dur_sum > 0 AND energy > 0 THEN max END)
         FROM rollup_1m WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ?`,
        )
        .raw(),
    };
  }

  private conn(): Database.Database {
    if (!this.db) throw new Error('The SQLite store is not open: call open() before using it.');
    return this.db;
  }

  /** Series id by site, sensor, metric; cached in nested maps so a lookup builds no key string. */
  private seriesId(site: string, sensor: string, metric: string, create: boolean): number | undefined {
    let bySensor = this.seriesIds.get(site);
    let byMetric = bySensor?.get(sensor);
    const hit = byMetric?.get(metric);
    if (hit !== undefined) return hit;
    if (create) this.s.seriesInsert.run(site, sensor, metric);
    const id = this.s.seriesGet.get(site, sensor, metric) as number | undefined;
    if (id === undefined) return undefined;
    if (!bySensor) this.seriesIds.set(site, (bySensor = new Map()));
    if (!byMetric) bySensor.set(sensor, (byMetric = new Map()));
    byMetric.set(metric, id);
    return id;
  }

  /** Runs inside the write transaction. */
  private insertBatch(batch: StoredReading[]): WriteResult {
    const s = this.s;
    const roll = new BatchRollup();
    const perSeries = new Map<number, number>();
    let inserted = 0;
    let skipped = 0;
    for (const r of batch) {
      // Ingest validates readings first; this only keeps one bad value from failing a whole batch.
      if (!Number.isFinite(r.value) || !Number.isFinite(r.ts)) {
        skipped++;
        continue;
      }
      const id = this.seriesId(r.site, r.sensor, r.metric, true) as number;
      const noise = isNoise(r.metric);
      const dur = r.dur ?? null;
      const q = QUALITY_CODE.get(r.quality) ?? 0;
      if (s.readingInsert.run(id, r.ts, r.value, q, dur).changes === 0) continue;
      inserted++;
      perSeries.set(id, (perSeries.get(id) ?? 0) + 1);
      roll.add(id, noise, r.ts, r.value, dur);
    }
    for (const [id, n] of perSeries) s.seriesAdd.run(n, id);
    this.upsertSums('1m', roll.minutes());
    this.upsertSums('1h', roll.coarser('1h'));
    this.upsertSums('1d', roll.coarser('1d'));
    for (const m of roll.minutes()) {
      if (m.hist) for (const [bin, seconds] of m.hist) s.histUpsert.run(m.seriesId, m.bucket, bin, seconds);
    }
    if (skipped > 0) this.noteSkipped(skipped);
    return { inserted, duplicates: batch.length - skipped - inserted };
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

  private upsertSums(step: Step, sums: Iterable<BucketSums>): void {
    const st = this.s.rollupUpsert[step];
    for (const b of sums) st.run(b.seriesId, b.bucket, b.count, b.min, b.max, b.sum, b.energy, b.durSum);
  }

  async writeReadings(batch: StoredReading[]): Promise<WriteResult> {
    this.conn();
    if (batch.length === 0) return { inserted: 0, duplicates: 0 };
    return this.writeTx(batch);
  }

  async readRaw(q: ReadingQuery): Promise<StoredReading[]> {
    this.conn();
    const id = this.seriesId(q.site, q.sensor, q.metric, false);
    if (id === undefined) return [];
    const rows = this.s.readRaw.all(id, q.from, q.to, q.limit ?? -1) as ReadingRow[];
    return rows.map((r) => {
      const out: StoredReading = {
        site: q.site,
        sensor: q.sensor,
        metric: q.metric,
        ts: r.ts,
        value: r.value,
        quality: QUALITIES[r.quality] ?? 'ok',
      };
      if (r.dur !== null) out.dur = r.dur;
      return out;
    });
  }

  /** Buckets whose start lies in [from, to), each over its whole step. */
  async readAggregate(q: ReadingQuery & { step: Step }): Promise<AggregatePoint[]> {
    this.conn();
    const id = this.seriesId(q.site, q.sensor, q.metric, false);
    if (id === undefined) return [];
    const rows = this.s.rollupRead[q.step].all(id, bucketCeil(q.from, q.step), q.to) as RollupRow[];
    const pts = rows.map((r) => toAggregatePoint(r.bucket_ts, r.count, r.min, r.max, r.sum, r.energy, r.dur_sum));
    return q.limit !== undefined ? pts.slice(0, q.limit) : pts;
  }

  /**
   * Time-weighted noise level histogram over the 1m buckets whose start lies in [from, to); feed it
   * to exceedanceLevel() for L10/L50/L90.
   */
  async readNoiseHistogram(q: TimeRange & { site: string; sensor: string; metric?: Metric }): Promise<NoiseHistogram> {
    this.conn();
    const id = this.seriesId(q.site, q.sensor, q.metric ?? 'noise_laeq', false);
    const out: NoiseHistogram = { binDb: HIST_BIN_DB, bins: [], totalSeconds: 0 };
    if (id === undefined) return out;
    const rows = this.s.histRead.all(id, bucketCeil(q.from, '1m'), q.to) as Array<{ bin: number; seconds: number }>;
    for (const r of rows) {
      out.bins.push({ level: binLevel(r.bin), seconds: r.seconds });
      out.totalSeconds += r.seconds;
    }
    return out;
  }

  /** readNoiseHistogram per range: each is one indexed range read on the local file, nothing to batch. */
  async readNoiseHistograms(
    q: { site: string; sensor: string; metric?: Metric },
    ranges: ReadonlyArray<readonly [number, number]>,
  ): Promise<NoiseHistogram[]> {
    const out: NoiseHistogram[] = [];
    for (const [from, to] of ranges) out.push(await this.readNoiseHistogram({ ...q, from, to }));
    return out;
  }

  async writeEvents(batch: StoredEvent[]): Promise<number> {
    const db = this.conn();
    const st = this.s.eventInsert;
    let n = 0;
    db.transaction(() => {
      for (const e of batch) {
        n += st.run(
          e.site,
          e.device,
          e.type,
          e.ts,
          e.score ?? null,
          e.window ?? null,
          e.ticket ?? null,
          e.fault ?? null,
          e.count ?? null,
          e.start ?? null,
          e.end ?? null,
          e.detail ?? null,
        ).changes;
      }
    })();
    return n;
  }

  async readEvents(q: TimeRange & { site: string; device?: string; types?: string[] }): Promise<StoredEvent[]> {
    const db = this.conn();
    const where = ['site = ?', 'ts >= ?', 'ts < ?'];
    const args: Array<string | number> = [q.site, q.from, q.to];
    if (q.device !== undefined) {
      where.push('device = ?');
      args.push(q.device);
    }
    if (q.types !== undefined) {
      if (q.types.length === 0) return [];
      where.push(`type IN (${q.types.map(() => '?').join(', ')})`);
      args.push(...q.types);
    }
    const rows = db
      .prepare(`SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY ts, device, type`)
      .all(...args) as EventRow[];
    return rows.map(eventFromRow);
  }

  async writeAlarms(batch: StoredAlarm[]): Promise<void> {
    const db = this.conn();
    const st = this.s.alarmUpsert;
    db.transaction(() => {
      for (const a of batch) st.run(alarmParams(a));
    })();
  }

  async readAlarms(q: Partial<TimeRange> & { site?: string; state?: 'active' | 'all' }): Promise<StoredAlarm[]> {
    const db = this.conn();
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.site !== undefined) {
      where.push('site = ?');
      args.push(q.site);
    }
    if (q.state === 'active') where.push(`state = 'raised'`);
    // An alarm belongs to a period when its excursion overlaps it.
    if (q.to !== undefined) {
      where.push('started_at < ?');
      args.push(q.to);
    }
    if (q.from !== undefined) {
      where.push('(cleared_at IS NULL OR cleared_at >= ?)');
      args.push(q.from);
    }
    const sql = `SELECT * FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at, id`;
    return (db.prepare(sql).all(...args) as AlarmRow[]).map(alarmFromRow);
  }

  async getAlarm(id: string): Promise<StoredAlarm | undefined> {
    this.conn();
    const row = this.s.alarmGet.get(id) as AlarmRow | undefined;
    return row ? alarmFromRow(row) : undefined;
  }

  async ackAlarm(id: string, user: string, note: string, at: number): Promise<StoredAlarm | undefined> {
    this.conn();
    if (this.s.alarmAck.run(user, at, note, id).changes === 0) return undefined;
    return this.getAlarm(id);
  }

  async writeStatus(batch: StatusChange[]): Promise<void> {
    const db = this.conn();
    const st = this.s.statusInsert;
    db.transaction(() => {
      for (const c of batch) st.run(c.site, c.device, c.ts, c.status);
    })();
  }

  async readStatus(q: TimeRange & { site: string; device?: string }): Promise<StatusChange[]> {
    const db = this.conn();
    const dev = q.device !== undefined ? ' AND device = ?' : '';
    const args: Array<string | number> = [q.site, q.from, q.to];
    if (q.device !== undefined) args.push(q.device);
    return db
      .prepare(
        `SELECT site, device, ts, status FROM status WHERE site = ? AND ts >= ? AND ts < ?${dev} ORDER BY ts, device`,
      )
      .all(...args) as StatusChange[];
  }

  async pruneRaw(before: number): Promise<number> {
    const db = this.conn();
    // Per series, so each delete is a range on the primary key instead of a full scan.
    return db.transaction(() => {
      let total = 0;
      for (const id of this.s.allSeries.all() as number[]) {
        const n = this.s.pruneSeries.run(id, before).changes;
        if (n > 0) {
          this.s.seriesSub.run(n, id);
          total += n;
        }
      }
      return total;
    })();
  }

  async readLatest(site: string): Promise<StoredReading[]> {
    this.conn();
    const out: StoredReading[] = [];
    for (const sr of this.s.siteSeries.all(site) as Array<{ id: number; sensor: string; metric: Metric }>) {
      const row = this.s.lastReading.get(sr.id) as ReadingRow | undefined;
      if (!row) continue;
      const r: StoredReading = {
        site,
        sensor: sr.sensor,
        metric: sr.metric,
        ts: row.ts,
        value: row.value,
        quality: QUALITIES[row.quality] ?? 'ok',
      };
      if (row.dur !== null) r.dur = row.dur;
      out.push(r);
    }
    return out;
  }

  /** The 1h rollups of a series as columns (evidence; see HourRollups in store.ts). */
  async readHourRollups(q: ReadingQuery): Promise<HourRollups> {
    return this.rollupColumns(q, '1h');
  }

  /** The 1m rollups of a series as columns (evidence minute CSVs; see store.ts). */
  async readMinuteRollups(q: ReadingQuery): Promise<HourRollups> {
    return this.rollupColumns(q, '1m');
  }

  private rollupColumns(q: ReadingQuery, step: '1m' | '1h'): HourRollups {
    this.conn();
    const id = this.seriesId(q.site, q.sensor, q.metric, false);
    // Energy and duration exist for noise only (NULL, read as 0, for every other metric): not fetched there.
    const noise = isNoise(q.metric);
    const st =
      step === '1h'
        ? noise
          ? this.s.hourRollups
          : this.s.hourRollupsPlain
        : noise
          ? this.s.minuteRollups
          : this.s.minuteRollupsPlain;
    // Raw rows (arrays): a named-column object per row costs several times as much.
    const rows = id === undefined ? [] : (st.all(id, bucketCeil(q.from, step), q.to) as Array<Array<number | null>>);
    const n = rows.length;
    const out = {
      ts: new Float64Array(n),
      count: new Float64Array(n),
      min: new Float64Array(n),
      max: new Float64Array(n),
      sum: new Float64Array(n),
      energy: new Float64Array(n),
      durSum: new Float64Array(n),
    };
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      out.ts[i] = r[0] ?? 0;
      out.count[i] = r[1] ?? 0;
      out.min[i] = r[2] ?? 0;
      out.max[i] = r[3] ?? 0;
      out.sum[i] = r[4] ?? 0;
      if (noise) {
        out.energy[i] = r[5] ?? 0;
        out.durSum[i] = r[6] ?? 0;
      }
    }
    return out;
  }

  /** readMinuteValues per range: each is one indexed range read on the local file, nothing to batch. */
  async readMinuteValuesRanges(
    q: Omit<ReadingQuery, 'from' | 'to'>,
    ranges: ReadonlyArray<readonly [number, number]>,
  ): Promise<Array<{ ts: Float64Array; value: Float64Array }>> {
    const out: Array<{ ts: Float64Array; value: Float64Array }> = [];
    for (const [from, to] of ranges) out.push(await this.readMinuteValues({ ...q, from, to }));
    return out;
  }

  /** Rollups are written in the same transaction as the readings: nothing is ever pending. */
  async flushRollups(): Promise<number> {
    return 0;
  }

  /**
   * Minute buckets as (ts, replay value) columns (evidence replay; see store.ts). The
   * values come as one plucked column (a row array per minute was most of the cost of a loud year's
   * replay: ~1 M minutes): the mean as sum / count and, for noise, energy / dur_sum, both IEEE
   * divisions exactly as toAggregatePoint does them in JS. Bucket starts are minute-aligned and
   * unique (the primary key), so when every minute slot of the range has a row they are implied;
   * only a range with missing minutes reads its bucket starts as well.
   */
  async readMinuteValues(q: ReadingQuery): Promise<{ ts: Float64Array; value: Float64Array }> {
    this.conn();
    const id = this.seriesId(q.site, q.sensor, q.metric, false);
    if (id === undefined) return { ts: new Float64Array(0), value: new Float64Array(0) };
    const from = bucketCeil(q.from, '1m');
    const noise = isNoise(q.metric);
    const raw = (noise ? this.s.minuteRatios : this.s.minuteMeans).all(id, from, q.to) as Array<number | null>;
    const n = raw.length;
    const ts = new Float64Array(n);
    const value = new Float64Array(n);
    const slots = q.to > from ? Math.ceil((q.to - from) / 60_000) : 0;
    if (n === slots) for (let i = 0; i < n; i++) ts[i] = from + i * 60_000;
    else ts.set(this.s.minuteStarts.all(id, from, q.to) as number[]);
    for (let i = 0; i < n; i++) {
      const v = raw[i];
      // laeqFromEnergy(energy, durSum) = 10·log10(energy / durSum) when both are > 0 (else no LAeq).
      value[i] = v === null || v === undefined ? NaN : noise ? 10 * Math.log10(v) : v;
    }
    return { ts, value };
  }

  /** Minute facts of the given hour starts (evidence; see MinuteHourStats in store.ts). */
  async readMinuteHourStats(q: ReadingQuery & { hours: number[] }): Promise<MinuteHourStats> {
    this.conn();
    const id = this.seriesId(q.site, q.sensor, q.metric, false);
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
    if (id === undefined) return out;
    const noise = isNoise(q.metric);
    const db = (e: number | null | undefined) => (e != null && e > 0 ? 10 * Math.log10(e) : NaN);
    for (let i = 0; i < n; i++) {
      const h = q.hours[i]!;
      const [minutes, vmin, vmax, nl, er, ermin, ermax, lmax] = this.s.minuteHour.get(
        id,
        Math.max(h, q.from),
        Math.min(h + 3_600_000, q.to),
      ) as Array<number | null>;
      out.minutes[i] = minutes ?? 0;
      if (noise) {
        out.valued[i] = nl ?? 0;
        out.vmin[i] = db(ermin);
        out.vmax[i] = db(ermax);
        out.energy[i] = er ?? 0;
        out.lmax[i] = lmax ?? NaN;
      } else {
        out.valued[i] = minutes ?? 0;
        out.vmin[i] = vmin ?? NaN;
        out.vmax[i] = vmax ?? NaN;
      }
    }
    return out;
  }

  async countReadings(site?: string): Promise<number> {
    this.conn();
    return (site === undefined ? this.s.countAll.get() : this.s.countSite.get(site)) as number;
  }

  // Seal digests: the canonical text of server/src/seal/canonical.ts built by SQLite in one
  // ordered range read, integers only (CAST(round(x*1e6) AS INTEGER) is canonical.ts q6 exactly), so
  // no row object or float printing happens in JS. Statements are prepared on first use.
  private sealStmts: { db: Database.Database; raw: Stmt; minute: Stmt; noiseMinute: Stmt } | undefined;

  private sealText(kind: 'raw' | 'minute' | 'noiseMinute', q: ReadingQuery): string {
    const db = this.conn();
    // Prepared per connection: a close() and open() gives a new one.
    if (this.sealStmts?.db !== db)
      this.sealStmts = {
        db,
        raw: db
          .prepare(
            `SELECT group_concat(ts || ',' || CAST(round(value * 1e6) AS INTEGER) || ',' || coalesce(CAST(round(dur * 1e6) AS INTEGER), ''), char(10) ORDER BY ts)
           FROM readings WHERE series_id = ? AND ts >= ? AND ts < ?`,
          )
          .pluck(),
        minute: db
          .prepare(
            `SELECT group_concat(bucket_ts || ',' || count || ',' || CAST(round(min * 1e6) AS INTEGER) || ',' || CAST(round(max * 1e6) AS INTEGER) || ',' || CAST(round(sum / count * 1e6) AS INTEGER), char(10) ORDER BY bucket_ts)
           FROM rollup_1m WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ?`,
          )
          .pluck(),
        noiseMinute: db
          .prepare(
            `SELECT group_concat(bucket_ts || ',' || count || ',' || CAST(round(min * 1e6) AS INTEGER) || ',' || CAST(round(max * 1e6) AS INTEGER) || ',' || CAST(round(sum / count * 1e6) AS INTEGER) || ',' ||
             CASE WHEN energy > 0 AND dur_sum > 0 THEN CAST(round(10 * log10(energy / dur_sum) * 1e4) AS INTEGER) ELSE '' END, char(10) ORDER BY bucket_ts)
           FROM rollup_1m WHERE series_id = ? AND bucket_ts >= ? AND bucket_ts < ?`,
          )
          .pluck(),
      };
    const id = this.seriesId(q.site, q.sensor, q.metric, false);
    if (id === undefined) return '';
    const from = kind === 'raw' ? q.from : bucketCeil(q.from, '1m');
    return (this.sealStmts[kind].get(id, from, q.to) as string | null) ?? '';
  }

  /** Raw readings as seal text, formatted by SQL (see Store.readRawSealText). */
  async readRawSealText(q: ReadingQuery): Promise<string> {
    return this.sealText('raw', q);
  }

  /** 1m rollups as seal text, formatted by SQL (see Store.readMinuteSealText). */
  async readMinuteSealText(q: ReadingQuery): Promise<string> {
    return this.sealText(isNoise(q.metric) ? 'noiseMinute' : 'minute', q);
  }
}

function eventFromRow(r: EventRow): StoredEvent {
  const e = { site: r.site, device: r.device, type: r.type, ts: r.ts } as StoredEvent;
  if (r.score !== null) e.score = r.score;
  if (r.win !== null) e.window = r.win;
  if (r.ticket !== null) e.ticket = r.ticket;
  if (r.fault !== null) e.fault = r.fault;
  if (r.count !== null) e.count = r.count;
  if (r.start !== null) e.start = r.start;
  if (r.end !== null) e.end = r.end;
  if (r.detail !== null) e.detail = r.detail;
  return e;
}

export function alarmParams(a: StoredAlarm) {
  return {
    id: a.id,
    site: a.site,
    clause: a.clause,
    rule: a.rule,
    sensor: a.sensor,
    severity: a.severity,
    state: a.state,
    ts: a.ts,
    startedAt: a.startedAt,
    // A clear record without clearedAt is cleared at its own time.
    clearedAt: a.clearedAt ?? (a.state === 'cleared' ? a.ts : null),
    peak: a.peak ?? null,
    lim: a.limit ?? null,
    message: a.message ?? null,
    ackedBy: a.ackedBy ?? null,
    ackedAt: a.ackedAt ?? null,
    ackNote: a.ackNote ?? null,
  };
}

export function alarmFromRow(r: AlarmRow): StoredAlarm {
  const a: StoredAlarm = {
    id: r.id,
    site: r.site,
    clause: r.clause,
    rule: r.rule,
    sensor: r.sensor,
    severity: r.severity as StoredAlarm['severity'],
    state: r.state as StoredAlarm['state'],
    ts: r.ts,
    startedAt: r.started_at,
  };
  if (r.cleared_at !== null) a.clearedAt = r.cleared_at;
  if (r.peak !== null) a.peak = r.peak;
  if (r.lim !== null) a.limit = r.lim;
  if (r.message !== null) a.message = r.message;
  if (r.acked_by !== null) a.ackedBy = r.acked_by;
  if (r.acked_at !== null) a.ackedAt = r.acked_at;
  if (r.ack_note !== null) a.ackNote = r.ack_note;
  return a;
}
