// Turns one MQTT payload into storable records for a site, keeping the good items of a batch and
// counting the bad ones by reason (docs/contract.md, "the rest of the batch is kept"). Pure: no I/O, no
// clock of its own (the caller passes now), so every rule is unit-tested.
import {
  Reading,
  DeviceEvent,
  AlarmRecord,
  METRICS,
  MAX_BATCH,
  MAX_FUTURE_MS,
  parseTimestamp,
  compiled,
  isStateMetric,
  type Metric,
} from '@hallmon/firmware-config';
import type { StoredReading, StoredEvent, StoredAlarm, StatusChange } from '../store/store.ts';
import type { RejectReason, Stream } from './reasons.ts';
import { retiredAccepts, type RetiredDevice, type SiteIndex } from './site-index.ts';

export type Rejections = Map<RejectReason, number>;

export interface Validated<T> {
  accepted: T[];
  /** Item-level reasons count items; message-level reasons (malformed-json, too-many) count 1. */
  rejected: Rejections;
}

export interface ValidateContext {
  site: SiteIndex;
  now: number;
}

const readingCheck = compiled(Reading);
const eventCheck = compiled(DeviceEvent);
const alarmCheck = compiled(AlarmRecord);
const METRIC_SET: ReadonlySet<string> = new Set(METRICS);
const NON_FINITE_STRINGS = new Set(['NaN', 'Infinity', '-Infinity', '+Infinity', 'nan', 'inf', '-inf']);

export function bump(map: Rejections, reason: RejectReason, n = 1): void {
  map.set(reason, (map.get(reason) ?? 0) + n);
}

/** JSON.parse and the batch-size rule shared by every stream. */
function items(payload: Buffer | string, rejected: Rejections): unknown[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    bump(rejected, 'malformed-json');
    return null;
  }
  if (!Array.isArray(parsed)) return [parsed];
  if (parsed.length > MAX_BATCH) {
    bump(rejected, 'too-many');
    return null;
  }
  return parsed;
}

/** ts rules common to every record: a contract timestamp, at most 5 min ahead of now. */
function time(ts: unknown, now: number, rejected: Rejections): number | null {
  const ms = parseTimestamp(ts);
  if (ms === null) {
    bump(rejected, 'bad-timestamp');
    return null;
  }
  if (ms > now + MAX_FUTURE_MS) {
    bump(rejected, 'future-timestamp');
    return null;
  }
  return ms;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function validateTelemetry(payload: Buffer | string, ctx: ValidateContext): Validated<StoredReading> {
  const rejected: Rejections = new Map();
  const accepted: StoredReading[] = [];
  const list = items(payload, rejected);
  if (!list) return { accepted, rejected };
  for (const item of list) {
    if (!isRecord(item) || typeof item.sensor !== 'string') {
      bump(rejected, 'schema');
      continue;
    }
    let metrics = ctx.site.metrics.get(item.sensor);
    let retired: RetiredDevice | undefined;
    if (!metrics && (retired = ctx.site.retired.get(item.sensor))) metrics = retired.metrics;
    if (!metrics) {
      bump(rejected, 'unknown-sensor');
      continue;
    }
    const metric = item.metric;
    if (typeof metric !== 'string' || !METRIC_SET.has(metric) || !metrics.has(metric as Metric)) {
      bump(rejected, typeof metric === 'string' ? 'unknown-metric' : 'schema');
      continue;
    }
    const v = item.value;
    if ((typeof v === 'number' && !Number.isFinite(v)) || (typeof v === 'string' && NON_FINITE_STRINGS.has(v.trim()))) {
      bump(rejected, 'not-finite');
      continue;
    }
    if (!readingCheck.Check(item)) {
      bump(rejected, 'schema');
      continue;
    }
    // A state is 0 or 1 (docs/contract.md "State metrics"): anything else is no state at all.
    if (isStateMetric(item.metric) && item.value !== 0 && item.value !== 1) {
      bump(rejected, 'bad-state');
      continue;
    }
    const ts = time(item.ts, ctx.now, rejected);
    if (ts === null) continue;
    if (retired && !retiredAccepts(ctx.site, retired, ts)) {
      bump(rejected, 'unknown-sensor');
      continue;
    }
    const r: StoredReading = {
      site: ctx.site.id,
      sensor: item.sensor,
      metric: item.metric,
      ts,
      value: item.value,
      quality: item.quality ?? 'ok',
    };
    if (item.metric === 'noise_laeq') r.dur = item.dur ?? ctx.site.noiseDur.get(item.sensor) ?? 1;
    else if (item.dur !== undefined) r.dur = item.dur;
    accepted.push(r);
  }
  return { accepted, rejected };
}

export function validateEvents(payload: Buffer | string, ctx: ValidateContext): Validated<StoredEvent> {
  const rejected: Rejections = new Map();
  const accepted: StoredEvent[] = [];
  const list = items(payload, rejected);
  if (!list) return { accepted, rejected };
  for (const item of list) {
    if (!eventCheck.Check(item)) {
      bump(rejected, 'schema');
      continue;
    }
    const retired = ctx.site.metrics.has(item.device) ? undefined : ctx.site.retired.get(item.device);
    if (!ctx.site.metrics.has(item.device) && !retired) {
      bump(rejected, 'unknown-device');
      continue;
    }
    const ts = time(item.ts, ctx.now, rejected);
    if (ts === null) continue;
    if (retired && !retiredAccepts(ctx.site, retired, ts)) {
      bump(rejected, 'unknown-device');
      continue;
    }
    let start: number | null | undefined;
    let end: number | null | undefined;
    if (item.start !== undefined && (start = parseTimestamp(item.start)) === null) {
      bump(rejected, 'bad-timestamp');
      continue;
    }
    if (item.end !== undefined && (end = parseTimestamp(item.end)) === null) {
      bump(rejected, 'bad-timestamp');
      continue;
    }
    const { ts: _ts, start: _s, end: _e, ...rest } = item;
    const e: StoredEvent = { ...rest, site: ctx.site.id, ts };
    if (start != null) e.start = start;
    if (end != null) e.end = end;
    accepted.push(e);
  }
  return { accepted, rejected };
}

export function validateAlarms(payload: Buffer | string, ctx: ValidateContext): Validated<StoredAlarm> {
  const rejected: Rejections = new Map();
  const accepted: StoredAlarm[] = [];
  const list = items(payload, rejected);
  if (!list) return { accepted, rejected };
  for (const item of list) {
    if (!alarmCheck.Check(item)) {
      bump(rejected, 'schema');
      continue;
    }
    if (item.site !== ctx.site.id) {
      bump(rejected, 'wrong-site');
      continue;
    }
    const ts = time(item.ts, ctx.now, rejected);
    if (ts === null) continue;
    const startedAt = parseTimestamp(item.startedAt);
    const clearedAt = item.clearedAt === undefined ? undefined : parseTimestamp(item.clearedAt);
    if (startedAt === null || clearedAt === null) {
      bump(rejected, 'bad-timestamp');
      continue;
    }
    const { ts: _ts, startedAt: _s, clearedAt: _c, ...rest } = item;
    const a: StoredAlarm = { ...rest, ts, startedAt };
    if (clearedAt !== undefined) a.clearedAt = clearedAt;
    accepted.push(a);
  }
  return { accepted, rejected };
}

/**
 * Status payloads: the edges' retained `online` / `offline` (plain text, as a last will carries
 * it), or JSON `"online"` / `{"status":"online","ts":...}`. An empty payload clears a retained
 * message (MQTT-3.3.1-10) and is not a status change.
 */
export function validateStatus(
  payload: Buffer | string,
  device: string,
  ctx: ValidateContext,
): Validated<StatusChange> {
  const rejected: Rejections = new Map();
  const text = (typeof payload === 'string' ? payload : payload.toString('utf8')).trim();
  if (text === '') return { accepted: [], rejected };
  let status: unknown = text;
  let ts = ctx.now;
  if (text.startsWith('{') || text.startsWith('"')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      bump(rejected, 'malformed-json');
      return { accepted: [], rejected };
    }
    if (isRecord(parsed)) {
      status = parsed.status;
      if (parsed.ts !== undefined) {
        const ms = time(parsed.ts, ctx.now, rejected);
        if (ms === null) return { accepted: [], rejected };
        ts = ms;
      }
    } else status = parsed;
  }
  if (status !== 'online' && status !== 'offline') {
    bump(rejected, 'bad-status');
    return { accepted: [], rejected };
  }
  return { accepted: [{ site: ctx.site.id, device, status, ts }], rejected };
}

export type ValidatedAny =
  | { stream: 'telemetry'; result: Validated<StoredReading> }
  | { stream: 'events'; result: Validated<StoredEvent> }
  | { stream: 'alarms'; result: Validated<StoredAlarm> }
  | { stream: 'status'; result: Validated<StatusChange> };

export function validatePayload(
  stream: Stream,
  payload: Buffer | string,
  ctx: ValidateContext,
  device = '',
): ValidatedAny {
  switch (stream) {
    case 'telemetry':
      return { stream, result: validateTelemetry(payload, ctx) };
    case 'events':
      return { stream, result: validateEvents(payload, ctx) };
    case 'alarms':
      return { stream, result: validateAlarms(payload, ctx) };
    case 'status':
      return { stream, result: validateStatus(payload, device, ctx) };
  }
}
