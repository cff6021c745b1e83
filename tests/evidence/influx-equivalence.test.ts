// An evidence pack computed on InfluxDB (rollup_1h + minute reads, real influxd) equals the pack
// computed on SQLite for the same readings: crafted incidents on 1-min climate and 1-s noise, a
// silence, a re-sent batch, late data into an old hour after the first pack, and a pruned period.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createLogger } from '@hallmon/firmware-config';
import { createStore, buildEvidence, type ReplayStats } from '@hallmon/server';
import type { Store, StoredReading } from '@hallmon/server';
import { startInfluxd } from '../helpers/influxd.ts';
import { at, calendar, catalogue, demoSite, MIN, openStore, profiles, readings, S } from './fixture.ts';

const t0 = at('2025-09-29 00:00');
const N = 2 * 1440;
const minute = (local: string) => (at(local) - t0) / MIN;
const inRange = (i: number, a: string, b: string) => i >= minute(a) && i < minute(b);

function crafted(): StoredReading[] {
  const rs: StoredReading[] = [];
  // Machine room: a 10-min 28 °C spike, 26.8 °C for two hours (hysteresis band), a 20-min silence.
  const mr1t = (i: number) =>
    inRange(i, '2025-09-29 14:05', '2025-09-29 14:15')
      ? 28
      : inRange(i, '2025-09-29 18:00', '2025-09-29 20:00')
        ? 26.8
        : 23.1;
  const silent = (i: number) => inRange(i, '2025-09-30 03:10', '2025-09-30 03:30');
  for (const r of readings('mr-th-1', 'temperature', t0, MIN, N, mr1t)) if (!silent((r.ts - t0) / MIN)) rs.push(r);
  for (const r of readings('mr-th-1', 'humidity', t0, MIN, N, (i) =>
    inRange(i, '2025-09-30 02:00', '2025-09-30 02:30') ? 65.3 : 45.7,
  ))
    if (!silent((r.ts - t0) / MIN)) rs.push(r);
  // Archive: 24 °C for an hour (daily swing), RH 62 % for 90 min (hourly mean above 60).
  rs.push(
    ...readings('ar-th-1', 'temperature', t0, MIN, N, (i) =>
      inRange(i, '2025-09-30 08:00', '2025-09-30 09:00') ? 24 : 19.2,
    ),
  );
  rs.push(
    ...readings('ar-th-1', 'humidity', t0, MIN, N, (i) =>
      inRange(i, '2025-09-29 13:00', '2025-09-29 14:30') ? 62.1 : 52.4,
    ),
  );
  rs.push(
    ...readings('hall-co2-1', 'co2', t0, MIN, N, (i) =>
      inRange(i, '2025-09-30 14:00', '2025-09-30 16:00') ? 1300 : 600 + (i % 7),
    ),
  );
  // Hall noise at 1 s, 09:00-11:00 each day: 62.4 dB with 3 s at 95 dB every 10 minutes, 88 dB from
  // 10:00 to 10:20 on 09-30.
  for (let d = 0; d < 2; d++) {
    const s0 = t0 + d * 86_400_000 + 9 * 3_600_000;
    rs.push(
      ...readings('hall-noise-1', 'noise_laeq', s0, S, 7200, (i, ts) => {
        if (d === 1 && ts >= at('2025-09-30 10:00') && ts < at('2025-09-30 10:20')) return 88;
        return i % 600 < 3 ? 95 : 62.4 + (i % 5) / 10;
      }),
    );
  }
  rs.push(
    ...readings(
      'hall-slm-1',
      'noise_laeq',
      t0,
      MIN,
      N,
      (i) => (inRange(i, '2025-09-30 15:00', '2025-09-30 15:06') ? 83 : 65.2),
      60,
    ),
  );
  return rs;
}

async function writeAll(store: Store, rs: StoredReading[]): Promise<void> {
  for (let i = 0; i < rs.length; i += 5000) await store.writeReadings(rs.slice(i, i + 5000));
}

const pack = (store: Store, onStats?: (s: ReplayStats) => void) =>
  buildEvidence({
    store,
    site: demoSite(),
    catalogue,
    profiles,
    calendar,
    from: '2025-09-29',
    to: '2025-09-30',
    now: () => at('2026-01-01 00:00'),
    ...(onStats ? { onStats } : {}),
  });

test(
  'a pack computed on InfluxDB equals the pack computed on SQLite (late data, re-sent batch, pruned period)',
  { timeout: 300_000 },
  async (t) => {
    const influxd = await startInfluxd();
    t.onTestFinished(() => influxd.stop());
    const influx = createStore(
      { kind: 'influxdb', url: influxd.url, database: 'equivalence' },
      createLogger('test', 'warn'),
    );
    await influx.open();
    t.onTestFinished(() => influx.close());
    const { store: sqlite } = await openStore(t);
    const rs = crafted();
    for (const s of [sqlite, influx] as Store[]) {
      await writeAll(s, rs);
      await s.writeReadings(rs.slice(1000, 3000)); // a redelivered backlog
    }
    let stats: ReplayStats | undefined;
    const a = await pack(sqlite);
    const b = await pack(influx, (s) => (stats = s));
    const rules = new Set(a.clauses.flatMap((c) => c.excursions.map((x) => x.rule)));
    for (const r of [
      'mr-temperature',
      'mr-humidity',
      'ar-temperature-swing',
      'ar-humidity',
      'hall-co2',
      'noise-laeq-5min',
    ])
      assert.ok(rules.has(r), `the crafted data should make a ${r} excursion (got ${[...rules].join(', ')})`);
    assert.ok(
      a.clauses.some((c) => c.gaps.some((g) => g.sensor === 'mr-th-1')),
      'the silence is a gap',
    );
    assert.deepEqual(b, a);
    // InfluxDB really took the hourly path (not the minute-by-minute fallback).
    assert.ok(
      stats && stats.method === 'rollup-first' && stats.hoursReplayed < stats.hoursTotal / 2,
      JSON.stringify(stats),
    );

    // Late data into hours already summarised (a 29 °C machine-room stretch on day 1 filling part of
    // the silence), then raw data of day 1 pruned: both stores still agree, and the pack changed.
    const late = readings('mr-th-1', 'temperature', at('2025-09-30 03:15'), MIN, 10, () => 29.2);
    for (const s of [sqlite, influx] as Store[]) await s.writeReadings(late);
    const a2 = await pack(sqlite);
    assert.notDeepEqual(a2, a);
    assert.deepEqual(await pack(influx), a2);
    for (const s of [sqlite, influx] as Store[]) await s.pruneRaw(at('2025-09-30 00:00'));
    const a3 = await pack(sqlite);
    assert.deepEqual(a3, a2, 'pruning raw data does not change a pack (rollups are kept)');
    assert.deepEqual(await pack(influx), a3);
  },
);
