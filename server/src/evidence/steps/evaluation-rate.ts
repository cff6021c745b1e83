// The evaluation-rate table of clause 6.1.1 (Qingpu 2021 rules 三.4 "评价率低于70%，扣1分"): per
// site-local month the ratings, served tickets and their rate, whether it is below the limit, and on
// how many days the hall as a whole was below it (the engine's daily evaluation-rate excursions).
import type { ClauseCatalogue } from '@hallmon/firmware-config';
import type { Excursion, Schedule } from '@hallmon/rules';
import type { StoredEvent } from '../../store/store.ts';
import type { RateMonth } from '../types.ts';
import { round } from './format.ts';

/** The catalogue's evaluation-rate limit, %. */
export function rateLimit(catalogue: ClauseCatalogue): number {
  return catalogue.clauses.flatMap((c) => c.rules).find((r) => r.kind === 'evaluation-rate')?.limits?.min ?? 70;
}

/** `events` from the period start on; `hallZones`: the zones whose whole-hall rate counts. */
export function evaluationMonths(events: StoredEvent[], schedule: Schedule, excursions: Excursion[], hallZones: string[], min: number): RateMonth[] {
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
        belowLimit: rate !== null && rate < min,
        daysBelowLimit: excursions.filter((x) => x.rule === 'evaluation-rate' && hallZones.includes(x.sensor) && schedule.day(x.start).startsWith(month)).length,
      };
    });
}
