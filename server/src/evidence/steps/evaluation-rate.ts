// The evaluation-rate table of clause 6.1.1 (Qingpu 2021 rules 三.4 "评价率低于70%，扣1分"): per
// site-local month the ratings, served tickets and their rate, whether it is below the rule's limit
// (its kind says which), and on how many days the hall as a whole was below it (the engine's daily
// excursions of the rule for a zone rather than for one counter window).
import type { RuleDef, SiteConfig } from '@hallmon/firmware-config';
import { ruleKind, type Excursion, type Schedule } from '@hallmon/rules';
import type { StoredEvent } from '../../store/store.ts';
import type { RateMonth } from '../types.ts';
import { round } from './format.ts';

/** `events` from the period start on. */
export function evaluationMonths(
  events: StoredEvent[],
  schedule: Schedule,
  excursions: Excursion[],
  rule: RuleDef,
  site: SiteConfig,
): RateMonth[] {
  const min = ruleKind(rule.kind).evidence.monthlyLimit?.(rule);
  const zones = site.zones.filter((z) => rule.zoneKinds.includes(z.kind)).map((z) => z.id);
  const m = new Map<string, { ratings: number; served: number }>();
  for (const e of events) {
    if (e.type !== 'rating' && e.type !== 'ticket_served') continue;
    const mo = schedule.day(e.ts).slice(0, 7);
    const r = m.get(mo) ?? { ratings: 0, served: 0 };
    if (e.type === 'rating') r.ratings++;
    else r.served++;
    m.set(mo, r);
  }
  return [...m]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([month, r]) => {
      const rate = r.served > 0 ? round((100 * r.ratings) / r.served, 1) : null;
      return {
        month,
        ratings: r.ratings,
        served: r.served,
        rate,
        belowLimit: rate !== null && min !== undefined && rate < min,
        daysBelowLimit: excursions.filter(
          (x) => x.rule === rule.id && zones.includes(x.sensor) && schedule.day(x.start).startsWith(month),
        ).length,
      };
    });
}
