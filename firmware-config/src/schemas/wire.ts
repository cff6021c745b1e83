// The wire shapes of contract v1 (telemetry, events, alarms, status), as TypeBox schemas that are
// also the TypeScript types. Edge, server and simulators import these; nothing redefines them.
import { Type, type Static } from '@sinclair/typebox';

export const SITE_ID_PATTERN = '^[a-z0-9-]{1,40}$';
export const SiteId = Type.String({ pattern: SITE_ID_PATTERN });

/**
 * The metric vocabulary (docs/contract.md, "metrics"): the analogue series (sampled at the poll
 * rate) and, since v1.3, the machine room's state inputs and UPS figures.
 */
export const METRICS = [
  'noise_laeq',
  'temperature',
  'humidity',
  'co2',
  'illuminance',
  'water_leak',
  'smoke',
  'door_open',
  'mains_ok',
  'ups_on_battery',
  'ac_running',
  'ups_battery_pct',
  'ups_load_pct',
  'ups_runtime_min',
] as const;
export const Metric = Type.Union(METRICS.map((m) => Type.Literal(m)));
export type Metric = (typeof METRICS)[number];
export const METRIC_UNITS: Record<Metric, string> = {
  noise_laeq: 'dB(A)',
  temperature: '°C',
  humidity: '%RH',
  co2: 'ppm',
  illuminance: 'lx',
  water_leak: '0/1',
  smoke: '0/1',
  door_open: '0/1',
  mains_ok: '0/1',
  ups_on_battery: '0/1',
  ac_running: '0/1',
  ups_battery_pct: '%',
  ups_load_pct: '%',
  ups_runtime_min: 'min',
};

/**
 * State metrics: 1 when the named condition holds (water on the floor, smoke, the door open, mains
 * present, the UPS on battery, the air conditioner running), else 0. A state series is kept as its
 * changes: an edge sends a state when it changes, when its device answers first (start, after an
 * outage) and again unchanged every STATE_REFRESH_S, never at the poll rate (docs/contract.md).
 */
export const STATE_METRICS = ['water_leak', 'smoke', 'door_open', 'mains_ok', 'ups_on_battery', 'ac_running'] as const;
export type StateMetric = (typeof STATE_METRICS)[number];
const STATE_SET: ReadonlySet<string> = new Set(STATE_METRICS);

export function isStateMetric(m: string): m is StateMetric {
  return STATE_SET.has(m);
}

/** An edge re-sends an unchanged state this often (seconds), so a silent input is known to be dead. */
export const STATE_REFRESH_S = 300;
/**
 * How long a state reading is taken as known without a newer one: three refreshes. Longer silence
 * is a hole in the state series' coverage (docs/evidence.md).
 */
export const STATE_HOLD_S = 3 * STATE_REFRESH_S;

/**
 * Reading quality. ok and out-of-range carry a measured value; stale marks a value a device kept
 * repeating past its profile's limit (a frozen sensor). crc-error and timeout describe failed polls:
 * they never travel as telemetry (there is no value), they are counted and reported as device_fault
 * events instead.
 */
export const QUALITIES = ['ok', 'out-of-range', 'crc-error', 'timeout', 'stale'] as const;
export const Quality = Type.Union(QUALITIES.map((q) => Type.Literal(q)));
export type Quality = (typeof QUALITIES)[number];

/** ISO 8601 with offset, or epoch milliseconds (docs/contract.md, "time"). Checked further by parseTimestamp. */
export const Timestamp = Type.Union([Type.String({ minLength: 10, maxLength: 40 }), Type.Number()]);
export type Timestamp = Static<typeof Timestamp>;

export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$';
export const DeviceId = Type.String({ pattern: ID_PATTERN });

export const Reading = Type.Object(
  {
    sensor: DeviceId,
    metric: Metric,
    value: Type.Number(),
    ts: Timestamp,
    unit: Type.Optional(Type.String({ maxLength: 16 })),
    quality: Type.Optional(Quality),
    /** Seconds the value integrates over (noise intervals); default 1 s for noise_laeq. */
    dur: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 86_400 })),
  },
  { additionalProperties: false },
);
export type Reading = Static<typeof Reading>;

/** A reading after the edge (or the server's ingest) normalised it: UTC ISO time, quality always set. */
export interface NormalisedReading {
  sensor: string;
  metric: Metric;
  value: number;
  ts: string;
  quality: Quality;
  unit?: string;
  dur?: number;
}

export const COUNTER_EVENT_TYPES = [
  'rating',
  'ticket_issued',
  'ticket_called',
  'ticket_served',
  'ticket_abandoned',
] as const;
/**
 * Extensions to the v1 event vocabulary (documented in docs/contract.md):
 * - device_fault: a device stopped answering or answered garbage (timeout, crc-error, exception).
 * - data_gap: the edge had to drop buffered data (disk budget); start/end/count say what is missing.
 */
export const EXTENSION_EVENT_TYPES = ['device_fault', 'data_gap'] as const;
export const EVENT_TYPES = [...COUNTER_EVENT_TYPES, ...EXTENSION_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const DeviceEvent = Type.Object(
  {
    device: DeviceId,
    type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
    ts: Timestamp,
    /** rating: 1 (非常不满意) to 5 (非常满意). */
    score: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    window: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    ticket: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    /** device_fault: timeout | crc-error | exception | disconnected. */
    fault: Type.Optional(Type.String({ maxLength: 32 })),
    /** device_fault: failures in this episode; data_gap: records dropped. */
    count: Type.Optional(Type.Integer({ minimum: 0 })),
    /** data_gap: the event-time span that was lost. */
    start: Type.Optional(Timestamp),
    end: Type.Optional(Timestamp),
    detail: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type DeviceEvent = Static<typeof DeviceEvent>;

export const Severity = Type.Union([Type.Literal('warning'), Type.Literal('critical')]);
export type Severity = Static<typeof Severity>;

export const AlarmRecord = Type.Object(
  {
    /** Stable id: the same excursion always carries the same id (raise and clear share it). */
    id: Type.String({ minLength: 1, maxLength: 200 }),
    site: SiteId,
    clause: Type.String({ maxLength: 32 }),
    rule: Type.String({ maxLength: 64 }),
    sensor: Type.String({ maxLength: 64 }),
    severity: Severity,
    state: Type.Union([Type.Literal('raised'), Type.Literal('cleared')]),
    ts: Timestamp,
    startedAt: Timestamp,
    clearedAt: Type.Optional(Timestamp),
    peak: Type.Optional(Type.Number()),
    limit: Type.Optional(Type.Number()),
    message: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type AlarmRecord = Static<typeof AlarmRecord>;

export const STATUS_VALUES = ['online', 'offline'] as const;
export type DeviceStatus = (typeof STATUS_VALUES)[number];

/** MQTT topics of contract v1. */
export const topics = {
  telemetry: (site: string) => `hallmon/v1/${site}/telemetry`,
  events: (site: string) => `hallmon/v1/${site}/events`,
  alarms: (site: string) => `hallmon/v1/${site}/alarms`,
  status: (site: string, device: string) => `hallmon/v1/${site}/status/${device}`,
  /** Server -> edge: the site's configuration (retained; remote-config.ts). */
  config: (site: string) => `hallmon/v1/${site}/config`,
  /** Edge -> server: the version the edge runs, or why it refused one (retained). */
  configState: (site: string) => `hallmon/v1/${site}/config/state`,
} as const;

/** Upper bound of readings in one telemetry message (docs/contract.md). */
export const MAX_BATCH = 5_000;
/** Readings more than this far in the future are rejected (docs/contract.md). */
export const MAX_FUTURE_MS = 5 * 60_000;

/** Parses a contract timestamp to epoch ms, or null when it is not one (no offset, bad date). */
export function parseTimestamp(ts: unknown): number | null {
  if (typeof ts === 'number') return Number.isFinite(ts) && ts > 0 && ts < 8.64e15 ? Math.trunc(ts) : null;
  if (typeof ts !== 'string') return null;
  // Fast path for the canonical UTC form every hallmon component emits (toIso): 2025-05-01T01:00:00.000Z.
  if (
    ts.length === 24 &&
    ts.charCodeAt(4) === 45 /* - */ &&
    ts.charCodeAt(7) === 45 &&
    ts.charCodeAt(10) === 84 /* T */ &&
    ts.charCodeAt(13) === 58 /* : */ &&
    ts.charCodeAt(16) === 58 &&
    ts.charCodeAt(19) === 46 /* . */ &&
    ts.charCodeAt(23) === 90 /* Z */
  ) {
    const ms = Date.parse(ts);
    if (Number.isFinite(ms)) return ms;
  }
  // ISO 8601 with a date, a time and an offset (Z or ±hh:mm); a bare local time is ambiguous.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(ts)) return null;
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? ms : null;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}
