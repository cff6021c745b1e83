// The evaluation-rate table of clause 6.1.1 (Qingpu 2021 rules 三.4 "评价率低于70%，扣1分"): per
// site-local month the ratings, served tickets and their rate, whether it is below the rule's limit
// (its kind says which), and on how many days the hall as a whole was below it (the engine's daily
// excursions of the rule for a zone rather than for one counter window); and the period's rate per
// window and for the hall.
import type { RuleDef, SiteConfig } from '@hallmon/firmware-config';
import { ruleKind, type Excursion, type Schedule } from '@hallmon/rules';
import type { StoredEvent } from '../../store/store.ts';
import type { RateMonth, WindowRate } from '../types.ts';
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

/**
 * The period's evaluation rate per counter window and for the whole hall (the hall row counts
 * ratings and served tickets with no known window too), with the days the engine found each below
 * the limit. A rating's window is its own, else its evaluator's in the site config.
 */
export function windowRates(
  events: StoredEvent[],
  excursions: Excursion[],
  rule: RuleDef,
  site: SiteConfig,
): WindowRate[] {
  const min = ruleKind(rule.kind).evidence.monthlyLimit?.(rule);
  const zones = site.zones.filter((z) => rule.zoneKinds.includes(z.kind));
  const windowOf = new Map(
    zones.flatMap((z) => z.devices.flatMap((d) => (d.window ? [[d.id, d.window] as const] : []))),
  );
  const counts = new Map<string, { ratings: number; served: number }>();
  const hall = { ratings: 0, served: 0 };
  for (const e of events) {
    if (e.type !== 'rating' && e.type !== 'ticket_served') continue;
    const key = e.type === 'rating' ? 'ratings' : 'served';
    hall[key]++;
    const w = e.window ?? windowOf.get(e.device);
    if (w === undefined) continue;
    const c = counts.get(w) ?? { ratings: 0, served: 0 };
    c[key]++;
    counts.set(w, c);
  }
  const row = (window: string, isHall: boolean, c: { ratings: number; served: number }): WindowRate => {
    const rate = c.served > 0 ? round((100 * c.ratings) / c.served, 1) : null;
    return {
      window,
      hall: isHall,
      ratings: c.ratings,
      served: c.served,
      rate,
      belowLimit: rate !== null && min !== undefined && rate < min,
      daysBelowLimit: excursions.filter((x) => x.rule === rule.id && x.sensor === window).length,
    };
  };
  return [
    ...[...counts].sort((a, b) => a[0].localeCompare(b[0])).map(([w, c]) => row(w, false, c)),
    ...zones.slice(0, 1).map((z) => row(z.id, true, hall)),
  ];
}
