// Machine-room rules beyond ranges (GB 50174-2017 Appendix A, clause 5.2.2): dew point from paired
// temperature and humidity (Magnus), rate of change within 15 min, monitoring gaps; and the
// archive room's daily swing (JGJ 25-2010 §5.2.3) over site-local calendar days.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { dewPoint } from '@hallmon/rules';
import { at, iso, MIN, only, reading, run, S, series, type Step } from './fixture.ts';

const MR = 'mr-th-1';
const t0 = at('2025-05-06 03:00');

test('Magnus dew point: 20 °C / 50 % -> 9.26 °C; 25 °C / 80 % -> 21.31 °C', () => {
  // γ = ln(0.5) + 17.62·20/263.12 = 0.646166; Td = 243.12·γ/(17.62 − γ) = 9.2554
  assert.ok(Math.abs(dewPoint(20, 50)! - 9.2554) < 0.001);
  // γ = ln(0.8) + 17.62·25/268.12 = 1.419781; Td = 21.3068
  assert.ok(Math.abs(dewPoint(25, 80)! - 21.3068) < 0.001);
  assert.equal(dewPoint(20, 0), null);
});

test('dew point pairs temperature and humidity of the same sensor within 5 s', () => {
  // 22 °C and 75 %RH -> Td 17.4 °C > 15 for 300 s. Humidity 2 s after temperature: paired.
  const pairs = (gapS: number, n: number): Step[] =>
    Array.from({ length: n }, (_, i) => [
      reading(MR, 'temperature', 22, t0 + i * 10 * S),
      reading(MR, 'humidity', 55 + 20, t0 + i * 10 * S + gapS * S),
    ]).flat();
  const paired = only(run(pairs(2, 31), { lateBoundS: 0 }).transitions, 'mr-dew-point');
  assert.equal(paired.length, 1);
  assert.equal(paired[0]!.alarm.startedAt, iso(t0 + 2 * S));
  assert.ok(Math.abs(paired[0]!.alarm.peak! - dewPoint(22, 75)!) < 1e-5);
  // 7 s apart: never paired, no dew point at all.
  assert.deepEqual(only(run(pairs(7, 31), { lateBoundS: 0 }).transitions, 'mr-dew-point'), []);
  // 20 °C / 50 % (Td 9.26, inside 5.5-15): nothing.
  const ok = Array.from({ length: 40 }, (_, i) => [
    reading(MR, 'temperature', 20, t0 + i * 10 * S),
    reading(MR, 'humidity', 50, t0 + i * 10 * S),
  ]).flat();
  assert.deepEqual(only(run(ok, { lateBoundS: 0 }).transitions, 'mr-dew-point'), []);
});

test('rate of change: exactly 5 °C within 15 min is not an excursion, 5.5 is; it clears when the window slides', () => {
  // 18.5 °C rising 0.5 °C a minute: at +10 min 23.5 (swing 5.0), at +11 min 24.0 (swing 5.5), then 24.0.
  const values = [...Array.from({ length: 12 }, (_, i) => 18.5 + 0.5 * i), ...Array.from({ length: 8 }, () => 24)];
  const roc = only(run(series(MR, 'temperature', t0, MIN, values), { lateBoundS: 0 }).transitions, 'mr-rate-of-change');
  assert.deepEqual(
    roc.map((t) => t.type),
    ['raise', 'clear'],
  );
  assert.equal(roc[0]!.atMs, t0 + 11 * MIN);
  assert.equal(roc[0]!.alarm.limit, 5);
  // The 18.5 at t0 stays in the window up to +15 min; at +16 min the window's min is 19.0: swing 5.0.
  assert.equal(roc[1]!.atMs, t0 + 16 * MIN);
  assert.equal(roc[1]!.alarm.peak, 5.5);
  const exact = only(
    run(series(MR, 'temperature', t0, MIN, values.slice(0, 11)), { lateBoundS: 0 }).transitions,
    'mr-rate-of-change',
  );
  assert.deepEqual(exact, []);
});

test('gap: raised when the watermark passes last + 300 s, cleared when data returns', () => {
  const last = t0 + 50 * S;
  const base = series(MR, 'temperature', t0, 10 * S, [22, 22, 22, 22, 22, 22]);
  // advance(now) puts the watermark at now − 60 s (the late bound).
  const notYet = run([...base, { advance: last + 300 * S + 60 * S }]).transitions;
  assert.deepEqual(only(notYet, 'mr-gap'), []);
  const { transitions, engine } = run([
    ...base,
    { advance: last + 301 * S + 60 * S },
    reading(MR, 'temperature', 22, last + 600 * S),
    { advance: last + 700 * S },
  ]);
  const gap = only(transitions, 'mr-gap');
  assert.deepEqual(
    gap.map((t) => t.type),
    ['raise', 'clear'],
  );
  assert.equal(gap[0]!.atMs, last + 300 * S);
  assert.equal(gap[0]!.alarm.startedAt, iso(last));
  assert.equal(gap[1]!.alarm.clearedAt, iso(last + 600 * S));
  assert.deepEqual(engine.gaps, [
    { rule: 'mr-gap', clause: '5.2.2', sensor: MR, start: last, end: last + 600 * S, durationS: 600 },
  ]);
  // Data back after exactly 300 s: no gap.
  assert.deepEqual(
    only(
      run([...base, reading(MR, 'temperature', 22, last + 300 * S), { advance: last + 400 * S }]).transitions,
      'mr-gap',
    ),
    [],
  );
});

test('daily swing over the site-local calendar day: 4.0 °C is not above 4, 4.1 is; cleared at local midnight', () => {
  const AR = 'ar-th-1';
  const steps: Step[] = [
    reading(AR, 'temperature', 20, at('2025-05-06 08:00')),
    reading(AR, 'temperature', 24, at('2025-05-06 14:00')),
    reading(AR, 'temperature', 20, at('2025-05-07 08:00')),
    reading(AR, 'temperature', 24.1, at('2025-05-07 14:00')),
    reading(AR, 'temperature', 22, at('2025-05-07 23:59')),
    // Across midnight (local): 19.5 at 23:59:30 and 24.5 at 00:00:30 belong to different days.
    reading(AR, 'temperature', 19.5, at('2025-05-07 23:59:30')),
    reading(AR, 'temperature', 24.5, at('2025-05-08 00:00:30')),
    { advance: at('2025-05-09 00:00') + 60 * S },
  ];
  const { transitions, excursions } = run(steps, { lateBoundS: 0 });
  const swing = only(transitions, 'ar-temperature-swing');
  assert.deepEqual(
    swing.map((t) => t.type),
    ['raise', 'clear'],
  );
  assert.equal(swing[0]!.alarm.startedAt, iso(at('2025-05-07 14:00')));
  assert.equal(swing[1]!.alarm.clearedAt, iso(at('2025-05-08 00:00')));
  const x = excursions.find((e) => e.rule === 'ar-temperature-swing')!;
  assert.equal(x.peak, 4.6, 'the whole day: 24.1 − 19.5');
  assert.equal(x.endReason, 'day-end');
});
