// The hall noise table of clause 1.3.3 (2025 standard "不持续高于80分贝"): per noise sensor and
// site-local day, month and the whole period, the LAeq over opening hours (energy mean, IEC
// 61672-1), L10/L50/L90 from the time-weighted 0.5 dB minute histograms of those hours, Lmax (the
// loudest stored reading) and the number of noise excursions that started in it.
import { exceedanceLevel, type Excursion, type NoiseHistogram } from '@hallmon/rules';
import type { Store } from '../../store/store.ts';
import { laeqOf, type NoiseDay } from '../series-stats.ts';
import type { NoiseRow } from '../types.ts';
import { monthOf, round } from './format.ts';
import type { SeriesInfo } from './inputs.ts';
import type { CatalogueKinds } from './kinds.ts';

export interface NoiseTable {
  daily: NoiseRow[];
  monthly: NoiseRow[];
  period: NoiseRow;
}

export async function noiseTables(
  store: Store,
  site: string,
  noise: Map<string, NoiseDay[]>,
  excursions: Excursion[],
  kinds: CatalogueKinds,
  localDay: (ms: number) => string,
  /** Noise sensors whose profile gives a smoothed level, not a certified LAeq (RS-485 transmitters). */
  indicative: ReadonlySet<string> = new Set(),
): Promise<Map<string, NoiseTable>> {
  const tables = new Map<string, NoiseTable>();
  // Noise excursions counted once per sensor, day, month and period (a loud year has 10 k excursions
  // and 730 noise days: filtering the list per row was a quarter of a second).
  const noiseXs = new Map<string, number>();
  const bump = (k: string) => noiseXs.set(k, (noiseXs.get(k) ?? 0) + 1);
  for (const x of excursions) {
    if (!kinds.isOn(x.rule, 'noise')) continue;
    const d = localDay(x.start);
    bump(`${x.sensor}|${d}`);
    bump(`${x.sensor}|${monthOf(d)}`);
    bump(`${x.sensor}|`);
  }
  /** Noise excursions of a sensor starting on a site-local day, in a month (YYYY-MM) or (neither) in the period. */
  const xsOf = (sensor: string, day?: string, month?: string) =>
    noiseXs.get(day !== undefined ? `${sensor}|${day}` : month !== undefined ? `${sensor}|${month}` : `${sensor}|`) ??
    0;
  for (const [sensor, nd] of noise) {
    const daily: NoiseRow[] = [];
    const months = new Map<string, { e: number; t: number; lmax: number; minutes: number; h: NoiseHistogram[] }>();
    const all = { e: 0, t: 0, lmax: -Infinity, minutes: 0, h: [] as NoiseHistogram[] };
    const dayHists = await openingHistograms(store, site, sensor, nd);
    for (const [k, d] of nd.entries()) {
      const h = mergeHist(dayHists[k]!);
      daily.push(
        noiseRow(d.day, sensor, indicative.has(sensor), d.energy, d.durS, d.lmax, d.minutes, h, xsOf(sensor, d.day)),
      );
      const m = months.get(monthOf(d.day)) ?? { e: 0, t: 0, lmax: -Infinity, minutes: 0, h: [] };
      for (const acc of [m, all]) {
        acc.e += d.energy;
        acc.t += d.durS;
        acc.lmax = Math.max(acc.lmax, d.lmax);
        acc.minutes += d.minutes;
        acc.h.push(h);
      }
      months.set(monthOf(d.day), m);
    }
    const monthly = [...months].map(([mo, m]) =>
      noiseRow(
        mo,
        sensor,
        indicative.has(sensor),
        m.e,
        m.t,
        m.lmax,
        m.minutes,
        mergeHist(m.h),
        xsOf(sensor, undefined, mo),
      ),
    );
    tables.set(sensor, {
      daily,
      monthly,
      period: noiseRow(
        'period',
        sensor,
        indicative.has(sensor),
        all.e,
        all.t,
        all.minutes ? all.lmax : NaN,
        all.minutes,
        mergeHist(all.h),
        xsOf(sensor),
      ),
    });
  }
  return tables;
}

/** The noise rows of a clause's noise series: daily, monthly, and one period row per sensor. */
export function clauseNoise(
  clauseSeries: Iterable<SeriesInfo>,
  tables: Map<string, NoiseTable>,
): { daily: NoiseRow[]; monthly: NoiseRow[]; periodNoise: NoiseRow[] } {
  const rows = [...clauseSeries]
    .filter((s) => s.metric === 'noise_laeq')
    .map((s) => tables.get(s.sensor))
    .filter((x) => x !== undefined);
  return {
    daily: rows.flatMap((r) => r.daily),
    monthly: rows.flatMap((r) => r.monthly),
    periodNoise: rows.map((r) => r.period),
  };
}

/** A noise sensor's histogram per opening-hours interval of each day (one list per day), in one batched read. */
async function openingHistograms(
  store: Store,
  site: string,
  sensor: string,
  nd: NoiseDay[],
): Promise<NoiseHistogram[][]> {
  const all = await store.readNoiseHistograms(
    { site, sensor },
    nd.flatMap((d) => d.open),
  );
  let k = 0;
  return nd.map((d) => d.open.map(() => all[k++]!));
}

function mergeHist(hs: NoiseHistogram[]): NoiseHistogram {
  const bins = new Map<number, number>();
  let total = 0;
  let binDb = 0.5;
  for (const h of hs) {
    binDb = h.binDb;
    for (const b of h.bins) bins.set(b.level, (bins.get(b.level) ?? 0) + b.seconds);
    total += h.totalSeconds;
  }
  return {
    binDb,
    bins: [...bins].sort((a, b) => a[0] - b[0]).map(([level, seconds]) => ({ level, seconds })),
    totalSeconds: total,
  };
}

function noiseRow(
  period: string,
  sensor: string,
  indicative: boolean,
  e: number,
  t: number,
  lmax: number,
  minutes: number,
  h: NoiseHistogram,
  excursions: number,
): NoiseRow {
  const l = (n: number) => {
    const v = exceedanceLevel(h, n);
    return v === undefined ? null : v;
  };
  const eq = laeqOf(e, t);
  return {
    period,
    sensor,
    indicative,
    laeq: eq === null ? null : round(eq, 1),
    l10: l(10),
    l50: l(50),
    l90: l(90),
    lmax: Number.isFinite(lmax) ? round(lmax, 1) : null,
    minutes,
    excursions,
  };
}
