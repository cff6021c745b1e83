// Alarms still raised when the replay passed the period end. The assessor reads them as what they
// are at that instant: an excursion still going (cut at the period end, `ongoing`), a gap still
// open (clauses 5.2.2 / 5.3 "持续监控并记录"), or a counter device still offline (1.2.1, with its
// repair deadline in working days), as its rule's kind says. Rate and follow-up alarms are judged
// from their own tables.
import { parseTimestamp, toIso, type ClauseCatalogue, type WorkingCalendar } from '@hallmon/firmware-config';
import type { GapRecord, Schedule } from '@hallmon/rules';
import type { OpenAlarms } from '../rollup-replay.ts';
import type { DeviceFault, EvidenceExcursion } from '../types.ts';
import { monthOf } from './format.ts';
import type { CatalogueKinds } from './kinds.ts';

export interface OpenAtEnd {
  excursions: EvidenceExcursion[];
  gaps: GapRecord[];
  faults: DeviceFault[];
}

export function openAtPeriodEnd(
  open: OpenAlarms,
  catalogue: ClauseCatalogue,
  kinds: CatalogueKinds,
  schedule: Schedule,
  calendar: WorkingCalendar,
  to: number,
): OpenAtEnd {
  const out: OpenAtEnd = { excursions: [], gaps: [], faults: [] };
  for (const t of open.open.values()) {
    const a = t.alarm;
    const start = parseTimestamp(a.startedAt) ?? to;
    const spec = kinds.ofRule(a.rule);
    const means = spec?.evidence.openAtEnd ?? 'excursion';
    if (start >= to || means === 'none') continue;
    if (means === 'gap')
      out.gaps.push({
        rule: a.rule,
        clause: a.clause,
        sensor: a.sensor,
        start,
        end: to,
        durationS: (to - start) / 1000,
      });
    else if (means === 'fault') {
      const startDay = schedule.day(start);
      out.faults.push({
        device: a.sensor,
        start: toIso(start),
        end: null,
        month: monthOf(startDay),
        faultInMonth: 0,
        exceedsMonthlyLimit: /limit/.test(a.message ?? ''),
        repairWorkingDays: null,
        repairDeadline: calendar.addWorkingDays(startDay, 5),
        repairOverdue: schedule.day(to - 1) > calendar.addWorkingDays(startDay, 5),
        source: 'status',
      });
    } else {
      // A detector with one kind of finding (a window still idle) names it on the row, as its records do.
      const findings = Object.keys(spec?.evidence.findings ?? {});
      out.excursions.push({
        sensor: a.sensor,
        metric: null,
        rule: a.rule,
        severity: a.severity,
        start: toIso(start),
        end: toIso(to),
        durationS: (to - start) / 1000,
        peak: a.peak ?? NaN,
        limit: a.limit ?? null,
        endReason: 'period-end',
        ongoing: true,
        ...(findings.length === 1 ? { finding: findings[0]! } : {}),
      });
    }
  }
  const ruleMetric = new Map(catalogue.clauses.flatMap((c) => c.rules.map((r) => [r.id, r.metric ?? null] as const)));
  for (const x of out.excursions) x.metric = ruleMetric.get(x.rule) ?? null;
  return out;
}
