// The room tables of a measured clause other than noise (machine room 5.2.2, archive 5.3, hall
// climate 11.1.2, CO2 1.3.2): per series and site-local day the min/mean/max and minutes with data,
// and per month the same with the clause's excursions that started in it, so an assessor can read
// the daily records the assessment asks for.
import type { DayStats } from '../series-stats.ts';
import type { EvidenceExcursion, RoomDay, RoomMonth } from '../types.ts';
import { monthOf, round } from './format.ts';
import type { SeriesInfo } from './inputs.ts';

export function roomTables(
  series: Map<string, SeriesInfo>,
  room: Map<string, DayStats[]>,
  excursions: EvidenceExcursion[],
  localDay: (ms: number) => string,
): { daily: RoomDay[]; monthly: RoomMonth[] } {
  const daily: RoomDay[] = [];
  const monthly: RoomMonth[] = [];
  // This clause's excursions per sensor|metric|month (metric '' = a rule without one, counted for every metric).
  const xsMonth = new Map<string, number>();
  for (const x of excursions) {
    const k = `${x.sensor}|${x.metric ?? ''}|${monthOf(localDay(Date.parse(x.start)))}`;
    xsMonth.set(k, (xsMonth.get(k) ?? 0) + 1);
  }
  for (const [key, s] of series) {
    const ds = room.get(key) ?? [];
    for (const d of ds)
      daily.push({
        day: d.day,
        sensor: s.sensor,
        metric: s.metric,
        min: round(d.min),
        mean: round(d.sum / d.count),
        max: round(d.max),
        minutes: d.minutes,
      });
    const byMonth = new Map<string, DayStats>();
    for (const d of ds) {
      const m = byMonth.get(monthOf(d.day));
      if (!m) byMonth.set(monthOf(d.day), { ...d, day: monthOf(d.day) });
      else
        Object.assign(m, {
          min: Math.min(m.min, d.min),
          max: Math.max(m.max, d.max),
          sum: m.sum + d.sum,
          count: m.count + d.count,
          minutes: m.minutes + d.minutes,
        });
    }
    for (const [mo, m] of byMonth)
      monthly.push({
        month: mo,
        sensor: s.sensor,
        metric: s.metric,
        min: round(m.min),
        mean: round(m.sum / m.count),
        max: round(m.max),
        minutes: m.minutes,
        excursions: (xsMonth.get(`${s.sensor}|${s.metric}|${mo}`) ?? 0) + (xsMonth.get(`${s.sensor}||${mo}`) ?? 0),
      });
  }
  return { daily, monthly };
}
