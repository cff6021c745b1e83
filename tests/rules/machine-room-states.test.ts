// The machine room's state inputs (clause 5.2.2 "配备防盗、防火和电力保障设施设备"): water and smoke
// critical at once, mains lost and UPS on battery critical with the runtime estimate in the
// message, a door open past its limit a warning, the air conditioner stopped while the room warms
// critical; state series are changes (their silence is no gap), and the entry register's matching.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { coveringVisit, doorOpenings } from '@hallmon/rules';
import { at, iso, MIN, only, reading, run, runWithRestart, S, series, status, type Step } from './fixture.ts';

const DI = 'mr-di-1';
const UPS = 'mr-ups-1';
const t0 = at('2025-05-06 03:00');

test('water and smoke are critical at once and clear when the input returns to 0', () => {
  const steps: Step[] = [
    reading(DI, 'water_leak', 0, t0),
    reading(DI, 'smoke', 0, t0),
    reading(DI, 'water_leak', 1, t0 + 7 * S),
    reading(DI, 'water_leak', 1, t0 + 5 * MIN), // the edge's unchanged refresh: nothing new
    reading(DI, 'water_leak', 0, t0 + 9 * MIN),
    reading(DI, 'smoke', 1, t0 + 10 * MIN),
  ];
  const r = run(steps, { lateBoundS: 0 });
  const water = only(r.transitions, 'mr-water-leak');
  assert.deepEqual(
    water.map((t) => [t.type, t.atMs]),
    [
      ['raise', t0 + 7 * S],
      ['clear', t0 + 9 * MIN],
    ],
  );
  assert.equal(water[0]!.alarm.severity, 'critical');
  assert.equal(water[0]!.alarm.clause, '5.2.2');
  assert.equal(water[1]!.alarm.peak, (9 * MIN - 7 * S) / 1000, 'peak: how long the floor was wet, s');
  const smoke = only(r.transitions, 'mr-smoke');
  assert.deepEqual(
    smoke.map((t) => [t.type, t.alarm.startedAt]),
    [['raise', iso(t0 + 10 * MIN)]],
  );
  const x = r.excursions.find((e) => e.rule === 'mr-water-leak')!;
  assert.deepEqual([x.sensor, x.metric, x.start, x.end], [DI, 'water_leak', t0 + 7 * S, t0 + 9 * MIN]);
});

test('a state holds through silence: no gap, no end, until the next reading says otherwise', () => {
  const steps: Step[] = [
    reading(DI, 'door_open', 0, t0),
    reading(DI, 'water_leak', 1, t0),
    { advance: t0 + 3 * 3600 * S },
  ];
  const r = run(steps, { lateBoundS: 0 });
  assert.deepEqual(
    only(r.transitions, 'mr-water-leak').map((t) => t.type),
    ['raise'],
  );
  assert.deepEqual(r.engine.gaps, [], 'a DI module is not watched by the gap rule');
  assert.ok(!r.engine.rules.some((x) => x.key === `mr-gap:${DI}`));
  // The UPS's sampled series are: its silence is a gap, its states are not.
  const ups = run(
    [
      reading(UPS, 'ups_battery_pct', 100, t0),
      reading(UPS, 'mains_ok', 1, t0 + 10 * MIN),
      reading(UPS, 'ups_battery_pct', 100, t0 + 20 * MIN),
    ],
    { lateBoundS: 0 },
  );
  assert.deepEqual(
    ups.engine.gaps.map((g) => [g.sensor, g.start, g.end]),
    [[UPS, t0, t0 + 20 * MIN]],
  );
});

test('mains lost and UPS on battery: critical, with the runtime estimated before the cut in the message', () => {
  const poll = (ts: number, mains: number, battery: number, runtime: number): Step[] => [
    reading(UPS, 'mains_ok', mains, ts),
    reading(UPS, 'ups_on_battery', battery, ts),
    reading(UPS, 'ups_runtime_min', runtime, ts),
  ];
  const steps: Step[] = [
    ...poll(t0, 1, 0, 42),
    ...poll(t0 + 5 * S, 1, 0, 41),
    ...poll(t0 + 10 * S, 0, 1, 23),
    ...poll(t0 + 15 * MIN, 1, 0, 30),
  ];
  const r = run(steps, { lateBoundS: 0 });
  for (const rule of ['mr-mains-lost', 'mr-ups-on-battery']) {
    const ts = only(r.transitions, rule);
    assert.deepEqual(
      ts.map((t) => [t.type, t.atMs]),
      [
        ['raise', t0 + 10 * S],
        ['clear', t0 + 15 * MIN],
      ],
      rule,
    );
    assert.equal(ts[0]!.alarm.severity, 'critical');
    assert.match(ts[0]!.alarm.message!, /预计续航 41 分钟/, `${rule}: the estimate of the poll before the cut`);
  }
  // The runtime of the same poll comes first this time: the message does not change.
  const reordered: Step[] = steps.map((s, i) => (i >= 6 && i < 9 ? steps[14 - i]! : s));
  const again = only(run(reordered, { lateBoundS: 0 }).transitions, 'mr-mains-lost');
  assert.equal(again[0]!.alarm.message, only(r.transitions, 'mr-mains-lost')[0]!.alarm.message);
  // Without a runtime series the message says it is unknown.
  const bare = only(run([reading(UPS, 'mains_ok', 0, t0)], { lateBoundS: 0 }).transitions, 'mr-mains-lost');
  assert.match(bare[0]!.alarm.message!, /续航未知/);
});

test('the door open past 10 min is a warning from the 10th minute; a restart mid-way keeps the count', () => {
  const steps: Step[] = [
    reading(DI, 'door_open', 0, t0),
    reading(DI, 'door_open', 1, t0 + MIN),
    reading(DI, 'door_open', 1, t0 + 6 * MIN),
    { advance: t0 + 8 * MIN },
    { advance: t0 + 12 * MIN },
    reading(DI, 'door_open', 0, t0 + 14 * MIN),
    reading(DI, 'door_open', 1, t0 + 20 * MIN),
    reading(DI, 'door_open', 0, t0 + 25 * MIN),
    { advance: t0 + 40 * MIN },
  ];
  for (const r of [run(steps, { lateBoundS: 0 }), runWithRestart(steps, 4, { lateBoundS: 0 })]) {
    const door = only(r.transitions, 'mr-door-open');
    assert.deepEqual(
      door.map((t) => [t.type, t.atMs, t.alarm.startedAt]),
      [
        ['raise', t0 + 11 * MIN, iso(t0 + MIN)],
        ['clear', t0 + 14 * MIN, iso(t0 + MIN)],
      ],
      'the 5-minute opening later raises nothing',
    );
    assert.equal(door[0]!.alarm.severity, 'warning');
    assert.equal(door[0]!.alarm.limit, 600);
    assert.equal(door[1]!.alarm.peak, 13 * 60);
  }
});

test('AC stopped: critical once a temperature of the room rose 2 °C over its value at the stop', () => {
  const temps = series('mr-th-1', 'temperature', t0, MIN, [23, 23, 23.4, 24.1, 24.8, 25.0, 25.3, 24.0]);
  const steps: Step[] = [
    reading(DI, 'ac_running', 1, t0 - 10 * S),
    temps[0]!,
    temps[1]!,
    reading(DI, 'ac_running', 0, t0 + MIN + 30 * S),
    ...temps.slice(2, 7),
    reading(DI, 'ac_running', 1, t0 + 6 * MIN + 30 * S),
    temps[7]!,
  ];
  const r = run(steps, { lateBoundS: 0 });
  const ac = only(r.transitions, 'mr-ac-stopped');
  assert.deepEqual(
    ac.map((t) => [t.type, t.atMs, t.alarm.sensor]),
    [
      ['raise', t0 + 5 * MIN, DI],
      ['clear', t0 + 6 * MIN + 30 * S, DI],
    ],
    '25.0 is the first reading 2 °C above the 23.0 read before the stop',
  );
  assert.equal(ac[0]!.alarm.startedAt, iso(t0 + MIN + 30 * S), 'it started when the AC stopped');
  assert.equal(ac[0]!.alarm.severity, 'critical');
  assert.equal(ac[1]!.alarm.peak, 2.3);
  assert.match(ac[0]!.alarm.message!, /mr-th-1 23→25 °C/);
  // An AC stopped on a cold night while the room stays put raises nothing.
  const cold = run(
    [reading(DI, 'ac_running', 0, t0), ...series('mr-th-1', 'temperature', t0, MIN, [20, 20.5, 21.9, 21.2])],
    { lateBoundS: 0 },
  );
  assert.deepEqual(only(cold.transitions, 'mr-ac-stopped'), []);
});

test('a device going offline does not end a state alarm', () => {
  const r = run([reading(DI, 'smoke', 1, t0), status(DI, 'offline', t0 + MIN), { advance: t0 + 30 * MIN }], {
    lateBoundS: 0,
  });
  assert.deepEqual(
    only(r.transitions, 'mr-smoke').map((t) => t.type),
    ['raise'],
  );
});

test('entry register: openings from a door series, and the visit that covers each', () => {
  const s = (min: number, v: number) => ({ ts: t0 + min * MIN, value: v });
  const openings = doorOpenings('mr-di-1', [s(0, 0), s(5, 1), s(10, 1), s(12, 0), s(30, 1), s(31, 1)]);
  assert.deepEqual(openings, [
    { sensor: 'mr-di-1', start: t0 + 5 * MIN, end: t0 + 12 * MIN },
    { sensor: 'mr-di-1', start: t0 + 30 * MIN, end: null },
  ]);
  assert.deepEqual(doorOpenings('d', [s(0, 1), s(1, 0)], 1), [], 'open before the series: no new opening at its start');
  const grace = 5 * MIN;
  const visits = [
    { id: 'a', inAt: t0 + 4 * MIN, outAt: t0 + 13 * MIN, createdAt: t0 + 4 * MIN },
    { id: 'late', inAt: t0 + 29 * MIN, outAt: null, createdAt: t0 + 50 * MIN },
  ];
  assert.equal(coveringVisit(t0 + 5 * MIN, visits, grace).visit?.id, 'a');
  assert.equal(coveringVisit(t0 + 5 * MIN, visits, grace).late, false);
  assert.deepEqual(
    [coveringVisit(t0 + 30 * MIN, visits, grace).visit?.id, coveringVisit(t0 + 30 * MIN, visits, grace).late],
    ['late', true],
  );
  assert.equal(coveringVisit(t0 + 20 * MIN, visits, grace).visit, null, 'between the visits: unregistered');
  assert.equal(
    coveringVisit(t0 + 25 * MIN, visits, grace).visit?.id,
    'late',
    'a visit starting within the grace after the opening covers it',
  );
  assert.equal(coveringVisit(t0 + 23 * MIN, visits, grace).visit, null, 'but not one starting later');
});
