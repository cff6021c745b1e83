// range rules: machine room (GB 50174-2017, raw readings, 5 min minimum duration, hysteresis, gaps),
// hall climate by season and opening hours (GB/T 18883-2022, 15 min means), archive hourly means,
// and limits overridden per site, per zone and by the catalogue's legacy 2008 class C profile.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { ConfigError } from '@hallmon/firmware-config';
import { mergeLimits } from '@hallmon/rules';
import { at, iso, MIN, only, reading, run, S, series, type Step } from './fixture.ts';

const MR = 'mr-th-1';
const temp = (t0: number, stepMs: number, values: number[]) => series(MR, 'temperature', t0, stepMs, values);
const repeat = (v: number, n: number) => Array.from({ length: n }, () => v);
const t0 = at('2025-05-06 03:00'); // machine-room rules run around the clock

test('exactly 27.0 °C is not above 27; 27.1 held exactly 300 s is an excursion that starts when it began', () => {
  assert.deepEqual(only(run(temp(t0, 10 * S, repeat(27, 60)), { lateBoundS: 0 }).transitions, 'mr-temperature'), []);
  // 27.1 at t0, t0+10 s, ..., t0+300 s: held for exactly minDurationS.
  const { transitions } = run(temp(t0, 10 * S, repeat(27.1, 31)), { lateBoundS: 0 });
  const mr = only(transitions, 'mr-temperature');
  assert.equal(mr.length, 1);
  assert.equal(mr[0]!.atMs, t0 + 300 * S);
  assert.equal(mr[0]!.alarm.startedAt, iso(t0));
  assert.equal(mr[0]!.alarm.limit, 27);
  // 290 s is not enough, and a dip back inside the limits starts the duration over.
  assert.deepEqual(
    only(
      run(temp(t0, 10 * S, [...repeat(27.1, 30), 26, ...repeat(27.1, 30)]), { lateBoundS: 0 }).transitions,
      'mr-temperature',
    ),
    [],
  );
});

test('hysteresis: 26.8 (inside 27, above clearMax 26.5) stays raised; 26.5 clears', () => {
  const values = [...repeat(27.4, 31), ...repeat(26.8, 20), 26.5, 26.5];
  const mr = only(run(temp(t0, 10 * S, values), { lateBoundS: 0 }).transitions, 'mr-temperature');
  assert.deepEqual(
    mr.map((t) => t.type),
    ['raise', 'clear'],
  );
  assert.equal(mr[1]!.atMs, t0 + 510 * S);
  assert.equal(mr[1]!.alarm.peak, 27.4);
});

test('below the minimum: the peak is the lowest value and the limit is min', () => {
  const mr = only(
    run(temp(t0, 10 * S, [...repeat(17.9, 20), 17.2, ...repeat(17.9, 10)]), { lateBoundS: 0 }).transitions,
    'mr-temperature',
  );
  assert.equal(mr.length, 1);
  assert.equal(mr[0]!.alarm.limit, 18);
  assert.equal(mr[0]!.alarm.peak, 17.2);
});

test('a gap longer than the zone gap threshold (mr-gap 300 s) ends the excursion at its last reading', () => {
  const steps: Step[] = [...temp(t0, 10 * S, repeat(28, 40)), { advance: t0 + 390 * S + 301 * S }];
  const { transitions, excursions } = run(steps, { lateBoundS: 0 });
  const mr = only(transitions, 'mr-temperature');
  assert.deepEqual(
    mr.map((t) => t.type),
    ['raise', 'clear'],
  );
  assert.equal(mr[1]!.alarm.clearedAt, iso(t0 + 390 * S));
  assert.equal(excursions.find((x) => x.rule === 'mr-temperature')!.endReason, 'gap');
  assert.deepEqual(
    only(transitions, 'mr-gap').map((t) => t.type),
    ['raise'],
  );
  // 300 s of silence exactly is not a gap: the excursion carries on.
  const tight = run([...temp(t0, 10 * S, repeat(28, 40)), { advance: t0 + 390 * S + 300 * S }], { lateBoundS: 0 });
  assert.deepEqual(
    only(tight.transitions, 'mr-temperature').map((t) => t.type),
    ['raise'],
  );
});

test('hall temperature by season: the summer limits in July, the winter limits in January, only in opening hours', () => {
  // 15 min means (judged once 7.5 min of data), held 15 min. Readings each minute from 10:00.
  const hall = (start: number, v: number, n: number) => series('hall-th-1', 'temperature', start, MIN, repeat(v, n));
  const july = run(hall(at('2025-07-08 10:00'), 29, 40), { lateBoundS: 0 }).transitions;
  const summer = only(july, 'hall-temperature-summer');
  assert.equal(summer.length, 1);
  assert.equal(summer[0]!.alarm.startedAt, iso(at('2025-07-08 10:08')), 'first judged mean: 10:00-10:08 spans 8 min');
  assert.equal(summer[0]!.atMs, at('2025-07-08 10:23'));
  assert.deepEqual(only(july, 'hall-temperature-winter'), []);
  // 25 °C: fine in summer (22-28), too warm in winter (16-24).
  assert.deepEqual(
    only(run(hall(at('2025-07-08 10:00'), 25, 40), { lateBoundS: 0 }).transitions, 'hall-temperature-summer'),
    [],
  );
  const jan = run(hall(at('2025-01-07 10:00'), 25, 40), { lateBoundS: 0 }).transitions;
  assert.equal(only(jan, 'hall-temperature-winter').length, 1);
  assert.deepEqual(only(jan, 'hall-temperature-summer'), []);
  // 29 °C after hours (18:00-18:40) is not judged.
  assert.deepEqual(run(hall(at('2025-07-08 18:00'), 29, 40), { lateBoundS: 0 }).transitions, []);
  // Season bounds are inclusive: 09-30 is summer, 10-01 is winter.
  assert.equal(
    only(run(hall(at('2025-09-30 10:00'), 29, 40), { lateBoundS: 0 }).transitions, 'hall-temperature-summer').length,
    1,
  );
  assert.deepEqual(
    only(run(hall(at('2025-10-09 10:00'), 29, 40), { lateBoundS: 0 }).transitions, 'hall-temperature-summer'),
    [],
  );
});

test('archive room hourly mean: a mean of exactly 24.0 is not above 24; 24.1 is (judged after half an hour)', () => {
  const ar = (v: number) => series('ar-th-1', 'temperature', t0, MIN, repeat(v, 90));
  assert.deepEqual(only(run(ar(24), { lateBoundS: 0 }).transitions, 'ar-temperature'), []);
  const hot = only(run(ar(24.1), { lateBoundS: 0 }).transitions, 'ar-temperature');
  assert.equal(hot.length, 1);
  assert.equal(hot[0]!.alarm.startedAt, iso(t0 + 30 * MIN));
});

test('limits are overridable: legacy 2008 class C profile, a zone override, with the hysteresis width kept', () => {
  const hot = temp(t0, 10 * S, repeat(27.5, 40));
  assert.equal(only(run(hot, { lateBoundS: 0 }).transitions, 'mr-temperature').length, 1);
  const legacy = { lateBoundS: 0, limitProfiles: [{ profile: 'machine-room-legacy-2008-class-c' }] };
  assert.deepEqual(only(run(hot, legacy).transitions, 'mr-temperature'), []);
  const zoned = {
    lateBoundS: 0,
    overrides: [{ rule: 'mr-temperature', zone: 'machine-room', limits: { max: 30 }, minDurationS: 60 }],
  };
  assert.deepEqual(only(run(hot, zoned).transitions, 'mr-temperature'), []);
  const otherZone = { lateBoundS: 0, overrides: [{ rule: 'mr-temperature', zone: 'hall', limits: { max: 30 } }] };
  assert.equal(only(run(hot, otherZone).transitions, 'mr-temperature').length, 1);
  const short = only(
    run(hot, { lateBoundS: 0, overrides: [{ rule: 'mr-temperature', minDurationS: 60 }] }).transitions,
    'mr-temperature',
  );
  assert.equal(short[0]!.atMs, t0 + 60 * S);
  // 27/26.5 moved to 28 clears at 27.5; an untouched side stays.
  assert.deepEqual(mergeLimits({ min: 18, max: 27, clearMin: 18.5, clearMax: 26.5 }, { max: 28 }), {
    max: 28,
    clearMax: 27.5,
    min: 18,
    clearMin: 18.5,
  });
  assert.throws(
    () => run([], { overrides: [{ rule: 'no-such-rule' }] }),
    (e: unknown) => e instanceof ConfigError && /unknown rule "no-such-rule"/.test(e.message),
  );
  assert.throws(() => run([], { limitProfiles: [{ profile: 'nope' }] }), ConfigError);
});

test('readings of bad quality or unknown sensors are counted, not judged', () => {
  const { engine, transitions } = run(
    [
      { reading: { sensor: MR, metric: 'temperature', value: 40, ts: iso(t0), quality: 'out-of-range' } },
      { reading: { sensor: 'nobody', metric: 'temperature', value: 40, ts: iso(t0), quality: 'ok' } },
      { reading: { sensor: MR, metric: 'co2', value: 400, ts: iso(t0), quality: 'ok' } },
      { reading: { sensor: MR, metric: 'temperature', value: 20, ts: 'yesterday', quality: 'ok' } },
      reading(MR, 'temperature', Number.NaN, t0),
    ],
    { lateBoundS: 0 },
  );
  assert.deepEqual(transitions, []);
  assert.deepEqual(engine.counters(), {
    'bad-quality': 1,
    'unknown-sensor': 1,
    'unknown-metric': 1,
    'bad-timestamp': 1,
    'not-finite': 1,
  });
});
