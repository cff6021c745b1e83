// Engine properties for every rule kind: readings out of order within the late bound give the same
// transitions as in order; a snapshot/restore (through JSON) in the middle of a minimum duration or
// window gives the same transitions as an uninterrupted run; late and duplicate inputs are counted;
// replay() (evidence) matches the live path.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { replay, type ReplayInput } from '@hallmon/rules';
import {
  at,
  canonical,
  event,
  makeEngine,
  MIN,
  reading,
  run,
  runWithRestart,
  S,
  series,
  shuffleWithinBound,
  status,
  type Step,
} from './fixture.ts';

const repeat = (v: number, n: number) => Array.from({ length: n }, () => v);
const t0 = at('2025-05-06 10:00');
const END = at('2025-05-20 00:00');

const scenarios: Record<string, { steps: Step[]; rule: string }> = {
  'laeq-window': {
    rule: 'noise-laeq-5min',
    steps: [
      ...series('hall-noise-1', 'noise_laeq', t0, S, [...repeat(90, 400), ...repeat(78, 200), ...repeat(70, 400)]),
      { advance: t0 + 1100 * S },
    ],
  },
  range: {
    rule: 'mr-temperature',
    steps: [
      ...series('mr-th-1', 'temperature', t0, 10 * S, [
        ...repeat(26, 5),
        ...repeat(27.4, 50),
        ...repeat(26.8, 5),
        ...repeat(26, 10),
      ]),
      { advance: t0 + 800 * S },
    ],
  },
  'dew-point': {
    rule: 'mr-dew-point',
    steps: [
      ...Array.from({ length: 60 }, (_, i) => [
        reading('mr-th-1', 'temperature', 22, t0 + i * 10 * S),
        reading('mr-th-1', 'humidity', i < 45 ? 75 : 50, t0 + i * 10 * S + 2 * S),
      ]).flat(),
      { advance: t0 + 700 * S },
    ],
  },
  'rate-of-change': {
    rule: 'mr-rate-of-change',
    steps: [
      ...series('mr-th-1', 'temperature', t0, 30 * S, [
        ...Array.from({ length: 24 }, (_, i) => 18.5 + 0.25 * i),
        ...repeat(24.25, 40),
      ]),
      { advance: t0 + 40 * MIN },
    ],
  },
  'daily-swing': {
    rule: 'ar-temperature-swing',
    steps: [
      ...series(
        'ar-th-1',
        'temperature',
        at('2025-05-06 23:30'),
        30 * S,
        Array.from({ length: 120 }, (_, i) => 20 + (i % 24) * 0.25),
      ),
      { advance: at('2025-05-08 01:00') },
    ],
  },
  gap: {
    rule: 'mr-gap',
    steps: [
      ...series('mr-th-1', 'temperature', t0, 10 * S, repeat(22, 20)),
      { advance: t0 + 20 * MIN },
      ...series('mr-th-1', 'temperature', t0 + 30 * MIN, 10 * S, repeat(22, 20)),
      { advance: t0 + 40 * MIN },
    ],
  },
  'device-offline': {
    rule: 'device-offline',
    steps: [
      status('eval-w01', 'offline', t0 - 40 * S),
      status('eval-w01', 'online', t0 - 20 * S),
      status('eval-w01', 'offline', t0),
      { advance: t0 + 5 * MIN },
      { advance: t0 + 15 * MIN },
      status('eval-w01', 'online', t0 + 30 * MIN),
      { advance: t0 + 40 * MIN },
    ],
  },
  'evaluation-rate': {
    rule: 'evaluation-rate',
    steps: [
      ...Array.from({ length: 20 }, (_, i) =>
        event({ device: 'queue-1', type: 'ticket_served', window: 'W01', ts: t0 + i * 20 * S }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        event({ device: 'eval-w01', type: 'rating', score: 5, ts: t0 + i * 40 * S + 1 }),
      ),
      { advance: at('2025-05-08 01:00') },
    ],
  },
  'bad-rating-followup': {
    rule: 'bad-rating-followup',
    steps: [
      event({ device: 'eval-w02', type: 'rating', score: 1, ts: t0 }),
      event({ device: 'eval-w02', type: 'rating', score: 2, ts: t0 + 5 * S }),
      { advance: at('2025-05-08 12:00') },
      { resolve: { id: `demo:eval-w02:${t0 + 5 * S}`, stage: 'resolved', ts: at('2025-05-09 10:00') } },
      { advance: END },
    ],
  },
};

// Sort the evaluation-rate inputs by time (they were built per device).
const evs = scenarios['evaluation-rate']!.steps;
const tsOf = (s: Step) => ('event' in s ? Date.parse(s.event.ts as string) : Infinity);
scenarios['evaluation-rate']!.steps = [
  ...evs.filter((s) => 'event' in s).sort((a, b) => tsOf(a) - tsOf(b)),
  ...evs.filter((s) => !('event' in s)),
];

for (const [kind, { steps, rule }] of Object.entries(scenarios)) {
  test(`${kind}: the scenario raises ${rule} (so the comparisons below mean something)`, () => {
    const { transitions } = run(steps);
    assert.ok(
      transitions.some((t) => t.alarm.rule === rule && t.type === 'raise'),
      JSON.stringify(transitions.map((t) => t.alarm.id)),
    );
    assert.ok(transitions.some((t) => t.alarm.rule === rule && t.type === 'clear'));
  });

  test(`${kind}: readings out of order within the 60 s bound give the same transitions as in order`, () => {
    let seed = 1;
    while (seed < 50 && JSON.stringify(shuffleWithinBound(steps, seed)) === JSON.stringify(steps)) seed++;
    const shuffled = shuffleWithinBound(steps, seed);
    assert.notDeepEqual(shuffled, steps, 'the shuffle changed the order');
    const a = run(steps);
    const b = run(shuffled);
    assert.deepEqual(canonical(b.transitions), canonical(a.transitions));
    assert.equal(b.engine.counters().late ?? 0, 0);
  });

  test(`${kind}: snapshot/restore part-way gives the same transitions as an uninterrupted run`, () => {
    const whole = run(steps);
    for (const k of [1, Math.floor(steps.length / 3), Math.floor(steps.length / 2), steps.length - 2]) {
      const restarted = runWithRestart(steps, k);
      assert.deepEqual(restarted.transitions, whole.transitions, `restart after step ${k}`);
      assert.deepEqual(restarted.excursions, whole.excursions);
    }
  });
}

test('a restart in the middle of the 300 s minimum duration resumes the half-elapsed duration', () => {
  // 27.4 °C from t0 every 10 s; restart after 150 s (reading 16): the raise still comes at t0 + 300 s.
  const steps = series('mr-th-1', 'temperature', t0, 10 * S, repeat(27.4, 60));
  const restarted = runWithRestart(steps, 16, { lateBoundS: 0 });
  const raise = restarted.transitions.find((t) => t.alarm.rule === 'mr-temperature')!;
  assert.equal(raise.atMs, t0 + 300 * S);
  assert.equal(raise.alarm.startedAt, new Date(t0).toISOString());
  // Without the snapshot the new engine would only start counting at reading 16.
  const fresh = run(steps.slice(16), { lateBoundS: 0 }).transitions.find((t) => t.alarm.rule === 'mr-temperature')!;
  assert.equal(fresh.atMs, t0 + 460 * S);
});

test('readings older than the late bound are counted as late and ignored; duplicates are counted', () => {
  const steps: Step[] = [
    reading('mr-th-1', 'temperature', 22, t0 + 100 * S),
    reading('mr-th-1', 'temperature', 22, t0 + 100 * S),
    reading('mr-th-1', 'temperature', 40, t0 + 41 * S), // 59 s older: reordered
    reading('mr-th-1', 'temperature', 40, t0 + 39 * S), // 61 s older: late
  ];
  const { engine } = run(steps);
  assert.deepEqual(engine.counters(), { duplicate: 1, late: 1 });
  assert.throws(() => engine.restore({ version: 2 }), /not a snapshot/);
});

test('replay() of recorded inputs gives the live transitions and evidence records', () => {
  const inputs: ReplayInput[] = [
    ...series('mr-th-1', 'temperature', t0, 10 * S, [...repeat(28, 40), ...repeat(22, 10)]),
    ...series('mr-th-1', 'temperature', t0 + 20 * MIN, 10 * S, repeat(22, 10)),
  ];
  const live = run([...inputs, { advance: t0 + 30 * MIN }]);
  const r = replay(makeEngine(), inputs, t0 + 30 * MIN - 60 * S);
  assert.deepEqual(canonical(r.transitions), canonical(live.transitions));
  assert.deepEqual(r.excursions, live.engine.excursions);
  assert.deepEqual(r.gaps, live.engine.gaps);
  assert.equal(r.gaps.length, 1);
  assert.equal(r.excursions.find((x) => x.rule === 'mr-temperature')!.durationS, 400);
});
