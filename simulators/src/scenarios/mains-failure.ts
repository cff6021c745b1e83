// Clause 5.2.2 (电力保障): the mains feed to the machine room fails for 20 minutes. The UPS takes the
// load at once (on battery), its charge falls linearly over the runtime it estimated at that load,
// and its runtime estimate falls with it; then the mains return, the UPS goes back on line and
// recharges at about 1 % a minute. The DI module and the UPS report it; the rules raise "市电中断"
// and "UPS 电池供电" (critical, with the runtime in the message) and clear them when power returns.
import { makeScenario } from './compose.ts';
import { upsRuntimeMin } from './baseline.ts';

const MIN = 60_000;
const OUTAGE = 20 * MIN;
/** Recharge rate back on mains, % per minute. */
const RECHARGE = 1;

/** Battery charge (%) at t for a load (%): discharged over the full-charge runtime, then recharged. */
function battery(at: number, t: number, load: number): number {
  if (!(t >= at)) return 100;
  const full = upsRuntimeMin(load) * MIN;
  const drained = Math.max(0, 100 - (100 * (Math.min(t, at + OUTAGE) - at)) / full);
  if (t < at + OUTAGE) return drained;
  return Math.min(100, drained + (RECHARGE * (t - at - OUTAGE)) / MIN);
}

export const mainsFailure = makeScenario({
  name: 'mains-failure',
  title: 'Mains power failure',
  description:
    'mains fail for 20 min: the UPS runs on battery (charge and runtime falling), then mains return and it recharges',
  durationS: 3_600,
  incident: { localTime: '10:30', days: 'any' },
  overlay: {
    value(ctx, _sensor, metric, t, base) {
      const out = t >= ctx.at && t < ctx.at + OUTAGE;
      switch (metric) {
        case 'mains_ok':
          return out ? 0 : base;
        case 'ups_on_battery':
          return out ? 1 : base;
        case 'ups_battery_pct':
          return t >= ctx.at ? battery(ctx.at, t, 35) : base;
        case 'ups_runtime_min':
          return t >= ctx.at ? upsRuntimeMin(35, battery(ctx.at, t, 35)) : base;
        default:
          return base;
      }
    },
  },
});
