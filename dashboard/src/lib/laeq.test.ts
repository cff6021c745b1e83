import { describe, it, expect } from 'vitest';
import { energyMean, RollingLaeq } from './laeq.ts';

describe('energyMean', () => {
  it('is the energy mean, not the arithmetic mean (90/60 alternating is 87 dB, not 75)', () => {
    const samples = Array.from({ length: 300 }, (_, i) => ({ level: i % 2 ? 60 : 90 }));
    expect(energyMean(samples)!).toBeCloseTo(10 * Math.log10((1e9 + 1e6) / 2), 6);
    expect(Math.round(energyMean(samples)!)).toBe(87);
  });
  it('weights by duration', () => {
    expect(energyMean([{ level: 80, dur: 3 }, { level: 70, dur: 1 }])!).toBeCloseTo(10 * Math.log10((3e8 + 1e7) / 4), 6);
  });
  it('a constant level averages to itself; nothing gives null', () => {
    expect(energyMean([{ level: 65 }, { level: 65 }])!).toBeCloseTo(65, 9);
    expect(energyMean([])).toBeNull();
  });
  it('brief peaks do not make a sustained excursion: 5 s at 95 dB in a 70 dB hall over 5 min', () => {
    const s = Array.from({ length: 300 }, (_, i) => ({ level: i < 5 ? 95 : 70 }));
    expect(energyMean(s)!).toBeLessThan(80);
  });
});

describe('RollingLaeq', () => {
  it('keeps only the last window and counts a repeated timestamp once', () => {
    const r = new RollingLaeq(300);
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 600; i++) r.push({ ts: t0 + i * 1000, level: i < 300 ? 90 : 60 });
    expect(r.size).toBe(300);
    expect(r.value()!).toBeCloseTo(60, 9);
    r.push({ ts: t0 + 599_000, level: 60 });
    expect(r.size).toBe(300);
    expect(r.coveredS()).toBe(300);
  });
  it('is null when empty and ignores non-finite values', () => {
    const r = new RollingLaeq(60);
    r.push({ ts: 1, level: Number.NaN });
    expect(r.value()).toBeNull();
  });
});
