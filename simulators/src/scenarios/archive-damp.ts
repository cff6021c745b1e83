// Clause 5.3 (档案室防高湿; JGJ 25-2010: 45-60 %RH): the dehumidifier stops and the archive's RH
// drifts from ~52 % to ~68 % over two days, then stays damp until someone acts.
import { makeScenario, smoothstep } from './compose.ts';

const HOUR = 3_600_000;

export const archiveDamp = makeScenario({
  name: 'archive-damp',
  title: 'Damp archive room',
  description: 'archive-room RH drifts from ~52 % to ~68 % over two days (dehumidifier off): a 5.3 excursion',
  durationS: 3 * 86_400,
  incident: { localTime: '00:00', days: 'any' },
  overlay: {
    value(ctx, sensor, metric, t, base) {
      if (sensor.zone !== 'archive-room') return base;
      const f = smoothstep(ctx.at, ctx.at + 48 * HOUR, t);
      if (metric === 'humidity') return base + 16 * f;
      if (metric === 'temperature') return base + 0.6 * f;
      return base;
    },
  },
});
