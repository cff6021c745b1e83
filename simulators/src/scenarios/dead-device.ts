// A slave that stops answering: ar-th-1 is silent for 20 minutes. The edge must mark it offline,
// log the fault episode, and the evidence must show the gap in the archive room's record.
import { makeScenario, faultWindow } from './compose.ts';

export const deadDevice = makeScenario({
  name: 'dead-device',
  title: 'Dead device',
  description: 'archive-room sensor ar-th-1 stops answering for 20 minutes (timeouts, a data gap)',
  durationS: 1_800,
  incident: { localTime: '15:00', days: 'any' },
  overlay: { fault: faultWindow('ar-th-1', 'silent', 20 * 60_000) },
});
