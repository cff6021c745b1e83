// The one mapping between what the server stores (epoch ms, optional fields absent) and the JSON of
// the contract (UTC ISO 8601, null for "not known"): the HTTP API, socket.io, webhook bodies, the
// evidence pack's alarm lists and audit trail, and the follow-up answers all use these, so an alarm or a reading
// has one JSON shape everywhere. Output types are the contract schemas' (contract/src).
import { parseTimestamp, toIso, type AlarmRecord } from '@hallmon/firmware-config';
import {
  ALARM_ACK_KEYS,
  FOLLOWUP_STAGES,
  type Alarm,
  type AlarmAck,
  type AuditEntry,
  type Delivery,
  type DeviceEvent,
  type Followup,
  type Reading,
  type StatusChange,
  type Visit,
} from '@hallmon/contract';
import type { StoredAlarm, StoredEvent, StoredReading, StatusChange as StoredStatus } from '../store/store.ts';
import type { DeliveryRow } from '../notify/delivery-log.ts';
import type { FollowupRow } from '../followups/db.ts';
import type { AuditRecord } from '../audit/audit-log.ts';
import type { VisitRow } from '../visits/db.ts';

const isoOrNull = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : toIso(ms);

export function alarmJson(a: StoredAlarm): Alarm {
  return {
    id: a.id,
    site: a.site,
    clause: a.clause,
    rule: a.rule,
    sensor: a.sensor,
    severity: a.severity,
    state: a.state,
    startedAt: toIso(a.startedAt),
    clearedAt: isoOrNull(a.clearedAt),
    peak: a.peak ?? null,
    limit: a.limit ?? null,
    message: a.message ?? null,
    ackedBy: a.ackedBy ?? null,
    ackedAt: isoOrNull(a.ackedAt),
    ackNote: a.ackNote ?? null,
    ts: toIso(a.ts),
  };
}

/** The evidence pack's acknowledgement row: the alarm's JSON cut to ALARM_ACK_KEYS, in that order. */
export function alarmAckJson(a: StoredAlarm): AlarmAck {
  const full = alarmJson(a);
  return Object.fromEntries(ALARM_ACK_KEYS.map((k) => [k, full[k]])) as AlarmAck;
}

/**
 * An alarm record of the rule engine (ISO times, as an edge sends it) as the store keeps it, or
 * null when one of its times is not a contract timestamp.
 */
export function alarmFromRecord(a: AlarmRecord): StoredAlarm | null {
  const { ts, startedAt, clearedAt, ...rest } = a;
  const t = parseTimestamp(ts);
  const start = parseTimestamp(startedAt);
  const end = clearedAt === undefined ? undefined : parseTimestamp(clearedAt);
  if (t === null || start === null || end === null) return null;
  const out: StoredAlarm = { ...rest, ts: t, startedAt: start };
  if (end !== undefined) out.clearedAt = end;
  return out;
}

export function readingJson(r: StoredReading): Reading {
  const m: Reading = {
    site: r.site,
    sensor: r.sensor,
    metric: r.metric,
    ts: toIso(r.ts),
    value: r.value,
    quality: r.quality,
  };
  if (r.dur !== undefined) m.dur = r.dur;
  return m;
}

export function eventJson(e: StoredEvent): DeviceEvent {
  return {
    ...e,
    ts: toIso(e.ts),
    ...(e.start !== undefined ? { start: toIso(e.start) } : {}),
    ...(e.end !== undefined ? { end: toIso(e.end) } : {}),
  } as DeviceEvent;
}

export function statusJson(s: StoredStatus): StatusChange {
  return { site: s.site, device: s.device, status: s.status, ts: toIso(s.ts) };
}

/** Due instants are the last millisecond of the due working day (the row keeps the next day's start). */
export function followupJson(f: FollowupRow): Followup {
  return {
    id: f.id,
    site: f.site,
    device: f.device,
    window: f.window,
    ticket: f.ticket,
    score: f.score,
    ratedAt: toIso(f.ratedAt),
    responseDue: toIso(f.responseDue - 1),
    simpleDue: toIso(f.simpleDue - 1),
    complexDue: toIso(f.complexDue - 1),
    respondedAt: isoOrNull(f.respondedAt),
    respondedBy: f.respondedBy,
    resolvedAt: isoOrNull(f.resolvedAt),
    resolvedBy: f.resolvedBy,
    complex: f.complex,
    complexAt: isoOrNull(f.complexAt),
    complexBy: f.complexBy,
    note: f.note,
    state: f.resolvedAt !== null ? 'resolved' : f.respondedAt !== null ? 'responded' : 'open',
    overdue: FOLLOWUP_STAGES.filter((s) => f.alarms[s].raisedAt !== null && f.alarms[s].clearedAt === null),
    callbacks: f.callbacks.map((c) => ({
      at: toIso(c.at),
      by: c.by,
      outcome: c.outcome,
      satisfied: c.satisfied,
      note: c.note,
    })),
    satisfied: lastSatisfied(f.callbacks),
  };
}

export function visitJson(v: VisitRow): Visit {
  return {
    id: v.id,
    site: v.site,
    zone: v.zone,
    visitor: v.visitor,
    organisation: v.organisation,
    reason: v.reason,
    escort: v.escort,
    inAt: toIso(v.inAt),
    outAt: isoOrNull(v.outAt),
    state: v.outAt === null ? 'inside' : 'left',
    createdAt: toIso(v.createdAt),
    createdBy: v.createdBy,
    closedBy: v.closedBy,
  };
}

/** Whether the last callback that reached the resident left them satisfied (null: none reached them). */
export function lastSatisfied(
  callbacks: ReadonlyArray<{ outcome: string; satisfied: boolean | null }>,
): boolean | null {
  for (let i = callbacks.length - 1; i >= 0; i--) {
    const c = callbacks[i]!;
    if (c.outcome === 'reached' && c.satisfied !== null) return c.satisfied;
  }
  return null;
}

export function deliveryJson(r: DeliveryRow): Delivery {
  return {
    alarmId: r.alarmId,
    site: r.site,
    route: r.routeId,
    url: r.url,
    event: r.event,
    reminder: r.reminder,
    level: r.level,
    status: r.status,
    createdAt: toIso(r.createdAt),
    deliveredAt: isoOrNull(r.deliveredAt),
    lastError: r.lastError,
    attempts: r.attempts.map((a) => ({ ...a, at: toIso(a.at) })),
  };
}

export function auditJson(r: AuditRecord): AuditEntry {
  return {
    id: r.id,
    ts: toIso(r.ts),
    actor: r.actor,
    action: r.action,
    site: r.site,
    target: r.target,
    ip: r.ip,
    ok: r.ok,
    detail: r.detail,
  };
}
