import { describe, it, expect } from 'vitest';
import { excursionsAbove, gaps, fastChanges } from './excursions.ts';

const M = 60_000;

describe('excursionsAbove', () => {
  it('opens above max and clears only at or below clearMax (hysteresis)', () => {
    const t = [0, 1, 2, 3, 4, 5].map((i) => i * M);
    const v = [70, 82, 79, 78, 77, 70];
    expect(excursionsAbove({ t, v }, { max: 80, clearMax: 77 })).toEqual([{ from: 1 * M, to: 4 * M }]);
  });
  it('on a rolling 5-point energy mean, one loud minute is not an excursion', () => {
    const t = Array.from({ length: 20 }, (_, i) => i * M);
    const v = t.map((_, i) => (i === 10 ? 86 : 70));
    expect(excursionsAbove({ t, v }, { max: 80, clearMax: 77, windowN: 5, energy: true })).toEqual([]);
    const loud = t.map((_, i) => (i >= 5 && i < 12 ? 85 : 70));
    const spans = excursionsAbove({ t, v: loud }, { max: 80, clearMax: 77, windowN: 5, energy: true });
    expect(spans).toHaveLength(1);
  });
  it('an excursion still open at the end runs to the last point plus a step', () => {
    expect(excursionsAbove({ t: [0, M], v: [70, 90] }, { max: 80 })).toEqual([{ from: M, to: 2 * M }]);
  });
});

describe('gaps and fast changes', () => {
  it('finds silences longer than the threshold, including at the range ends', () => {
    const t = [10, 11, 12, 20, 21].map((i) => i * M);
    expect(gaps(t, 5 * M)).toEqual([{ from: 12 * M, to: 20 * M }]);
    expect(gaps(t, 5 * M, { from: 0, to: 30 * M })).toEqual([
      { from: 0, to: 10 * M },
      { from: 12 * M, to: 20 * M },
      { from: 21 * M, to: 30 * M },
    ]);
    expect(gaps([], 5 * M, { from: 0, to: 30 * M })).toEqual([{ from: 0, to: 30 * M }]);
  });
  it('marks the start of a change over 5 °C within 15 min once', () => {
    const t = Array.from({ length: 40 }, (_, i) => i * M);
    const v = t.map((_, i) => (i < 20 ? 22 : 22 + (i - 19) * 0.6));
    const marks = fastChanges({ t, v }, 15 * M, 5);
    expect(marks).toHaveLength(1);
    expect(marks[0]).toBeGreaterThan(20);
    expect(fastChanges({ t, v: t.map(() => 22) }, 15 * M, 5)).toEqual([]);
  });
});
