// Clause 5.2.2: water under the precision air conditioner (a condensate pump fails): the leak rope
// on the DI module's channel closes for 15 minutes until someone mops up and fixes the pump. The
// "机房漏水" alarm is critical at once and clears when the rope is dry.
import { makeScenario } from './compose.ts';

const WET = 15 * 60_000;

export const waterLeak = makeScenario({
  name: 'water-leak',
  title: 'Machine-room water leak',
  description: 'water under the machine-room AC for 15 min (leak rope on the DI module), then dried',
  durationS: 1_800,
  incident: { localTime: '11:00', days: 'any' },
  overlay: {
    value: (ctx, sensor, metric, t, base) =>
      metric === 'water_leak' && sensor.zone === 'machine-room' && t >= ctx.at && t < ctx.at + WET ? 1 : base,
  },
});
