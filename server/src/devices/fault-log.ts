// The fault figures of one device for the Devices page (clause 1.2.1 / 2021 rules 三.3: at most one
// fault a month, repaired within 5 working days): status now, fault episodes this month, the open
// one, and how many working days the last repair took. Pure: the route reads the store and passes
// the history in, so the arithmetic is unit-tested without a server.
import { dayInZone, type DeviceStatus, type WorkingCalendar } from '@hallmon/firmware-config';

export interface StatusPoint {
  ts: number;
  status: DeviceStatus;
}

/** A stored device_fault event: the edge sends one per episode when it ends (start..end, count failures). */
export interface FaultEventPoint {
  ts: number;
  start?: number;
  end?: number;
  fault?: string;
  count?: number;
}

export interface FaultLogInput {
  now: number;
  timezone: string;
  calendar: WorkingCalendar;
  /** Status changes, ascending; the newest one before the window first when the window has none. */
  statuses: readonly StatusPoint[];
  /** device_fault events of the device (any order). */
  faults: readonly FaultEventPoint[];
  /** Newest reading, event or "online" status of the device (epoch ms), null if never heard of. */
  lastSeen: number | null;
  /**
   * Polled sensors: offline once nothing arrived for this long (the zone's gap threshold). Absent
   * for counter devices, whose own status messages say whether they are online.
   */
  silenceMs?: number;
}

export interface FaultLog {
  status: DeviceStatus | 'unknown';
  lastSeen: number | null;
  /** device_fault failures this month (site time zone) by fault kind. */
  errors: Record<string, number>;
  /** Fault episodes that began this month (site time zone). */
  faultsThisMonth: number;
  openFaultSince: number | null;
  /** Working days the most recently ended fault took, from its start day to the day it ended. */
  lastRepairWorkingDays: number | null;
}

/** Fault kinds a polled sensor reports (edge drivers), listed with 0 so the table has fixed columns. */
export const SENSOR_FAULT_KINDS = ['timeout', 'crc-error', 'exception', 'disconnected', 'parse-error'] as const;

/** A counter device that never sent a status but sent events this recently counts as online. */
const COUNTER_SEEN_MS = 10 * 60_000;

interface Episode {
  start: number;
  /** Infinity while open. */
  end: number;
}

export function faultLog(input: FaultLogInput): FaultLog {
  const { now, timezone, calendar, statuses, faults, lastSeen, silenceMs } = input;
  const month = dayInZone(now, timezone).slice(0, 7);
  const inMonth = (ts: number) => dayInZone(ts, timezone).slice(0, 7) === month;

  const episodes: Episode[] = [];
  let open: number | null = null;
  for (const s of statuses) {
    if (s.status === 'offline' && open === null) open = s.ts;
    else if (s.status === 'online' && open !== null) {
      episodes.push({ start: open, end: s.ts });
      open = null;
    }
  }
  const last = statuses.at(-1);
  const silent = silenceMs !== undefined && lastSeen !== null && now - lastSeen > silenceMs;
  let status: FaultLog['status'];
  if (last?.status === 'offline' || silent) status = 'offline';
  else if (last?.status === 'online') status = 'online';
  else if (lastSeen !== null && now - lastSeen <= (silenceMs ?? COUNTER_SEEN_MS)) status = 'online';
  else status = 'unknown';
  if (open !== null) episodes.push({ start: open, end: Infinity });
  else if (silent) episodes.push({ start: lastSeen!, end: Infinity });

  const errors: Record<string, number> = {};
  if (silenceMs !== undefined) for (const k of SENSOR_FAULT_KINDS) errors[k] = 0;
  for (const f of faults) {
    const start = f.start ?? f.ts;
    episodes.push({ start, end: f.end ?? start });
    if (inMonth(f.ts)) {
      const kind = f.fault ?? 'fault';
      errors[kind] = (errors[kind] ?? 0) + (f.count ?? 1);
    }
  }

  const merged = mergeEpisodes(episodes);
  const openEp = merged.find((e) => e.end === Infinity);
  const closed = merged.filter((e) => e.end !== Infinity).sort((a, b) => b.end - a.end)[0];
  return {
    status,
    lastSeen,
    errors,
    faultsThisMonth: merged.filter((e) => inMonth(e.start)).length,
    openFaultSince: openEp ? openEp.start : null,
    lastRepairWorkingDays: closed
      ? calendar.workingDaysBetween(dayInZone(closed.start, timezone), dayInZone(closed.end, timezone))
      : null,
  };
}

/** An offline status and the device_fault episode behind it are one fault, not two: overlaps merge. */
function mergeEpisodes(list: Episode[]): Episode[] {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const out: Episode[] = [];
  for (const e of sorted) {
    const prev = out.at(-1);
    if (prev && e.start <= prev.end) prev.end = Math.max(prev.end, e.end);
    else out.push({ ...e });
  }
  return out;
}
