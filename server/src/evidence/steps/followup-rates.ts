// The follow-up rates' clauses (the 2025 standard 6.1.3 按时回复率, 6.1.4 整改完成率, 6.1.5 回访满意
// 率; DB31/T 862-2021 10.1.4 实名差评回复率): each rule's measure over the period's bad ratings and
// per month of the ratings, against its target, and the ratings that miss it listed as the clause's
// records (from their deadline, or the callback, to what was recorded or the judged instant).
// The rates themselves are followups/rates.ts, shared with the server's own views.
import { toIso, type RuleDef } from '@hallmon/firmware-config';
import type { Schedule } from '@hallmon/rules';
import { followupRate, judgeItem, type RateFigure, type RateItem } from '../../followups/rates.ts';
import type { EvidenceExcursion, Followup, FollowupRateMonth } from '../types.ts';

export interface RateClause {
  period: RateFigure;
  target: number;
  monthly: FollowupRateMonth[];
  excursions: EvidenceExcursion[];
}

export function followupRateClause(
  rule: RuleDef,
  followups: Followup[],
  items: RateItem[],
  schedule: Schedule,
  judgedUntil: number,
): RateClause {
  const measure = rule.measure ?? 'on-time-reply';
  const target = rule.limits?.min ?? 100;
  const row = (month: string, f: RateFigure, ratings: number): FollowupRateMonth => ({
    month,
    measure,
    ratings,
    numerator: f.numerator,
    denominator: f.denominator,
    rate: f.rate,
    belowTarget: f.rate !== null && f.rate < target,
  });
  const byMonth = new Map<string, RateItem[]>();
  for (const it of items) {
    const m = schedule.day(it.ratedAt).slice(0, 7);
    byMonth.set(m, [...(byMonth.get(m) ?? []), it]);
  }
  const period = followupRate(measure, items, judgedUntil);
  const monthly = [...byMonth]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([m, xs]) => row(m, followupRate(measure, xs, judgedUntil), xs.length));
  monthly.push(row('period', period, items.length));
  const excursions: EvidenceExcursion[] = [];
  items.forEach((it, i) => {
    const j = judgeItem(measure, it, judgedUntil);
    if (!j.in || j.ok) return;
    const f = followups[i]!;
    const callback = measure === 'callback-satisfaction';
    const start = callback ? j.doneAt! : measure === 'rectification' ? it.fixDue : it.answerDue;
    const end = callback ? start : (j.doneAt ?? judgedUntil);
    excursions.push({
      sensor: f.device,
      metric: null,
      rule: rule.id,
      severity: rule.severity,
      start: toIso(Math.min(start, end)),
      end: toIso(end),
      durationS: Math.max(0, end - start) / 1000,
      peak: f.score,
      limit: target,
      endReason: callback ? 'dissatisfied' : j.doneAt !== null ? 'late' : 'no-record',
      ongoing: !callback && j.doneAt === null,
    });
  });
  return { period, target, monthly, excursions };
}
