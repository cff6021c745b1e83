// How hallmon's records map onto InfluxDB 1.x points and back: line-protocol encoders for readings,
// events and alarms, decoders for query rows, and the alarm merge (InfluxDB only knows "last field
// value wins", so the upsert rules SQLite does in SQL are done here before a write). Tags are escaped
// by the influx package (escape.tag); string fields here: its escaper turns a backslash before an
// apostrophe into two (a detail or ack note `it\'s` would read back `it\\'s`; influx 5.12, tested in
// tests/server/store-influxdb.test.ts), so string fields are quoted per the line-protocol spec
// (escape `"` and `\`) by fieldString.
import { escape, type IPoint } from 'influx';
import type { StoredAlarm, StoredEvent, StoredReading } from '../store.ts';
import { isNoise } from '../rollup.ts';
import { DEFAULT_NOISE_DUR_S, noiseEnergy } from '@hallmon/rules';
import { msTime } from './client.ts';

/** Line protocol: tag keys, tag values and field keys escape commas, equals signs and spaces. */
export const escTag: (s: string) => string = escape.tag;

/** Line protocol: string field values are double-quoted; `"` and `\` are escaped. */
export function fieldString(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

export function fieldFloat(n: number): string {
  return String(n);
}

export function fieldInt(n: number): string {
  return `${Math.trunc(n)}i`;
}

/** `reading` point: value, quality, dur as given; noise also gets energy and edur (effective dur). */
export function readingLine(r: StoredReading): string {
  let fields = `value=${fieldFloat(r.value)},quality=${fieldString(r.quality)}`;
  if (r.dur !== undefined) fields += `,dur=${fieldFloat(r.dur)}`;
  if (isNoise(r.metric)) {
    const d = r.dur ?? DEFAULT_NOISE_DUR_S;
    fields += `,energy=${fieldFloat(noiseEnergy(r.value, d))},edur=${fieldFloat(d)}`;
  }
  return `reading,metric=${escTag(r.metric)},sensor=${escTag(r.sensor)},site=${escTag(r.site)} ${fields} ${Math.trunc(r.ts)}`;
}

/** The same `reading` point for the influx package's writePoints (the store's `readingWrites: 'influx'`). */
export function readingPoint(r: StoredReading): IPoint {
  const fields: Record<string, number | string> = { value: r.value, quality: r.quality };
  if (r.dur !== undefined) fields.dur = r.dur;
  if (isNoise(r.metric)) {
    const d = r.dur ?? DEFAULT_NOISE_DUR_S;
    fields.energy = noiseEnergy(r.value, d);
    fields.edur = d;
  }
  return {
    measurement: 'reading',
    tags: { metric: r.metric, sensor: r.sensor, site: r.site },
    fields,
    timestamp: msTime(r.ts),
  };
}

export function eventLine(e: StoredEvent): string {
  // `seen` guarantees at least one field for events that carry nothing but their type.
  const f = ['seen=1i'];
  if (e.score !== undefined) f.push(`score=${fieldInt(e.score)}`);
  if (e.window !== undefined) f.push(`window=${fieldString(e.window)}`);
  if (e.ticket !== undefined) f.push(`ticket=${fieldString(e.ticket)}`);
  if (e.fault !== undefined) f.push(`fault=${fieldString(e.fault)}`);
  if (e.count !== undefined) f.push(`count=${fieldInt(e.count)}`);
  if (e.start !== undefined) f.push(`start=${fieldInt(e.start)}`);
  if (e.end !== undefined) f.push(`end=${fieldInt(e.end)}`);
  if (e.detail !== undefined) f.push(`detail=${fieldString(e.detail)}`);
  return `event,device=${escTag(e.device)},site=${escTag(e.site)},type=${escTag(e.type)} ${f.join(',')} ${Math.trunc(e.ts)}`;
}

export function eventFromRow(row: Record<string, unknown>): StoredEvent {
  const e = { site: String(row.site), device: String(row.device), type: row.type, ts: row.time } as StoredEvent;
  if (typeof row.score === 'number') e.score = row.score;
  if (typeof row.window === 'string') e.window = row.window;
  if (typeof row.ticket === 'string') e.ticket = row.ticket;
  if (typeof row.fault === 'string') e.fault = row.fault;
  if (typeof row.count === 'number') e.count = row.count;
  if (typeof row.start === 'number') e.start = row.start;
  if (typeof row.end === 'number') e.end = row.end;
  if (typeof row.detail === 'string') e.detail = row.detail;
  return e;
}

export function normaliseNew(a: StoredAlarm): StoredAlarm {
  const out = { ...a };
  // A clear record without clearedAt is cleared at its own time.
  if (out.state === 'cleared' && out.clearedAt === undefined) out.clearedAt = out.ts;
  return out;
}

/** Same rules as the SQLite upsert: cleared never reopens, newer record wins descriptive fields, acks kept. */
export function mergeAlarm(prev: StoredAlarm, next: StoredAlarm): StoredAlarm {
  const n = normaliseNew(next);
  const newer = n.ts >= prev.ts;
  const pick = <T>(a: T | undefined, b: T | undefined): T | undefined => (newer ? (b ?? a) : (a ?? b));
  const out: StoredAlarm = {
    id: prev.id,
    site: newer ? n.site : prev.site,
    clause: newer ? n.clause : prev.clause,
    rule: newer ? n.rule : prev.rule,
    sensor: newer ? n.sensor : prev.sensor,
    severity: newer ? n.severity : prev.severity,
    state: prev.state === 'cleared' || n.state === 'cleared' ? 'cleared' : 'raised',
    ts: Math.max(prev.ts, n.ts),
    startedAt: Math.min(prev.startedAt, n.startedAt),
  };
  const clearedAt = prev.clearedAt ?? n.clearedAt;
  if (clearedAt !== undefined) out.clearedAt = clearedAt;
  const peak = pick(prev.peak, n.peak);
  if (peak !== undefined) out.peak = peak;
  const limit = pick(prev.limit, n.limit);
  if (limit !== undefined) out.limit = limit;
  const message = pick(prev.message, n.message);
  if (message !== undefined) out.message = message;
  const ackedBy = n.ackedBy ?? prev.ackedBy;
  if (ackedBy !== undefined) out.ackedBy = ackedBy;
  const ackedAt = n.ackedAt ?? prev.ackedAt;
  if (ackedAt !== undefined) out.ackedAt = ackedAt;
  const ackNote = n.ackNote ?? prev.ackNote;
  if (ackNote !== undefined) out.ackNote = ackNote;
  return out;
}

export function alarmLine(time: number, a: StoredAlarm): string {
  const f = [
    `clause=${fieldString(a.clause)}`,
    `rule=${fieldString(a.rule)}`,
    `sensor=${fieldString(a.sensor)}`,
    `severity=${fieldString(a.severity)}`,
    `state=${fieldString(a.state)}`,
    `ts=${fieldInt(a.ts)}`,
    `started_at=${fieldInt(a.startedAt)}`,
  ];
  if (a.clearedAt !== undefined) f.push(`cleared_at=${fieldInt(a.clearedAt)}`);
  if (a.peak !== undefined) f.push(`peak=${fieldFloat(a.peak)}`);
  if (a.limit !== undefined) f.push(`limit=${fieldFloat(a.limit)}`);
  if (a.message !== undefined) f.push(`message=${fieldString(a.message)}`);
  if (a.ackedBy !== undefined) f.push(`acked_by=${fieldString(a.ackedBy)}`);
  if (a.ackedAt !== undefined) f.push(`acked_at=${fieldInt(a.ackedAt)}`);
  if (a.ackNote !== undefined) f.push(`ack_note=${fieldString(a.ackNote)}`);
  return `alarm,id=${escTag(a.id)},site=${escTag(a.site)} ${f.join(',')} ${Math.trunc(time)}`;
}

export function alarmFromRow(row: Record<string, unknown>): StoredAlarm {
  const a: StoredAlarm = {
    id: String(row.id),
    site: String(row.site),
    clause: String(row.clause),
    rule: String(row.rule),
    sensor: String(row.sensor),
    severity: row.severity === 'critical' ? 'critical' : 'warning',
    state: row.state === 'cleared' ? 'cleared' : 'raised',
    ts: Number(row.ts),
    startedAt: Number(row.started_at),
  };
  if (typeof row.cleared_at === 'number') a.clearedAt = row.cleared_at;
  if (typeof row.peak === 'number') a.peak = row.peak;
  if (typeof row.limit === 'number') a.limit = row.limit;
  if (typeof row.message === 'string') a.message = row.message;
  if (typeof row.acked_by === 'string') a.ackedBy = row.acked_by;
  if (typeof row.acked_at === 'number') a.ackedAt = row.acked_at;
  if (typeof row.ack_note === 'string') a.ackNote = row.ack_note;
  return a;
}
