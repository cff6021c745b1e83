// RS-485 line noise: mr-th-2 answers with corrupted CRCs for 60 s. The edge must count crc-error
// faults, retry, and not turn the burst into a data gap or a false alarm.
import { makeScenario, faultWindow } from './compose.ts';

export const crcErrors = makeScenario({
  name: 'crc-errors',
  title: 'CRC error burst',
  description: 'a 60 s burst of CRC errors from machine-room sensor mr-th-2 (line noise on the RS-485 bus)',
  durationS: 600,
  incident: { localTime: '11:00', days: 'any' },
  overlay: { fault: faultWindow('mr-th-2', 'crc', 60_000) },
});
