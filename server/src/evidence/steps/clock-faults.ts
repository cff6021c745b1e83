// The continuity section's clock faults: every span in the period in which an edge's clock was off
// from the server's by more than 5 s (the clock-skew alarms of ops/clock-monitor.ts, warning from
// 5 s, critical from 5 minutes). Readings the edge stamped then carry its wrong time, so the pack
// says when and by how much, next to the data gaps.
import { toIso } from '@hallmon/firmware-config';
import type { StoredAlarm } from '../../store/store.ts';
import type { ClockFault } from '@hallmon/contract';

export const CLOCK_RULE = 'clock-skew';

export function clockFaults(alarms: StoredAlarm[], from: number, to: number): ClockFault[] {
  return alarms
    .filter((a) => a.rule === CLOCK_RULE && a.startedAt < to && (a.clearedAt === undefined || a.clearedAt > from))
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((a) => ({
      edge: a.sensor,
      severity: a.severity,
      start: toIso(a.startedAt),
      end: a.clearedAt === undefined || a.clearedAt > to ? null : toIso(a.clearedAt),
      worstOffsetS: a.peak ?? null,
      detail: a.message ?? null,
    }));
}
