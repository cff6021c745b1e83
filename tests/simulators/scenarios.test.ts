// Scenarios are pure functions of (site, seed, time): determinism, split-invariance of counter
// events, the incidents really happen (noise above 80 dB(A) as an energy mean, machine room past
// 32 °C) and the history generator covers its span in time-ordered batches.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { loadSites, type DeviceEvent, type Metric } from '@hallmon/firmware-config';
import { getScenario, listScenarios, type Scenario, generateHistory, SimClock } from '@hallmon/simulators';

const site = loadSites().get('demo')!;
const DAY_START = Date.parse('2025-05-06T00:00:00+08:00'); // a working Tuesday
const MIN = 60_000;

function scenario(name: string): Scenario {
  const s = getScenario(name);
  assert.ok(s, `scenario ${name} exists`);
  return s;
}

const SAMPLES: Array<[string, Metric]> = [
  ['hall-noise-1', 'noise_laeq'],
  ['hall-slm-1', 'noise_laeq'],
  ['hall-co2-1', 'co2'],
  ['hall-th-1', 'temperature'],
  ['hall-lux-1', 'illuminance'],
  ['mr-th-1', 'temperature'],
  ['mr-th-2', 'humidity'],
  ['ar-th-1', 'humidity'],
];

function fingerprint(name: string, seed: number) {
  const s = scenario(name).signals(site, seed, { from: DAY_START });
  const values: Array<number | undefined> = [];
  for (let t = DAY_START; t < DAY_START + 86_400_000; t += 7 * MIN + 13_000)
    for (const [id, m] of SAMPLES) values.push(s.value(id, m, t));
  return { values, events: s.events(DAY_START, DAY_START + 86_400_000) };
}

test('registry lists every named scenario', () => {
  const names = listScenarios().map((s) => s.name);
  for (const n of [
    'normal-day',
    'loud-morning-peak',
    'machine-room-ac-failure',
    'archive-damp',
    'evaluator-offline',
    'bad-rating-unanswered',
    'crc-errors',
    'dead-device',
    'mains-failure',
    'water-leak',
    'unregistered-entry',
  ])
    assert.ok(names.includes(n), n);
  assert.equal(getScenario('no-such-thing'), undefined);
});

test('same seed gives identical values and events; another seed differs', () => {
  for (const name of ['normal-day', 'loud-morning-peak']) {
    const a = fingerprint(name, 7);
    const b = fingerprint(name, 7);
    const c = fingerprint(name, 8);
    assert.deepEqual(a, b, name);
    assert.ok(a.values.every((v) => typeof v === 'number' && Number.isFinite(v)));
    assert.ok(a.events.length > 100, `a working day has counter events (${a.events.length})`);
    assert.notDeepEqual(a.values, c.values);
    assert.notDeepEqual(a.events, c.events);
  }
});

test('events() gives the same answer however the span is split', () => {
  const s = scenario('evaluator-offline').signals(site, 3, { from: DAY_START });
  const from = DAY_START + 8 * 3_600_000;
  const to = DAY_START + 2 * 86_400_000 + 3_600_000;
  const whole = s.events(from, to);
  // Fresh signals (cold cache) and odd, uneven slices.
  const s2 = scenario('evaluator-offline').signals(site, 3, { from: DAY_START });
  const parts: DeviceEvent[] = [];
  for (let a = from, k = 0; a < to; k++) {
    const b = Math.min(to, a + (k % 3 === 0 ? 37_123 : k % 3 === 1 ? 11 * MIN + 7 : 3_600_000));
    parts.push(...s2.events(a, b));
    a = b;
  }
  assert.deepEqual(parts, whole);
  const times = whole.map((e) => Date.parse(String(e.ts)));
  assert.ok(
    times.every((t, i) => t >= from && t < to && (i === 0 || t >= times[i - 1]!)),
    'in span and sorted',
  );
  // The counter story hangs together: ~5 % abandoned, ~80 % of served rated, scores mostly 5.
  const day1 = s.events(DAY_START, DAY_START + 86_400_000);
  const n = (type: string) => day1.filter((e) => e.type === type).length;
  assert.equal(n('ticket_issued'), n('ticket_called'));
  assert.equal(n('ticket_issued'), n('ticket_served') + n('ticket_abandoned'));
  assert.ok(n('ticket_abandoned') / n('ticket_issued') < 0.15);
  assert.ok(n('rating') / n('ticket_served') > 0.6 && n('rating') / n('ticket_served') <= 0.85);
  assert.ok(day1.filter((e) => e.type === 'rating' && e.score === 5).length / n('rating') > 0.7);
  // eval-w03 is offline for 30 minutes from 10:00 and publishes nothing meanwhile.
  const at = s.incidentAt!;
  assert.equal(at, Date.parse('2025-05-06T10:00:00+08:00'));
  assert.equal(s.fault('eval-w03', at + 5 * MIN), 'silent');
  assert.equal(s.fault('eval-w03', at + 31 * MIN), 'none');
  assert.equal(s.fault('eval-w02', at + 5 * MIN), 'none');
  assert.ok(
    !day1.some(
      (e) => e.device === 'eval-w03' && Date.parse(String(e.ts)) >= at && Date.parse(String(e.ts)) < at + 30 * MIN,
    ),
  );
  assert.ok(day1.some((e) => e.device === 'eval-w03'));
});

/** LAeq = 10·log10(mean of 10^(L/10)): the energy mean over 1 s values. */
function laeq(values: number[]): number {
  return 10 * Math.log10(values.reduce((s, l) => s + 10 ** (l / 10), 0) / values.length);
}

function worst5MinLaeq(name: string, seed: number, from: number, to: number): number {
  const s = scenario(name).signals(site, seed, { from: DAY_START });
  let worst = -Infinity;
  for (let a = from; a + 5 * MIN <= to; a += MIN) {
    const v: number[] = [];
    for (let t = a; t < a + 5 * MIN; t += 1000) v.push(s.value('hall-noise-1', 'noise_laeq', t)!);
    worst = Math.max(worst, laeq(v));
  }
  return worst;
}

test('loud-morning-peak exceeds 80 dB(A) LAeq,5min in the peak; normal-day does not', () => {
  const peakFrom = Date.parse('2025-05-06T09:30:00+08:00');
  const peakTo = Date.parse('2025-05-06T10:30:00+08:00');
  const loud = worst5MinLaeq('loud-morning-peak', 11, peakFrom, peakTo);
  const normal = worst5MinLaeq('normal-day', 11, peakFrom, peakTo);
  assert.ok(loud > 80, `loud peak LAeq,5min ${loud.toFixed(1)}`);
  assert.ok(normal < 75, `normal peak LAeq,5min ${normal.toFixed(1)}`);
  // Realistic spread: the 1 s values are not a flat line.
  const s = scenario('loud-morning-peak').signals(site, 11, { from: DAY_START });
  const v = Array.from({ length: 300 }, (_, i) =>
    s.value('hall-noise-1', 'noise_laeq', peakFrom + 10 * MIN + i * 1000)!,
  );
  assert.ok(Math.max(...v) - Math.min(...v) > 8);
  // Quiet night, lively opening hours.
  const night = worst5MinLaeq('normal-day', 11, DAY_START + 2 * 3_600_000, DAY_START + 3 * 3_600_000);
  assert.ok(night < 45 && normal > 55, `night ${night.toFixed(1)}, day ${normal.toFixed(1)}`);
});

test('machine-room-ac-failure passes 32 °C and recovers; the normal machine room stays 22-24 °C', () => {
  const fail = scenario('machine-room-ac-failure').signals(site, 5, { from: DAY_START });
  const normal = scenario('normal-day').signals(site, 5, { from: DAY_START });
  const at = fail.incidentAt!;
  const temps = (s: typeof fail, a: number, b: number) => {
    const out: number[] = [];
    for (let t = a; t < b; t += MIN)
      out.push(s.value('mr-th-1', 'temperature', t)!, s.value('mr-th-2', 'temperature', t)!);
    return out;
  };
  assert.ok(Math.max(...temps(fail, at, at + 60 * MIN)) > 32);
  assert.ok(Math.max(...temps(fail, at, at + 15 * MIN)) > 27);
  assert.ok(Math.max(...temps(fail, at + 150 * MIN, at + 180 * MIN)) < 25, 'recovered after repair');
  const n = temps(normal, DAY_START, DAY_START + 86_400_000);
  assert.ok(Math.min(...n) >= 21.5 && Math.max(...n) <= 24.5, `normal ${Math.min(...n)}..${Math.max(...n)}`);
  // Warmer air at the same moisture: RH falls.
  assert.ok(
    fail.value('mr-th-1', 'humidity', at + 40 * MIN)! < normal.value('mr-th-1', 'humidity', at + 40 * MIN)! - 8,
  );
});

test('machine-room states: normal inputs, mains failure with a falling UPS, water leak, unregistered entry, AC stop', () => {
  const normal = scenario('normal-day').signals(site, 5, { from: DAY_START });
  for (const t of [DAY_START, DAY_START + 9 * 3_600_000]) {
    assert.deepEqual(
      (['water_leak', 'smoke', 'door_open', 'ac_running'] as Metric[]).map((m) => normal.value('mr-di-1', m, t)),
      [0, 0, 0, 1],
    );
    assert.deepEqual([normal.value('mr-ups-1', 'mains_ok', t), normal.value('mr-ups-1', 'ups_on_battery', t)], [1, 0]);
    assert.equal(normal.value('mr-ups-1', 'ups_battery_pct', t), 100);
    const rt = normal.value('mr-ups-1', 'ups_runtime_min', t)!;
    assert.ok(rt > 35 && rt < 50, `runtime on mains ${rt} min`);
  }
  assert.equal(normal.value('mr-th-1', 'water_leak', DAY_START), undefined, 'a T/H transmitter has no inputs');

  const mains = scenario('mains-failure').signals(site, 5, { from: DAY_START });
  const at = mains.incidentAt!;
  const v = (m: Metric, t: number) => mains.value('mr-ups-1', m, t)!;
  assert.deepEqual([v('mains_ok', at - MIN), v('ups_on_battery', at - MIN)], [1, 0]);
  assert.deepEqual([v('mains_ok', at + MIN), v('ups_on_battery', at + MIN)], [0, 1]);
  assert.ok(v('ups_battery_pct', at + 10 * MIN) < v('ups_battery_pct', at + MIN), 'discharging');
  assert.ok(v('ups_runtime_min', at + 19 * MIN) < v('ups_runtime_min', at - MIN) - 15, 'runtime falls on battery');
  assert.deepEqual([v('mains_ok', at + 21 * MIN), v('ups_on_battery', at + 21 * MIN)], [1, 0], 'mains back');
  assert.ok(v('ups_battery_pct', at + 40 * MIN) > v('ups_battery_pct', at + 21 * MIN), 'recharging');

  const leak = scenario('water-leak').signals(site, 5, { from: DAY_START });
  assert.deepEqual(
    [-MIN, MIN, 14 * MIN, 16 * MIN].map((d) => leak.value('mr-di-1', 'water_leak', leak.incidentAt! + d)),
    [0, 1, 1, 0],
  );
  const entry = scenario('unregistered-entry').signals(site, 5, { from: DAY_START });
  assert.deepEqual(
    [-MIN, MIN, 5 * MIN].map((d) => entry.value('mr-di-1', 'door_open', entry.incidentAt! + d)),
    [0, 1, 0],
  );
  const ac = scenario('machine-room-ac-failure').signals(site, 5, { from: DAY_START });
  assert.deepEqual(
    [-MIN, MIN, 50 * MIN].map((d) => ac.value('mr-di-1', 'ac_running', ac.incidentAt! + d)),
    [1, 0, 1],
  );
});

test('history writes a state series as its changes and a 5-minute refresh, not at the poll rate', async () => {
  const from = Date.parse('2025-05-06T10:00:00+08:00');
  const leak = scenario('water-leak');
  const incidentAt = from + 20 * MIN;
  const states: Array<[number, number]> = [];
  for await (const b of generateHistory({ scenario: leak, site, seed: 2, from, to: from + 3_600_000, incidentAt }))
    for (const r of b.readings)
      if (r.sensor === 'mr-di-1' && r.metric === 'water_leak') states.push([Date.parse(String(r.ts)), r.value]);
  // 0 at the start, refreshed every 5 min, 1 within 10 s of the leak, refreshed, 0 when dry.
  assert.deepEqual(
    states.map(([t, value]) => [(t - from) / 1000, value]),
    [
      [0, 0],
      [300, 0],
      [600, 0],
      [900, 0],
      [1200, 1],
      [1500, 1],
      [1800, 1],
      [2100, 0],
      [2400, 0],
      [2700, 0],
      [3000, 0],
      [3300, 0],
    ],
  );
});

test('faults: crc burst on mr-th-2, dead ar-th-1, damp archive', () => {
  const crc = scenario('crc-errors').signals(site, 1, { incidentAt: DAY_START + 3_600_000 });
  assert.equal(crc.fault('mr-th-2', DAY_START + 3_600_000 + 30_000), 'crc');
  assert.equal(crc.fault('mr-th-2', DAY_START + 3_600_000 + 61_000), 'none');
  assert.equal(crc.fault('mr-th-1', DAY_START + 3_600_000 + 30_000), 'none');
  const dead = scenario('dead-device').signals(site, 1, { incidentAt: DAY_START });
  assert.equal(dead.fault('ar-th-1', DAY_START + 19 * MIN), 'silent');
  assert.equal(dead.fault('ar-th-1', DAY_START + 21 * MIN), 'none');
  const damp = scenario('archive-damp').signals(site, 1, { incidentAt: DAY_START });
  const rh0 = damp.value('ar-th-1', 'humidity', DAY_START)!;
  const rh2 = damp.value('ar-th-1', 'humidity', DAY_START + 2 * 86_400_000)!;
  assert.ok(rh0 > 49 && rh0 < 56 && rh2 > 64 && rh2 < 72, `${rh0} -> ${rh2}`);
  const bad = scenario('bad-rating-unanswered').signals(site, 1, { from: DAY_START });
  const ones = bad
    .events(DAY_START, DAY_START + 86_400_000)
    .filter((e) => e.type === 'rating' && e.score === 1 && e.window === 'W02');
  assert.ok(ones.some((e) => Date.parse(String(e.ts)) === Date.parse('2025-05-06T10:15:00+08:00')));
});

test('history yields time-ordered batches covering [from, to)', async () => {
  const from = Date.parse('2025-05-06T09:00:00+08:00');
  const to = from + 3 * 3_600_000;
  const batches = [];
  for await (const b of generateHistory({
    scenario: scenario('crc-errors'),
    site,
    seed: 2,
    from,
    to,
    batchSize: 2000,
    incidentAt: from + 30 * MIN,
  }))
    batches.push(b);
  assert.ok(batches.length > 5);
  assert.equal(batches[0]!.from, from);
  assert.equal(batches.at(-1)!.to, to);
  let prevTs = -Infinity;
  let prevTo = from;
  let noise = 0;
  let mr2 = 0;
  let events = 0;
  for (const b of batches) {
    assert.equal(b.from, prevTo, 'contiguous');
    prevTo = b.to;
    assert.ok(b.readings.length <= 2000);
    for (const r of b.readings) {
      const t = Date.parse(String(r.ts));
      assert.ok(t >= prevTs && t >= b.from && t < b.to, 'time order within the batch span');
      prevTs = t;
      if (r.metric === 'noise_laeq') noise++;
      if (r.sensor === 'mr-th-2') mr2++;
    }
    for (const e of b.events) assert.ok(Date.parse(String(e.ts)) >= b.from && Date.parse(String(e.ts)) < b.to);
    events += b.events.length;
  }
  assert.equal(noise, 2 * 3 * 3600, 'two noise sensors at 1 s');
  // mr-th-2: 2 metrics × 180 minutes, minus the 60 s CRC burst (one minute of each metric).
  assert.equal(mr2, 2 * 180 - 2);
  assert.ok(events > 50);
});

test('SimClock runs at its speed from its start', () => {
  let real = 1_000_000;
  const clock = new SimClock({ start: DAY_START, speed: 60, real: { now: () => real } });
  assert.equal(clock.now(), DAY_START);
  real += 1000;
  assert.equal(clock.now(), DAY_START + 60_000);
  assert.equal(clock.realDelayUntil(DAY_START + 120_000), 1000);
  assert.throws(() => new SimClock({ speed: 0 }));
});
