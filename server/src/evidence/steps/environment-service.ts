// Environment × service (docs/evidence.md "Environment and service"): per opening hour of the
// period, the hall's LAeq (energy mean of its noise sensors' hourly rollups), CO2 and temperature
// (mean of its sensors' hourly means) beside the tickets issued, the mean wait of the tickets
// called in that hour (called − issued, matched by ticket number, first in first out without one)
// and the bad ratings; the same averaged per clock hour of the day; and Pearson's r of each
// environment figure against each service figure over the hours, with its 95 % interval. Nobody
// else relates the two (a hall manager asks: are the loud hours the slow ones?); the pack adds
// that a correlation is not a cause.
import { toIso, type Metric, type SiteConfig } from '@hallmon/firmware-config';
import { energy, laeqFromEnergy, pearson, type Schedule } from '@hallmon/rules';
import type { EnvCorrelation, EnvHour, EnvironmentService } from '@hallmon/contract';
import type { Store, StoredEvent } from '../../store/store.ts';
import type { SeriesInfo } from './inputs.ts';
import { round } from './format.ts';

const HOUR = 3_600_000;
const ENV = ['laeq', 'co2', 'temperature'] as const;
const SERVICE = ['meanWaitMin', 'tickets', 'badRatings'] as const;

export const ENV_CAVEAT =
  '相关不等于因果：嘈杂的时段往往也是人多的时段，人多时等候更久、差评更多，三者可能同受客流影响。' +
  '相邻小时的数值并不独立，95 % 区间因此偏窄。 Correlation is not cause: busy hours are loud and slow alike; ' +
  'neighbouring hours are not independent, so the 95 % intervals are narrower than they should be.';

interface HourSums {
  energy: number;
  dur: number;
  co2: number[];
  temp: number[];
}

/** The hall's environment per clock hour start, from the hourly rollups of its sensors. */
async function hallHours(
  store: Store,
  site: SiteConfig,
  series: SeriesInfo[],
  from: number,
  to: number,
): Promise<Map<number, HourSums>> {
  const hours = new Map<number, HourSums>();
  const at = (h: number) => {
    let s = hours.get(h);
    if (!s) hours.set(h, (s = { energy: 0, dur: 0, co2: [], temp: [] }));
    return s;
  };
  const wanted: Metric[] = ['noise_laeq', 'co2', 'temperature'];
  const h0 = Math.floor(from / HOUR) * HOUR;
  for (const s of series.filter((x) => x.zoneKind === 'hall' && wanted.includes(x.metric))) {
    const r = await store.readHourRollups({ site: site.id, sensor: s.sensor, metric: s.metric, from: h0, to });
    for (let i = 0; i < r.ts.length; i++) {
      const x = at(r.ts[i]!);
      if (s.metric === 'noise_laeq') {
        x.energy += r.energy[i]!;
        x.dur += r.durSum[i]!;
      } else if (r.count[i]! > 0) (s.metric === 'co2' ? x.co2 : x.temp).push(r.sum[i]! / r.count[i]!);
    }
  }
  return hours;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export async function environmentService(
  store: Store,
  site: SiteConfig,
  series: SeriesInfo[],
  schedule: Schedule,
  events: StoredEvent[],
  badScoreMax: number,
  from: number,
  to: number,
): Promise<EnvironmentService> {
  const slots = schedule.openingSlots(from, to);
  const env = await hallHours(store, site, series, from, to);
  // Service per slot: issued tickets, waits of the calls, bad ratings.
  const slotOf = (ts: number) => {
    let lo = 0;
    let hi = slots.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = slots[mid]!;
      if (ts < a) hi = mid - 1;
      else if (ts >= b) lo = mid + 1;
      else return mid;
    }
    return -1;
  };
  const tickets = new Array<number>(slots.length).fill(0);
  const bad = new Array<number>(slots.length).fill(0);
  const waits: number[][] = slots.map(() => []);
  const waiting = new Map<string, Array<{ ticket: string | undefined; ts: number }>>();
  for (const e of [...events].sort((a, b) => a.ts - b.ts)) {
    if (e.type === 'ticket_issued') {
      const q = waiting.get(e.device) ?? [];
      q.push({ ticket: e.ticket, ts: e.ts });
      // A queue machine's tickets of another day are never called: keep the day's only.
      while (q.length && e.ts - q[0]!.ts > 86_400_000) q.shift();
      waiting.set(e.device, q);
    }
    const i = e.ts >= from && e.ts < to ? slotOf(e.ts) : -1;
    if (e.type === 'ticket_issued' && i >= 0) tickets[i]!++;
    if (e.type === 'rating' && e.score !== undefined && e.score <= badScoreMax && i >= 0) bad[i]!++;
    if (e.type === 'ticket_called') {
      const q = waiting.get(e.device) ?? [];
      const k = e.ticket === undefined ? (q.length ? 0 : -1) : q.findIndex((x) => x.ticket === e.ticket);
      if (k < 0) continue;
      const issued = q.splice(k, 1)[0]!;
      if (i >= 0) waits[i]!.push((e.ts - issued.ts) / 60_000);
    }
  }
  const hours: EnvHour[] = slots.map(([a, b], i) => {
    const h = env.get(Math.floor(a / HOUR) * HOUR);
    const l = h && h.dur > 0 ? laeqFromEnergy(h.energy, h.dur) : undefined;
    const w = mean(waits[i]!);
    const co2 = h ? mean(h.co2) : null;
    const temp = h ? mean(h.temp) : null;
    return {
      start: toIso(a),
      end: toIso(b),
      hour: hourLabel(schedule, a),
      laeq: l === undefined ? null : round(l, 1),
      co2: co2 === null ? null : round(co2, 0),
      temperature: temp === null ? null : round(temp, 1),
      tickets: tickets[i]!,
      meanWaitMin: w === null ? null : round(w, 1),
      badRatings: bad[i]!,
    };
  });
  return { hours, profile: profile(hours), correlations: correlations(hours), caveat: ENV_CAVEAT };
}

function hourLabel(schedule: Schedule, ms: number): string {
  const info = schedule.dayInfo(ms);
  const h = Math.floor((ms - info.start) / HOUR);
  return `${String(h).padStart(2, '0')}:00`;
}

/** The same figures averaged per clock hour of the day (LAeq as an energy mean). */
function profile(hours: EnvHour[]): EnvHour[] {
  const by = new Map<string, EnvHour[]>();
  for (const h of hours) by.set(h.hour, [...(by.get(h.hour) ?? []), h]);
  return [...by]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([hour, hs]) => {
      const vals = (k: 'co2' | 'temperature' | 'meanWaitMin') =>
        hs.map((h) => h[k]).filter((v): v is number => v !== null);
      const levels = hs.map((h) => h.laeq).filter((v): v is number => v !== null);
      const l = levels.length
        ? laeqFromEnergy(
            levels.reduce((a, v) => a + energy(v), 0),
            levels.length,
          )
        : undefined;
      const m = (k: 'co2' | 'temperature' | 'meanWaitMin', digits: number) => {
        const x = mean(vals(k));
        return x === null ? null : round(x, digits);
      };
      return {
        start: hs[0]!.start,
        end: hs[hs.length - 1]!.end,
        hour,
        laeq: l === undefined ? null : round(l, 1),
        co2: m('co2', 0),
        temperature: m('temperature', 1),
        tickets: round(hs.reduce((a, h) => a + h.tickets, 0) / hs.length, 1),
        meanWaitMin: m('meanWaitMin', 1),
        badRatings: round(hs.reduce((a, h) => a + h.badRatings, 0) / hs.length, 2),
      };
    });
}

function correlations(hours: EnvHour[]): EnvCorrelation[] {
  const out: EnvCorrelation[] = [];
  for (const e of ENV)
    for (const s of SERVICE) {
      const c = pearson(
        hours.map((h) => h[e]),
        hours.map((h) => h[s]),
      );
      out.push({ environment: e, service: s, n: c.n, r: c.r, low: c.low, high: c.high });
    }
  return out;
}
