// Counter-device faults for clause 1.2.1 (2025 standard "设备应能正常使用") and the 2021 Qingpu
// rules 三.3 (at most one fault per device a month, repaired within 5 working days): the engine's
// offline faults of the period, those still open at its end, and the edge's device_fault events
// (timeouts, CRC errors), in time order; per month and device the count and repair figures; and the
// share of the hall's counter devices that were heard from at all (the clause's coverage).
import { deviceProfile, toIso, type DeviceProfile, type RuleDef, type SiteConfig } from '@hallmon/firmware-config';
import { ruleKind, type FaultRecord, type Schedule } from '@hallmon/rules';
import type { StatusChange, StoredEvent } from '../../store/store.ts';
import type { DeviceFault, FaultMonth } from '../types.ts';
import { monthOf, round } from './format.ts';

export function deviceFaults(
  faults: FaultRecord[],
  ongoing: DeviceFault[],
  events: StoredEvent[],
  schedule: Schedule,
  from: number,
  to: number,
): DeviceFault[] {
  return [
    ...faults
      .filter((f) => f.end > from && f.start < to)
      .map((f): DeviceFault => ({
        device: f.device,
        start: toIso(f.start),
        end: toIso(f.end),
        month: f.month,
        faultInMonth: f.faultInMonth,
        exceedsMonthlyLimit: f.exceedsMonthlyLimit,
        repairWorkingDays: f.repairWorkingDays,
        repairDeadline: f.repairDeadline,
        repairOverdue: f.repairOverdue,
        source: 'status',
      })),
    ...ongoing,
    ...events
      .filter((e) => e.type === 'device_fault' && e.ts >= from && e.ts < to)
      .map((e): DeviceFault => ({
        device: e.device,
        start: toIso(e.start ?? e.ts),
        end: e.end !== undefined ? toIso(e.end) : null,
        month: monthOf(schedule.day(e.ts)),
        faultInMonth: 0,
        exceedsMonthlyLimit: false,
        repairWorkingDays: null,
        repairDeadline: '',
        repairOverdue: false,
        source: 'device_fault',
        detail: [e.fault, e.count !== undefined ? `${e.count}×` : '', e.detail].filter(Boolean).join(' '),
      })),
  ].sort((a, b) => a.start.localeCompare(b.start));
}

/** Offline faults per month and device: how many, whether over the monthly limit, the longest repair. */
export function faultMonths(faults: DeviceFault[]): FaultMonth[] {
  const m = new Map<string, FaultMonth>();
  for (const f of faults) {
    const k = `${f.month}|${f.device}`;
    const r = m.get(k) ?? {
      month: f.month,
      device: f.device,
      faults: 0,
      exceedsMonthlyLimit: false,
      maxRepairWorkingDays: 0,
      repairOverdue: 0,
    };
    r.faults++;
    r.exceedsMonthlyLimit ||= f.exceedsMonthlyLimit;
    r.maxRepairWorkingDays = Math.max(r.maxRepairWorkingDays, f.repairWorkingDays ?? 0);
    if (f.repairOverdue) r.repairOverdue++;
    m.set(k, r);
  }
  return [...m.values()].sort((a, b) => a.month.localeCompare(b.month) || a.device.localeCompare(b.device));
}

/**
 * The share of the devices the fault rules watch (the hall's evaluators and queue machines) heard
 * from in the period: a status change of the device, or any counter event of the site at all; null
 * when the site has none.
 */
export function counterDeviceCoverage(
  site: SiteConfig,
  profiles: Map<string, DeviceProfile>,
  rules: RuleDef[],
  statuses: StatusChange[],
  counterDays: Set<string>,
  to: number,
): number | null {
  const watched = (z: SiteConfig['zones'][number], profile: DeviceProfile | undefined) =>
    rules.some((r) => {
      const spec = ruleKind(r.kind);
      return r.zoneKinds.includes(z.kind) && spec.scope === 'device' && spec.watches(r, profile);
    });
  const devs = site.zones.flatMap((z) => z.devices.filter((d) => watched(z, deviceProfile(profiles, d))));
  const seen = new Set(statuses.filter((s) => s.ts < to).map((s) => s.device));
  return devs.length ? round(devs.filter((d) => seen.has(d.id) || counterDays.size > 0).length / devs.length, 4) : null;
}
