// LAeq is the energy mean (IEC 61672-1): hand-computed levels, the noise-laeq rules of clause 1.3.3
// with their hysteresis, limits, opening hours and gaps.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { laeq, noiseStats } from '@hallmon/rules';
import { at, iso, only, reading, run, S, type Step } from './fixture.ts';

const NOISE = 'hall-noise-1';
/** values[i] at t0 + i s, 1 s each. */
const noise = (t0: number, values: number[]): Step[] =>
  values.map((v, i) => reading(NOISE, 'noise_laeq', v, t0 + i * S, 1));
const repeat = (v: number, n: number) => Array.from({ length: n }, () => v);
const alternating = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 90 : 60));

test('laeq(): 90 and 60 dB(A) alternating each second is 87.0, not 75', () => {
  // 10·log10((10^9 + 10^6) / 2) = 86.9940
  const l = laeq(alternating(300).map((level) => ({ level, dur: 1 })))!;
  assert.ok(Math.abs(l - 86.994) < 0.001, String(l));
  // A 2 s interval weighs twice a 1 s interval: (2·10^9 + 10^6)/3 -> 88.2405
  assert.ok(
    Math.abs(
      laeq([
        { level: 90, dur: 2 },
        { level: 60, dur: 1 },
      ])! - 88.2405,
    ) < 0.001,
  );
  assert.equal(laeq([]), null);
});

test('noiseStats(): L10/L50/L90/Lmax are time-weighted exceedance levels', () => {
  // 10 s: 1 s at 95, 4 s at 80, 5 s at 60. L10 = level exceeded 10 % of the time (the top second's
  // neighbour: exceedance must be strictly > 1 s), L50 = 80 (5 s at >= 80), L90 = 60.
  const levels = [
    { level: 95, dur: 1 },
    ...repeat(80, 4).map((level) => ({ level, dur: 1 })),
    ...repeat(60, 5).map((level) => ({ level, dur: 1 })),
  ];
  const st = noiseStats(levels)!;
  assert.equal(st.lmax, 95);
  assert.equal(st.l10, 80);
  assert.equal(st.l50, 60);
  assert.equal(st.l90, 60);
  assert.equal(st.durationS, 10);
  // (10^9.5 + 4·10^8 + 5·10^6)/10 -> 10·log10(3.5673e8) = 85.5233
  assert.ok(Math.abs(st.laeq - 85.5233) < 0.001, String(st.laeq));
});

test('a hall alternating 90 and 60 dB(A) each second is an excursion of LAeq,5min (≈ 87.0)', () => {
  const t0 = at('2025-05-06 10:00'); // Tuesday, open 09:00-17:00
  const { transitions } = run(noise(t0, alternating(600)), { lateBoundS: 0 });
  const five = only(transitions, 'noise-laeq-5min');
  assert.equal(five.length, 1, 'raised once, not cleared');
  assert.equal(five[0]!.type, 'raise');
  // Judged once half the 300 s window is covered: reading 149 (150 s of data).
  assert.equal(five[0]!.atMs, t0 + 149 * S);
  assert.equal(five[0]!.alarm.startedAt, iso(t0 + 149 * S));
  assert.equal(five[0]!.alarm.limit, 80);
  assert.equal(five[0]!.alarm.id, `demo:noise-laeq-5min:${NOISE}:${t0 + 149 * S}`);
  const peak = five[0]!.alarm.peak!;
  assert.ok(peak > 86.9 && peak < 87.1, String(peak));
});

test('a 70 dB(A) hall with a few seconds at 95 is not an excursion', () => {
  // 3 s at 95 in 300 s of 70: (297·10^7 + 3·10^9.5)/300 -> 76.18 dB(A) < 80; LAeq,1min 82.2 < 85.
  const t0 = at('2025-05-06 10:00');
  const values = repeat(70, 600);
  values[400] = values[401] = values[402] = 95;
  const { transitions } = run(noise(t0, values), { lateBoundS: 0 });
  assert.deepEqual(transitions, []);
});

test('exactly 80 dB(A) is not above 80; 80.1 is', () => {
  const t0 = at('2025-05-06 10:00');
  assert.deepEqual(only(run(noise(t0, repeat(80, 600)), { lateBoundS: 0 }).transitions, 'noise-laeq-5min'), []);
  const raised = only(run(noise(t0, repeat(80.1, 600)), { lateBoundS: 0 }).transitions, 'noise-laeq-5min');
  assert.equal(raised.length, 1);
  assert.equal(raised[0]!.alarm.peak, 80.1);
});

test('clearing follows the hysteresis: below 80 but above 77 stays raised, at 77 it clears', () => {
  const t0 = at('2025-05-06 10:00');
  // 360 s at 90, 360 s at 78, then 77. LAeq,5min reaches exactly 78 at reading 719 (< 80, > 77)
  // and exactly 77 at reading 1019 (readings 720..1019 all 77): the clear.
  const values = [...repeat(90, 360), ...repeat(78, 360), ...repeat(77, 400)];
  const upTo1018 = only(run(noise(t0, values.slice(0, 1019)), { lateBoundS: 0 }).transitions, 'noise-laeq-5min');
  assert.deepEqual(
    upTo1018.map((t) => t.type),
    ['raise'],
    'still raised at LAeq 78 and just above 77',
  );
  const all = only(run(noise(t0, values), { lateBoundS: 0 }).transitions, 'noise-laeq-5min');
  assert.deepEqual(
    all.map((t) => t.type),
    ['raise', 'clear'],
  );
  assert.equal(all[1]!.atMs, t0 + 1019 * S);
  assert.equal(all[1]!.alarm.clearedAt, iso(t0 + 1019 * S));
  assert.equal(all[1]!.alarm.id, all[0]!.alarm.id, 'raise and clear share the stable id');
  assert.equal(all[1]!.alarm.peak, 90);
});

test('an excursion open at closing time ends at closing time; nothing is judged after hours', () => {
  const t0 = at('2025-05-06 16:50'); // closes 17:00
  const { transitions, excursions } = run([...noise(t0, repeat(90, 1200)), { advance: t0 + 1300 * S }], {
    lateBoundS: 0,
  });
  const five = only(transitions, 'noise-laeq-5min');
  assert.deepEqual(
    five.map((t) => t.type),
    ['raise', 'clear'],
  );
  assert.equal(five[1]!.alarm.clearedAt, iso(at('2025-05-06 17:00')));
  const x = excursions.find((e) => e.rule === 'noise-laeq-5min')!;
  assert.equal(x.endReason, 'closing');
  assert.equal(x.end, at('2025-05-06 17:00'));
  // Before opening (08:40-08:59:59) nothing is judged either.
  const early = run(noise(at('2025-05-06 08:40'), repeat(90, 1800)), { lateBoundS: 0 }).transitions;
  const raise = only(early, 'noise-laeq-5min')[0]!;
  assert.equal(raise.alarm.startedAt, iso(at('2025-05-06 09:00') + 149 * S), 'first judged 150 s after opening');
});

test('a gap in the data ends the excursion at the last reading that showed it', () => {
  const t0 = at('2025-05-06 10:00');
  // 400 s at 90, then 2 min of silence (> 5× the 1 s interval), then 90 again.
  const steps = [...noise(t0, repeat(90, 400)), ...noise(t0 + 520 * S, repeat(90, 60))];
  const { transitions, excursions } = run(steps, { lateBoundS: 0 });
  const five = only(transitions, 'noise-laeq-5min');
  assert.deepEqual(
    five.map((t) => t.type),
    ['raise', 'clear', 'raise'],
  );
  assert.equal(five[1]!.alarm.clearedAt, iso(t0 + 399 * S));
  const x = excursions.find((e) => e.rule === 'noise-laeq-5min')!;
  assert.equal(x.endReason, 'gap');
  assert.equal(x.end, t0 + 399 * S);
  assert.equal(five[2]!.alarm.startedAt, iso(t0 + 520 * S), 'a new excursion with a new id after the gap');
});
