// Clause 5.2.2 "非机房工作人员因工作需要进入机房时，先进行登记，由网管陪同方可进入": the machine-room door
// opens for 4 minutes and nobody has registered a visit. The server's entry register raises
// "未登记进入机房" once the grace for a late entry has passed (the door-open limit of 10 min is not
// reached). Register a visit (POST /api/visits) before the incident and the same opening raises nothing.
import { makeScenario } from './compose.ts';

const OPEN = 4 * 60_000;

export const unregisteredEntry = makeScenario({
  name: 'unregistered-entry',
  title: 'Unregistered machine-room entry',
  description: 'the machine-room door opens for 4 min with no visit in the entry register',
  durationS: 1_200,
  incident: { localTime: '15:30', days: 'any' },
  overlay: {
    value: (ctx, sensor, metric, t, base) =>
      metric === 'door_open' && sensor.zone === 'machine-room' && t >= ctx.at && t < ctx.at + OPEN ? 1 : base,
  },
});
