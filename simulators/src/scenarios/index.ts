// The registry of named scenarios (hallmon simulate --list / --scenario NAME).
import type { Scenario } from './types.ts';
import { normalDay } from './normal-day.ts';
import { loudMorningPeak } from './loud-morning-peak.ts';
import { machineRoomAcFailure } from './machine-room-ac-failure.ts';
import { archiveDamp } from './archive-damp.ts';
import { evaluatorOffline } from './evaluator-offline.ts';
import { badRatingUnanswered } from './bad-rating-unanswered.ts';
import { crcErrors } from './crc-errors.ts';
import { deadDevice } from './dead-device.ts';
import { mainsFailure } from './mains-failure.ts';
import { waterLeak } from './water-leak.ts';
import { unregisteredEntry } from './unregistered-entry.ts';

export type { Scenario, ScenarioSignals, SignalOptions, IncidentSpec } from './types.ts';
export { DEFAULT_FROM } from './types.ts';

const ALL: readonly Scenario[] = [
  normalDay,
  loudMorningPeak,
  machineRoomAcFailure,
  archiveDamp,
  evaluatorOffline,
  badRatingUnanswered,
  crcErrors,
  deadDevice,
  mainsFailure,
  waterLeak,
  unregisteredEntry,
];
const BY_NAME = new Map(ALL.map((s) => [s.name, s]));

export function listScenarios(): readonly Scenario[] {
  return ALL;
}

export function getScenario(name: string): Scenario | undefined {
  return BY_NAME.get(name);
}
