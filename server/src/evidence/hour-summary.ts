// The hourly view of one series that the fast evidence path starts from: per UTC hour of the replay
// range, how many minute buckets hold data, raw count/min/max/sum and bounds of the minute values
// the replay would feed (minute mean; noise minute LAeq). It reads the 1-hour rollups (8,760 rows a
// year) into the rules package's plain HourSummary columns, which the rule kinds' quiet tests
// read. An hour whose reading count is the series' usual count (e.g. 60 for a 1-min sensor, 3,600
// for 1-s noise) is taken to have all 60 minutes; every other hour, and the hours the caller asks
// for, get exact minute facts from the 1-minute rollups of that hour only.
import type { Metric } from '@hallmon/firmware-config';
import type { HourSummary } from '@hallmon/rules';
import type { MinuteHourStats, Store } from '../store/store.ts';

export const HOUR = 3_600_000;

export function hourIndexRange(from: number, to: number): { h0: number; n: number } {
  const h0 = Math.floor(from / HOUR) * HOUR;
  return { h0, n: Math.max(0, Math.ceil(to / HOUR) - h0 / HOUR) };
}

/**
 * Reads the hourly view of the minute buckets whose start lies in [from, to). `detail(k, h)` asks for
 * exact minute facts of a full hour too (e.g. noise hours whose raw maximum reaches a limit).
 */
export async function readHours(
  store: Store,
  site: string,
  sensor: string,
  metric: Metric,
  from: number,
  to: number,
  detail: (k: number, h: HourSummary) => boolean = () => false,
): Promise<HourSummary> {
  const q = { site, sensor, metric, from, to };
  const noise = metric === 'noise_laeq';
  const r = await store.readHourRollups(q);
  const { h0, n } = hourIndexRange(from, to);
  const col = (fill: number) => new Float64Array(n).fill(fill);
  const h: HourSummary = {
    h0,
    n,
    minutes: col(0),
    valued: col(0),
    count: col(0),
    min: col(NaN),
    max: col(NaN),
    sum: col(0),
    vmin: col(NaN),
    vmax: col(NaN),
    energy: col(0),
    lmax: col(NaN),
  };
  const usual = usualCount(r.count);
  const exact: number[] = [];
  for (let i = 0; i < r.ts.length; i++) {
    const k = Math.round((r.ts[i]! - h0) / HOUR);
    if (k < 0 || k >= n || !(r.count[i]! > 0)) continue;
    h.count[k] = r.count[i]!;
    h.min[k] = r.min[i]!;
    h.max[k] = r.max[i]!;
    h.sum[k] = r.sum[i]!;
    const inside = r.ts[i]! >= from && r.ts[i]! + HOUR <= to;
    // Noise: each minute is taken as 60 s of data only when the hour holds exactly 3,600 s.
    const full = inside && usual >= 60 && r.count[i] === usual && (!noise || Math.abs(r.durSum[i]! - 3600) < 1e-6);
    if (!full) {
      exact.push(k);
      continue;
    }
    // Raw min/max bound the minute means and minute LAeqs (an energy mean lies between them).
    h.minutes[k] = h.valued[k] = 60;
    h.vmin[k] = r.min[i]!;
    h.vmax[k] = r.max[i]!;
    if (noise) {
      h.energy[k] = r.energy[i]! / 60;
      h.lmax[k] = r.max[i]!;
    }
  }
  for (let k = 0; k < n; k++) if (h.minutes[k] === 60 && detail(k, h)) exact.push(k);
  if (exact.length) {
    exact.sort((a, b) => a - b);
    const m = await store.readMinuteHourStats({ ...q, hours: exact.map((k) => h0 + k * HOUR) });
    for (let i = 0; i < exact.length; i++) setExact(h, exact[i]!, m, i);
  }
  return h;
}

function setExact(h: HourSummary, k: number, m: MinuteHourStats, i: number): void {
  h.minutes[k] = m.minutes[i]!;
  h.valued[k] = m.valued[i]!;
  h.vmin[k] = m.vmin[i]!;
  h.vmax[k] = m.vmax[i]!;
  h.energy[k] = m.energy[i]!;
  h.lmax[k] = m.lmax[i]!;
}

/** The most frequent hourly reading count of a series (its cadence per hour). */
export function usualCount(counts: Float64Array): number {
  const freq = new Map<number, number>();
  let best = 0;
  let bestN = 0;
  for (const c of counts) {
    if (!(c > 0)) continue;
    const f = (freq.get(c) ?? 0) + 1;
    freq.set(c, f);
    if (f > bestN || (f === bestN && c > best)) [best, bestN] = [c, f];
  }
  return best;
}
