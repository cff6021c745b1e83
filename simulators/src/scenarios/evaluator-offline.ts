// Clause 1.2.1 (窗口设备应能正常使用): the W03 evaluator drops off the network for 30 minutes in
// opening hours; residents served there meanwhile cannot rate, so W03's evaluation rate dips too.
import { makeScenario, faultWindow } from './compose.ts';

const OFFLINE_MS = 30 * 60_000;
const DEVICE = 'eval-w03';

export const evaluatorOffline = makeScenario({
  name: 'evaluator-offline',
  title: 'Evaluator offline',
  description: 'evaluator eval-w03 disconnects for 30 minutes during opening hours (1.2.1 device fault)',
  durationS: 3_600,
  incident: { localTime: '10:00', days: 'open' },
  overlay: {
    fault: faultWindow(DEVICE, 'silent', OFFLINE_MS),
    dayEvents: (ctx, events) =>
      events.filter((e) => !(e.event.device === DEVICE && e.t >= ctx.at && e.t < ctx.at + OFFLINE_MS)),
  },
});
