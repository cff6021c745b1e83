// Clause 5.2.2 (机房温湿度): the precision air conditioner trips (its run contact on the DI module
// opens until the repair, so "空调停机且温度上升" is raised too); the racks heat the room from
// ~23 °C past 27 °C (GB 50174 warning) and 32 °C (critical) in about 40 minutes, RH falls as the
// air warms at constant moisture, then the repaired unit pulls the room back.
import { makeScenario } from './compose.ts';

const MIN = 60_000;
const REPAIRED_AFTER = 45 * MIN;
/** Temperature rise approaches 13 K with a 25-minute time constant (passes +9 K at ~35 min). */
const RISE_K = 13;
const TAU_HEAT = 25 * MIN;
const TAU_COOL = 12 * MIN;

function rise(at: number, t: number): number {
  if (!(t >= at)) return 0;
  const heat = (dt: number) => RISE_K * (1 - Math.exp(-dt / TAU_HEAT));
  if (t < at + REPAIRED_AFTER) return heat(t - at);
  return heat(REPAIRED_AFTER) * Math.exp(-(t - at - REPAIRED_AFTER) / TAU_COOL);
}

export const machineRoomAcFailure = makeScenario({
  name: 'machine-room-ac-failure',
  title: 'Machine-room air conditioning failure',
  description: 'machine-room AC fails: 23 °C climbs past 27 and 32 °C in ~40 min, RH drops, repaired after 45 min',
  durationS: 2 * 3_600,
  incident: { localTime: '14:00', days: 'any' },
  overlay: {
    value(ctx, sensor, metric, t, base) {
      if (sensor.zone !== 'machine-room') return base;
      if (metric === 'ac_running') return t >= ctx.at && t < ctx.at + REPAIRED_AFTER ? 0 : base;
      const dT = rise(ctx.at, t);
      if (dT === 0) return base;
      // Same water content, warmer air: saturation pressure grows ~6.5 %/K (Magnus), so RH falls.
      if (metric === 'temperature') return base + dT;
      if (metric === 'humidity') return base * Math.exp(-0.063 * dT);
      return base;
    },
  },
});
