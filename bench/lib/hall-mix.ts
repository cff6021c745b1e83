// The reading mix the store benchmarks write: a realistic hall with 24 series (4 noise meters,
// 5 temperature/humidity sensors, 5 CO2/illuminance sensors), timestamps advancing 1 s per round of
// series, values that wander like real ones. Shared so every store is measured on identical data.
import type { Metric } from '@hallmon/firmware-config';
import type { StoredReading } from '@hallmon/server';

export const T0 = Date.UTC(2025, 4, 1);
export const SERIES: Array<{ sensor: string; metric: Metric }> = [];
for (let i = 0; i < 4; i++) SERIES.push({ sensor: `hall-slm-${i}`, metric: 'noise_laeq' });
for (let i = 0; i < 5; i++) {
  SERIES.push({ sensor: `th-${i}`, metric: 'temperature' }, { sensor: `th-${i}`, metric: 'humidity' });
}
for (let i = 0; i < 5; i++) SERIES.push({ sensor: `env-${i}`, metric: i % 2 ? 'co2' : 'illuminance' });

/** `n` readings of the mix, starting at reading number `offset` (so chunks can be generated lazily). */
export function readings(n: number, offset = 0): StoredReading[] {
  const out = new Array<StoredReading>(n);
  for (let k = 0; k < n; k++) {
    const j = k + offset;
    const s = SERIES[j % SERIES.length] as (typeof SERIES)[number];
    const tick = Math.floor(j / SERIES.length);
    const base = s.metric === 'noise_laeq' ? 55 : s.metric === 'co2' ? 700 : s.metric === 'illuminance' ? 400 : 25;
    out[k] = {
      site: 'demo',
      sensor: s.sensor,
      metric: s.metric,
      ts: T0 + tick * 1000,
      value: Math.round((base + 10 * Math.sin(j / 97) + (j % 7)) * 10) / 10,
      quality: 'ok',
    };
  }
  return out;
}
