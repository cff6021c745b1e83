// The hall manager's rolling noise windows (LAeq over 1, 5, 15 and 60 min with L10/L50/L90/Lmax)
// against a trace computed by hand: 45 min at 50 dB(A), 10 min at 60, 4 min at 70, then 40 s at 80
// and 20 s at 90, one reading a second. Energy mean (IEC 61672-1) and time-weighted exceedance
// levels, to 0.1 dB; the live RollingNoise and the pure noiseWindow agree.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { NOISE_WINDOWS_S, noiseWindow, RollingNoise, type LevelSample } from '@hallmon/rules';

const t0 = Date.parse('2025-05-06T09:00:00+08:00');
const trace: LevelSample[] = [];
const add = (level: number, seconds: number) => {
  for (let i = 0; i < seconds; i++) trace.push({ ts: t0 + (trace.length + 1) * 1000, level, dur: 1 });
};
add(50, 2700);
add(60, 600);
add(70, 240);
add(80, 40);
add(90, 20);
const end = trace.at(-1)!.ts;

/**
 * By hand (energy of L for t s = t·10^(L/10)):
 * 1 min:  20·10^9 + 40·10^8 = 2.4e10 over 60 s -> 10·log10(4e8) = 86.02; L10 90 (6 s < 20 s at 90),
 *         L50 80 (30 s: 20 at 90 then 80), L90 80, Lmax 90.
 * 5 min:  + 240·10^7 = 2.64e10 over 300 s -> 10·log10(8.8e7) = 79.44; L10 80 (30 s), L50 70 (150 s), L90 70.
 * 15 min: + 600·10^6 = 2.7e10 over 900 s -> 10·log10(3e7) = 74.77; L10 70 (90 s), L50 60 (450 s), L90 60.
 * 60 min: + 2700·10^5 = 2.727e10 over 3600 s -> 10·log10(7.575e6) = 68.79; L10 60 (360 s), L50 50, L90 50.
 */
const expected: Record<number, [number, number, number, number, number, number]> = {
  60: [86.02, 90, 80, 80, 90, 60],
  300: [79.44, 80, 70, 70, 90, 300],
  900: [74.77, 70, 60, 60, 90, 900],
  3600: [68.79, 60, 50, 50, 90, 3600],
};

test('LAeq, L10, L50, L90 and Lmax of a hand-computed trace, over 1, 5, 15 and 60 min, to 0.1 dB', () => {
  assert.deepEqual([...NOISE_WINDOWS_S], [60, 300, 900, 3600]);
  for (const w of NOISE_WINDOWS_S) {
    const st = noiseWindow(trace, end, w)!;
    const [laeq, l10, l50, l90, lmax, seconds] = expected[w]!;
    assert.ok(Math.abs(st.laeq - laeq) < 0.1, `${w} s: LAeq ${st.laeq} vs ${laeq}`);
    assert.ok(Math.abs(st.l10 - l10) < 0.1, `${w} s: L10 ${st.l10} vs ${l10}`);
    assert.ok(Math.abs(st.l50 - l50) < 0.1, `${w} s: L50 ${st.l50} vs ${l50}`);
    assert.ok(Math.abs(st.l90 - l90) < 0.1, `${w} s: L90 ${st.l90} vs ${l90}`);
    assert.equal(st.lmax, lmax);
    assert.equal(st.durationS, seconds);
    assert.equal(st.end, end);
  }
});

test('the live rolling windows give the same figures, counting a reading seen twice once', () => {
  const live = new RollingNoise();
  // History first (what the page fetches), then the live feed repeating the last minute.
  for (const s of trace) live.push(s);
  for (const s of trace.slice(-60)) live.push({ ...s });
  for (const w of NOISE_WINDOWS_S) {
    const a = live.window(w)!;
    const b = noiseWindow(trace, end, w)!;
    assert.ok(Math.abs(a.laeq - b.laeq) < 1e-9, `${w}`);
    assert.deepEqual([a.l10, a.l50, a.l90, a.lmax, a.durationS], [b.l10, b.l50, b.l90, b.lmax, b.durationS]);
  }
  // An hour is kept, no more: the first reading is gone once a new one arrives.
  assert.equal(live.size, 3600);
  live.push({ ts: end + 1000, level: 50, dur: 1 });
  assert.equal(live.size, 3600);
  assert.equal(new RollingNoise().window(60), null);
  assert.equal(noiseWindow(trace, t0 - 1000, 60), null, 'no reading in the window');
});
