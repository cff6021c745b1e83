// device-offline: a counter device (evaluator, queue machine) offline for longer than thresholdS of
// opening time is a fault (2025 standard 1.2.1 "设备应能正常使用"). The 2021 Qingpu rules 三.3 allow
// at most params.maxFaultsPerMonth faults per device per month, repaired within
// params.repairWorkingDays working days: each fault is logged with both facts.
import { clear, raise } from '../alarm.ts';
import type { Bound, Out, StatusChange } from '../types.ts';
import { BaseRule } from './base.ts';
import type { RuleKindSpec } from './spec.ts';

interface State {
  offlineSince: number | null;
  confirmAt: number | null;
  raised: boolean;
  faultInMonth: number;
  /** Faults per site-local month, YYYY-MM. */
  perMonth: Record<string, number>;
}

export class DeviceOfflineRule extends BaseRule<State> {
  constructor(b: Bound) {
    super(b, { offlineSince: null, confirmAt: null, raised: false, faultInMonth: 0, perMonth: {} });
  }

  private get thresholdMs(): number {
    return (this.bound.rule.thresholdS ?? 600) * 1000;
  }

  time(t: number, out: Out): void {
    const s = this.s;
    if (s.offlineSince === null || s.raised || s.confirmAt === null || !(t > s.confirmAt)) return;
    const b = this.bound;
    const month = b.schedule.day(s.offlineSince).slice(0, 7);
    s.perMonth[month] = (s.perMonth[month] ?? 0) + 1;
    s.faultInMonth = s.perMonth[month];
    s.raised = true;
    const maxPerMonth = b.rule.params?.maxFaultsPerMonth ?? 1;
    const note = s.faultInMonth > maxPerMonth ? `; fault ${s.faultInMonth} this month (limit ${maxPerMonth})` : '';
    raise(out, b, s.confirmAt, {
      startMs: s.offlineSince,
      limit: this.thresholdMs / 1000,
      message: `${b.rule.title}${note}`,
    });
  }

  status(c: StatusChange, out: Out): void {
    const s = this.s;
    const b = this.bound;
    if (c.status === 'offline') {
      if (s.offlineSince !== null) return;
      s.offlineSince = c.ts;
      s.confirmAt = b.rule.openingHoursOnly
        ? b.schedule.afterOpenTime(c.ts, this.thresholdMs)
        : c.ts + this.thresholdMs;
      if (!Number.isFinite(s.confirmAt)) s.confirmAt = null;
      return;
    }
    if (s.offlineSince === null) return;
    if (s.raised) this.repaired(s.offlineSince, c.ts, out);
    Object.assign(s, { offlineSince: null, confirmAt: null, raised: false });
  }

  private repaired(start: number, end: number, out: Out): void {
    const b = this.bound;
    const cal = b.calendar;
    const startDay = b.schedule.day(start);
    const endDay = b.schedule.day(end);
    const allowed = b.rule.params?.repairWorkingDays ?? 5;
    const repairDeadline = cal.addWorkingDays(startDay, allowed);
    const repairWorkingDays = cal.workingDaysBetween(startDay, endDay);
    const maxPerMonth = b.rule.params?.maxFaultsPerMonth ?? 1;
    clear(out, b, end, end, {
      startMs: start,
      peak: repairWorkingDays,
      limit: this.thresholdMs / 1000,
      message: b.rule.title,
    });
    out.fault({
      rule: b.rule.id,
      clause: b.clause,
      device: b.sensor,
      start,
      end,
      month: startDay.slice(0, 7),
      faultInMonth: this.s.faultInMonth,
      exceedsMonthlyLimit: this.s.faultInMonth > maxPerMonth,
      repairWorkingDays,
      repairDeadline,
      repairOverdue: endDay > repairDeadline,
    });
  }
}

export const deviceOfflineKind: RuleKindSpec<'device-offline'> = {
  kind: 'device-offline',
  scope: 'device',
  watches: (_rule, profile) => profile?.deviceClass === 'evaluator' || profile?.deviceClass === 'queue',
  create: (b) => new DeviceOfflineRule(b),
  reads: () => [],
  liveBy: 'engine',
  evidence: { basis: 'faults', openAtEnd: 'fault' },
};
