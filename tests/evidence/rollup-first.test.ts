// The fast path gives the same pack as replaying every minute: buildEvidence with the default
// 'rollup-first' method and with 'full-replay' over four crafted days that hit every way an hour
// can be suspicious (spikes, hysteresis band, gaps, a sensor starting mid-hour, a rate of change,
// a daily swing, season change at midnight, hourly CO2 mean, illuminance, 1-s noise with short
// 95 dB bursts and a loud stretch, 1-min noise, an excursion still open at the period end).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { ReplayStats, StoredReading } from '@hallmon/server';
import { at, evidence, MIN, openStore, readings, S, write } from './fixture.ts';

const DAYS = 4;
const t0 = at('2025-09-29 00:00');
const N = DAYS * 1440;
const minute = (local: string) => (at(local) - t0) / MIN;
const inRange = (i: number, a: string, b: string) => i >= minute(a) && i < minute(b);

function crafted(): StoredReading[] {
  const rs: StoredReading[] = [];
  // Machine room 1: a 10-min 28 °C spike, two hours in the 26.5-27 band, a 20-min silence, RH 65 % for
  // 30 min (humidity and dew point), and 27.5 °C from 23:00 on the last day to the end (ongoing).
  const mr1t = (i: number) =>
    inRange(i, '2025-09-29 14:05', '2025-09-29 14:15')
      ? 28
      : inRange(i, '2025-09-29 18:00', '2025-09-29 20:00')
        ? 26.8
        : inRange(i, '2025-10-02 23:00', '2025-10-03 00:00')
          ? 27.5
          : 23;
  const silent = (i: number) => inRange(i, '2025-09-30 03:10', '2025-09-30 03:30');
  for (const r of readings('mr-th-1', 'temperature', t0, MIN, N, mr1t)) if (!silent((r.ts - t0) / MIN)) rs.push(r);
  for (const r of readings('mr-th-1', 'humidity', t0, MIN, N, (i) =>
    inRange(i, '2025-10-01 02:00', '2025-10-01 02:30') ? 65 : 45,
  ))
    if (!silent((r.ts - t0) / MIN)) rs.push(r);
  // Machine room 2 starts at 05:30 (mid-hour); +6 °C within 10 minutes on day 2 (rate of change).
  const start2 = minute('2025-09-29 05:30');
  const mr2t = (i: number) =>
    22 +
    (inRange(i, '2025-09-30 10:00', '2025-09-30 10:10')
      ? 0.6 * (i - minute('2025-09-30 10:00'))
      : inRange(i, '2025-09-30 10:10', '2025-09-30 11:00')
        ? 6
        : 0);
  rs.push(...readings('mr-th-2', 'temperature', t0 + start2 * MIN, MIN, N - start2, (i) => mr2t(i + start2)));
  rs.push(...readings('mr-th-2', 'humidity', t0 + start2 * MIN, MIN, N - start2, () => 40));
  // Archive: 24 °C for an hour on 10-01 (daily swing 5 > 4), RH 62 % for 90 min (hourly mean > 60).
  rs.push(
    ...readings('ar-th-1', 'temperature', t0, MIN, N, (i) =>
      inRange(i, '2025-10-01 08:00', '2025-10-01 09:00') ? 24 : 19,
    ),
  );
  rs.push(
    ...readings('ar-th-1', 'humidity', t0, MIN, N, (i) =>
      inRange(i, '2025-09-30 13:00', '2025-09-30 14:30') ? 62 : 52,
    ),
  );
  // Hall climate: 21 °C in opening hours on 09-30 (summer: below 22), 25 °C on 10-01 10:00-11:00 (winter: above 24).
  const hallT = (i: number) =>
    inRange(i, '2025-09-30 09:00', '2025-09-30 17:00')
      ? 21
      : inRange(i, '2025-10-01 10:00', '2025-10-01 11:00')
        ? 25
        : 23;
  rs.push(...readings('hall-th-1', 'temperature', t0, MIN, N, hallT));
  rs.push(...readings('hall-th-1', 'humidity', t0, MIN, N, () => 50));
  rs.push(
    ...readings('hall-co2-1', 'co2', t0, MIN, N, (i) =>
      inRange(i, '2025-10-01 14:00', '2025-10-01 16:00') ? 1300 : 600,
    ),
  );
  rs.push(
    ...readings('hall-lux-1', 'illuminance', t0, MIN, N, (i) =>
      inRange(i, '2025-09-29 10:00', '2025-09-29 10:30') ? 100 : 450,
    ),
  );
  // Hall noise at 1 s, 09:00-11:00 each day: 62 dB with 3 s at 95 dB every 10 minutes, and 88 dB
  // from 10:00 to 10:20 on 09-30.
  for (let d = 0; d < DAYS; d++) {
    const s0 = t0 + d * 86_400_000 + 9 * 3_600_000;
    rs.push(
      ...readings('hall-noise-1', 'noise_laeq', s0, S, 7200, (i, ts) => {
        if (d === 1 && ts >= at('2025-09-30 10:00') && ts < at('2025-09-30 10:20')) return 88;
        return i % 600 < 3 ? 95 : 62;
      }),
    );
  }
  // The sound level meter: one 60-s LAeq a minute, 65 dB, 83 dB for 6 minutes on 10-02 at 15:00.
  rs.push(
    ...readings(
      'hall-slm-1',
      'noise_laeq',
      t0,
      MIN,
      N,
      (i) => (inRange(i, '2025-10-02 15:00', '2025-10-02 15:06') ? 83 : 65),
      60,
    ),
  );
  return rs;
}

test('rollup-first and full-replay give identical packs over crafted incidents', async (t) => {
  const { store } = await openStore(t);
  await write(store, crafted());
  let stats: ReplayStats | undefined;
  const fast = await evidence(store, '2025-09-29', '2025-10-02', { onStats: (s) => (stats = s) });
  const full = await evidence(store, '2025-09-29', '2025-10-02', { method: 'full-replay' });
  // The crafted data must really produce excursions of many rules, or the comparison proves little.
  const rules = new Set(full.clauses.flatMap((c) => c.excursions.map((x) => x.rule)));
  for (const r of [
    'mr-temperature',
    'mr-humidity',
    'mr-dew-point',
    'mr-rate-of-change',
    'ar-temperature-swing',
    'ar-humidity',
    'hall-temperature-summer',
    'hall-temperature-winter',
    'hall-co2',
    'hall-illuminance',
    'noise-laeq-5min',
  ])
    assert.ok(rules.has(r), `the crafted data should make a ${r} excursion (got ${[...rules].join(', ')})`);
  assert.ok(
    full.clauses.some((c) => c.excursions.some((x) => x.ongoing)),
    'one excursion is still open at the period end',
  );
  assert.ok(
    full.clauses.some((c) => c.gaps.some((g) => g.sensor === 'mr-th-1')),
    'the silence is a gap',
  );
  assert.deepEqual(fast, full);
  // And the fast path did skip most of the hours.
  assert.ok(stats && stats.method === 'rollup-first');
  assert.ok(
    stats.hoursReplayed < stats.hoursTotal / 2,
    `replayed ${stats.hoursReplayed} of ${stats.hoursTotal} sensor-hours`,
  );
});
