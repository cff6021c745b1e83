// The evidence pack says what the live engine says: the same RuleEngine run live over the raw
// readings (as the edge runs it) and the pack's replay of the stored minute rollups give the same
// excursions: equal start/end for 1-min climate data, within 60 s for 1-s noise.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { RuleEngine, replay, type ReplayInput } from '@hallmon/rules';
import type { StoredReading } from '@hallmon/server';
import {
  at,
  calendar,
  catalogue,
  demoSite,
  evidence,
  MIN,
  openStore,
  profiles,
  readings,
  S,
  write,
} from './fixture.ts';

function live(rs: StoredReading[], until: number) {
  const engine = new RuleEngine({ site: demoSite(), catalogue, calendar, profiles });
  const inputs: ReplayInput[] = [...rs]
    .sort((a, b) => a.ts - b.ts)
    .map((r) => ({
      reading: {
        sensor: r.sensor,
        metric: r.metric,
        value: r.value,
        ts: new Date(r.ts).toISOString(),
        quality: 'ok',
        ...(r.dur ? { dur: r.dur } : {}),
      },
    }));
  return replay(engine, inputs, until).excursions;
}

test('1-min machine-room and archive data: identical excursions live and in the pack', async (t) => {
  const { store } = await openStore(t);
  const t0 = at('2025-05-06 00:00');
  const n = 2 * 1440;
  // mr-th-1: 24 °C with a 20-min 28 °C spell at 03:00 and a 40-min 33 °C spell at 14:00 (warning + critical);
  // RH 40 %, 65 % for an hour at 20:00 (humidity > 60 and dew point above 15 at 24 °C/65 %? 17.0 -> yes).
  const temp = (i: number) => (i >= 180 && i < 200 ? 28 : i >= 840 && i < 880 ? 33 : 24);
  const rh = (i: number) => (i >= 1200 && i < 1260 ? 65 : 40);
  // ar-th-1: 20 °C / 50 %, with 26 °C for 3 h on day 2 (hourly mean above 24; daily swing 6 > 4).
  const ar = (i: number) => (i >= 1440 + 600 && i < 1440 + 780 ? 26 : 20);
  const rs = [
    ...readings('mr-th-1', 'temperature', t0, MIN, n, temp),
    ...readings('mr-th-1', 'humidity', t0, MIN, n, rh),
    ...readings('ar-th-1', 'temperature', t0, MIN, n, ar),
    ...readings('ar-th-1', 'humidity', t0, MIN, n, () => 50),
  ];
  await write(store, rs);
  const pack = await evidence(store, '2025-05-06', '2025-05-07');
  const fromPack = pack.clauses
    .filter((c) => c.clause === '5.2.2' || c.clause === '5.3')
    .flatMap((c) => c.excursions)
    .map((x) => `${x.rule} ${x.sensor} ${x.start} ${x.end}`)
    .sort();
  const fromLive = live(rs, t0 + n * MIN)
    .map((x) => `${x.rule} ${x.sensor} ${new Date(x.start).toISOString()} ${new Date(x.end).toISOString()}`)
    .sort();
  assert.ok(fromLive.length >= 5, `the crafted data should make several excursions, got ${fromLive.join('; ')}`);
  assert.deepEqual(fromPack, fromLive);
});

test('1-s hall noise: same excursions live and in the pack, start/end within 60 s', async (t) => {
  const { store } = await openStore(t);
  // 2025-05-06 09:30-11:00, 65 dB(A), 88 dB(A) from 10:00:00 to 10:20:00 (LAeq,5min > 80 and LAeq,1min > 85).
  const t0 = at('2025-05-06 09:30');
  const loud0 = at('2025-05-06 10:00');
  const loud1 = at('2025-05-06 10:20');
  const rs = readings('hall-noise-1', 'noise_laeq', t0, S, 90 * 60, (_i, ts) => (ts >= loud0 && ts < loud1 ? 88 : 65));
  await write(store, rs);
  const pack = await evidence(store, '2025-05-06', '2025-05-06');
  const packX = pack.clauses.find((c) => c.clause === '1.3.3')!.excursions;
  const liveX = live(rs, at('2025-05-06 11:00'));
  assert.equal(liveX.length, 2);
  assert.equal(packX.length, liveX.length);
  for (const lx of liveX) {
    const px = packX.find((x) => x.rule === lx.rule && x.sensor === lx.sensor);
    assert.ok(px, `the pack lacks ${lx.rule}`);
    assert.ok(
      Math.abs(Date.parse(px.start) - lx.start) <= 60 * S,
      `${lx.rule} start ${px.start} vs live ${new Date(lx.start).toISOString()}`,
    );
    assert.ok(
      Math.abs(Date.parse(px.end) - lx.end) <= 60 * S,
      `${lx.rule} end ${px.end} vs live ${new Date(lx.end).toISOString()}`,
    );
  }
});
