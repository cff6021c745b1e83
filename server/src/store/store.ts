// The one interface every time-series store implements (sqlite embedded, influxdb for real
// deployments). Ingest writes batches; API, evidence and live views read through it. Writes are
// idempotent on (site, sensor, metric, ts): storing a reading twice keeps one.
import type { Metric, Quality, DeviceEvent, AlarmRecord, DeviceStatus } from '@hallmon/firmware-config';
import type { NoiseHistogram } from '@hallmon/rules';

export interface StoredReading {
  site: string;
  sensor: string;
  metric: Metric;
  /** Epoch ms, event time. */
  ts: number;
  value: number;
  quality: Quality;
  /** Seconds the value integrates over (noise); default 1 for noise_laeq. */
  dur?: number;
}

export interface StoredEvent extends Omit<DeviceEvent, 'ts' | 'start' | 'end'> {
  site: string;
  ts: number;
  start?: number;
  end?: number;
}

export interface StoredAlarm extends Omit<AlarmRecord, 'ts' | 'startedAt' | 'clearedAt'> {
  ts: number;
  startedAt: number;
  clearedAt?: number;
  ackedBy?: string;
  ackedAt?: number;
  ackNote?: string;
}

export interface StatusChange {
  site: string;
  device: string;
  status: DeviceStatus;
  ts: number;
}

export type Step = '1m' | '1h' | '1d';
export const STEP_MS: Record<Step, number> = { '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };

/** One rollup bucket. `laeq` only for noise_laeq: 10·log10(energy / durSum). */
export interface AggregatePoint {
  ts: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  laeq?: number;
}

export interface TimeRange {
  from: number;
  /** Exclusive. */
  to: number;
}

export interface ReadingQuery extends TimeRange {
  site: string;
  sensor: string;
  metric: Metric;
  /** Cap on returned raw points (newest data beyond it is cut; the API says so). */
  limit?: number;
}

export interface WriteResult {
  /** Readings newly stored (a duplicate of a stored (sensor, metric, ts) is not counted). */
  inserted: number;
  duplicates: number;
}

/**
 * The 1-hour rollups of a series as parallel columns (one entry per stored hour, ordered): what the
 * evidence reads first for a year instead of 525,600 minute rows. Noise: energy = Σ dur·10^(L/10).
 */
export interface HourRollups {
  ts: Float64Array;
  count: Float64Array;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  /** Noise only (0 otherwise). */
  energy: Float64Array;
  durSum: Float64Array;
}

/**
 * Minute-level facts of selected hours, from the 1-minute rollups: how many minute buckets, how many
 * with a usable value (noise: with a LAeq), the lowest/highest minute value (mean; noise LAeq), and
 * for noise Σ 10^(LAeq/10) over the minutes and the highest raw reading among them.
 */
export interface MinuteHourStats {
  ts: Float64Array;
  minutes: Float64Array;
  valued: Float64Array;
  vmin: Float64Array;
  vmax: Float64Array;
  energy: Float64Array;
  lmax: Float64Array;
}

export interface Store {
  readonly kind: 'sqlite' | 'influxdb';
  open(): Promise<void>;
  close(): Promise<void>;
  /** Resolves when the store answers now; rejects saying what is wrong (GET /api/health). */
  check(): Promise<void>;
  /** Stores a batch atomically-or-idempotently and updates the rollups. Resolves once durable. */
  writeReadings(batch: StoredReading[]): Promise<WriteResult>;
  writeEvents(batch: StoredEvent[]): Promise<number>;
  /** Upsert by alarm id: a clear record completes the raise record; acks are kept. */
  writeAlarms(batch: StoredAlarm[]): Promise<void>;
  writeStatus(batch: StatusChange[]): Promise<void>;
  readRaw(q: ReadingQuery): Promise<StoredReading[]>;
  readAggregate(q: ReadingQuery & { step: Step }): Promise<AggregatePoint[]>;
  readEvents(q: TimeRange & { site: string; device?: string; types?: string[] }): Promise<StoredEvent[]>;
  readAlarms(q: Partial<TimeRange> & { site?: string; state?: 'active' | 'all' }): Promise<StoredAlarm[]>;
  getAlarm(id: string): Promise<StoredAlarm | undefined>;
  ackAlarm(id: string, user: string, note: string, at: number): Promise<StoredAlarm | undefined>;
  readStatus(q: TimeRange & { site: string; device?: string }): Promise<StatusChange[]>;
  /** Drops raw readings older than `before` (rollups are kept for ever). Returns rows removed. */
  pruneRaw(before: number): Promise<number>;
  /** Number of raw readings stored (for health and benchmarks). */
  countReadings(site?: string): Promise<number>;
  /**
   * The newest stored raw reading of every (sensor, metric) of a site, in no particular order (for
   * GET /api/latest after a restart). InfluxDB looks back 30 days; SQLite keeps no such bound.
   */
  readLatest(site: string): Promise<StoredReading[]>;
  /**
   * Time-weighted noise level histogram (0.5 dB bins) over the 1m buckets whose start lies in
   * [from, to); L10/L50/L90 via exceedanceLevel() of the rules package.
   */
  readNoiseHistogram(q: TimeRange & { site: string; sensor: string; metric?: Metric }): Promise<NoiseHistogram>;
  /**
   * readNoiseHistogram of many ranges of one series at once, one answer per range in the same order
   * (the evidence asks for every opening interval of a year: a remote store batches them into few
   * round trips, a local one reads them one by one).
   */
  readNoiseHistograms(
    q: { site: string; sensor: string; metric?: Metric },
    ranges: ReadonlyArray<readonly [number, number]>,
  ): Promise<NoiseHistogram[]>;
  /** 1h rollups with start in [from, to) as columns: what the evidence reads first for a year. */
  readHourRollups(q: ReadingQuery): Promise<HourRollups>;
  /** Minute facts of the given hour starts (the hours the evidence must look into minute by minute). */
  readMinuteHourStats(q: ReadingQuery & { hours: number[] }): Promise<MinuteHourStats>;
  /**
   * The 1m buckets with start in [from, to) as two columns: bucket start and the value a replay
   * feeds (the minute mean; noise: the minute's energy LAeq, NaN without one).
   */
  readMinuteValues(q: ReadingQuery): Promise<{ ts: Float64Array; value: Float64Array }>;
  /**
   * readMinuteValues of many sorted, disjoint ranges of one series at once, one answer per range in
   * the same order (a remote store batches them into few round trips).
   */
  readMinuteValuesRanges(
    q: Omit<ReadingQuery, 'from' | 'to'>,
    ranges: ReadonlyArray<readonly [number, number]>,
  ): Promise<Array<{ ts: Float64Array; value: Float64Array }>>;
  /**
   * The 1m rollups with start in [from, to) as columns shaped like HourRollups (the evidence pack's
   * minute CSVs: ~16 M rows a year, without an object per row).
   */
  readMinuteRollups(q: ReadingQuery): Promise<HourRollups>;
  /**
   * The raw readings of a series in [from, to) as the canonical text of the seal digests
   * (server/src/seal/canonical.ts rawSealText; '' when none), byte for byte. SQLite formats it in
   * SQL (one range read instead of a row object per reading).
   */
  readRawSealText(q: ReadingQuery): Promise<string>;
  /** The same for the 1m buckets with start in [from, to) (canonical.ts minuteSealText). */
  readMinuteSealText(q: ReadingQuery): Promise<string>;
  /**
   * Brings every rollup up to date with what was written, answering how many hours it recomputed:
   * SQLite writes rollups in the write transaction (always 0); InfluxDB keeps its hourly rollups in
   * the background and catches up here (benchmarks and tests call it before timing or comparing).
   */
  flushRollups(): Promise<number>;
}

/** The names of Store's methods (everything but `kind`). */
export type StoreMethod = {
  [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Store];

/**
 * Every method of Store, once: a Record over StoreMethod, so a method added to the interface and not
 * listed here (or listed and not in the interface) fails the type check. The shared store suite
 * (tests/server/store-suite.ts) records the calls it makes and fails unless each of these was called
 * on both backends, so a new method cannot go untested.
 */
const METHODS: Record<StoreMethod, true> = {
  open: true,
  close: true,
  check: true,
  writeReadings: true,
  writeEvents: true,
  writeAlarms: true,
  writeStatus: true,
  readRaw: true,
  readAggregate: true,
  readEvents: true,
  readAlarms: true,
  getAlarm: true,
  ackAlarm: true,
  readStatus: true,
  pruneRaw: true,
  countReadings: true,
  readLatest: true,
  readNoiseHistogram: true,
  readNoiseHistograms: true,
  readHourRollups: true,
  readMinuteHourStats: true,
  readMinuteValues: true,
  readMinuteValuesRanges: true,
  readMinuteRollups: true,
  readRawSealText: true,
  readMinuteSealText: true,
  flushRollups: true,
};
export const STORE_METHODS: readonly StoreMethod[] = Object.freeze(Object.keys(METHODS) as StoreMethod[]);
