import { describe, it, expect } from 'vitest';
import { dewPoint } from './dew-point.ts';

describe('dewPoint (Magnus, b 17.62, c 243.12)', () => {
  it('matches reference values', () => {
    // 25 °C / 50 %RH -> 13.9 °C; 20 °C / 100 % -> 20 °C; 30 °C / 70 % -> 23.9 °C.
    expect(dewPoint(25, 50)!).toBeCloseTo(13.85, 1);
    expect(dewPoint(20, 100)!).toBeCloseTo(20, 6);
    expect(dewPoint(30, 70)!).toBeCloseTo(23.93, 1);
  });
  it('is below the temperature when RH < 100 and null for impossible input', () => {
    expect(dewPoint(22, 40)!).toBeLessThan(22);
    expect(dewPoint(22, 0)).toBeNull();
    expect(dewPoint(22, 120)).toBeNull();
    expect(dewPoint(Number.NaN, 50)).toBeNull();
  });
});
