// Alarm lists: what needs attention comes first (active before cleared, critical before warning,
// unacknowledged before acknowledged, newest first), live records merge into the fetched list by
// their stable id (raise and clear share it), and the page filters by site, clause and severity.
import type { Alarm } from '@hallmon/contract';
import type { Severity } from '@hallmon/firmware-config/core';

export function isActive(a: Alarm): boolean {
  return a.state === 'raised' && !a.clearedAt;
}

const sevRank: Record<Severity, number> = { critical: 0, warning: 1 };

export function compareAlarms(a: Alarm, b: Alarm): number {
  return (
    Number(!isActive(a)) - Number(!isActive(b)) ||
    sevRank[a.severity] - sevRank[b.severity] ||
    Number(a.ackedAt !== null) - Number(b.ackedAt !== null) ||
    Date.parse(b.startedAt) - Date.parse(a.startedAt) ||
    a.id.localeCompare(b.id)
  );
}

export function sortAlarms(list: readonly Alarm[]): Alarm[] {
  return [...list].sort(compareAlarms);
}

/**
 * Upserts a live alarm record. A clear record completes the raise but does not lose an
 * acknowledgement already made (the live message may predate the ack).
 */
export function mergeAlarm(list: readonly Alarm[], incoming: Alarm): Alarm[] {
  const i = list.findIndex((a) => a.id === incoming.id);
  if (i < 0) return [incoming, ...list];
  const old = list[i]!;
  const merged: Alarm = {
    ...old,
    ...incoming,
    ackedBy: incoming.ackedBy ?? old.ackedBy,
    ackedAt: incoming.ackedAt ?? old.ackedAt,
    ackNote: incoming.ackNote ?? old.ackNote ?? null,
  };
  const out = [...list];
  out[i] = merged;
  return out;
}

export interface AlarmFilter {
  site?: string;
  clause?: string;
  severity?: Severity;
  activeOnly?: boolean;
}

export function filterAlarms(list: readonly Alarm[], f: AlarmFilter): Alarm[] {
  return list.filter(
    (a) =>
      (!f.site || a.site === f.site) &&
      (!f.clause || a.clause === f.clause) &&
      (!f.severity || a.severity === f.severity) &&
      (!f.activeOnly || isActive(a)),
  );
}

export function activeBySeverity(list: readonly Alarm[], site?: string): Record<Severity, number> {
  const out: Record<Severity, number> = { critical: 0, warning: 0 };
  for (const a of list) if (isActive(a) && (!site || a.site === site)) out[a.severity]++;
  return out;
}

/** True when this record is a newly raised critical alarm we have not seen raised before. */
export function isNewCritical(known: ReadonlySet<string>, a: Alarm): boolean {
  return a.severity === 'critical' && isActive(a) && !known.has(a.id);
}
