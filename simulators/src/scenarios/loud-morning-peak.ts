// Clause 1.3.3 (noise "不持续高于80分贝"): a crowded morning peak holds the hall well above 80 dB(A)
// for about 40 minutes, so the 5-minute LAeq rule must raise and later clear an excursion.
import { gauss } from '../random.ts';
import { makeScenario, smoothstep } from './compose.ts';

const MIN = 60_000;
const LOUD_MS = 40 * MIN;

export const loudMorningPeak = makeScenario({
  name: 'loud-morning-peak',
  title: 'Loud morning peak',
  description: 'hall LAeq around 84 dB(A) for 40 minutes in the morning peak (09:30-10:10): a 1.3.3 noise excursion',
  durationS: 3_600,
  incident: { localTime: '09:30', days: 'open' },
  overlay: {
    value(ctx, sensor, metric, t, base) {
      if (metric !== 'noise_laeq' || sensor.zone !== 'hall') return base;
      // Ramp up over 2 minutes and down over 3, around a crowd level of 83 dB with a per-second
      // spread of 3 dB (energy mean about 84 dB(A)).
      const w =
        smoothstep(ctx.at, ctx.at + 2 * MIN, t) * (1 - smoothstep(ctx.at + LOUD_MS, ctx.at + LOUD_MS + 3 * MIN, t));
      if (w === 0) return base;
      const loud = 83 + 3 * gauss(ctx.seed, `crowd:${sensor.id}`, Math.floor(t / 1000));
      // Energy sum of the normal hall and the crowd, weighted by the ramp.
      return 10 * Math.log10(10 ** (base / 10) + w * 10 ** (loud / 10));
    },
  },
});
