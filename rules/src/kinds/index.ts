// The registry of rule kinds: each kind's spec (kinds/spec.ts) by its name. The binding creates
// rule instances through it, and the evidence pack and the server ask it what a kind reads and
// means instead of comparing kind names. A new kind is one module in this folder, its line here
// and its name in the catalogue schema (firmware-config RULE_KINDS); the compiler checks the three agree.
import type { RuleKind } from '@hallmon/firmware-config/core';
import { acStoppedKind } from './ac-stopped.ts';
import { badRatingFollowupKind } from './bad-rating-followup.ts';
import { dailySwingKind } from './daily-swing.ts';
import { deviceOfflineKind } from './device-offline.ts';
import { dewPointKind } from './dew-point.ts';
import { evaluationRateKind } from './evaluation-rate.ts';
import { followupRateKind } from './followup-rate.ts';
import { gapKind } from './gap.ts';
import { laeqWindowKind } from './laeq-window.ts';
import { queueWaitKind } from './queue-wait.ts';
import { rangeKind } from './range.ts';
import { rateOfChangeKind } from './rate-of-change.ts';
import { stateKind } from './state.ts';
import { unregisteredEntryKind } from './unregistered-entry.ts';
import { selfRatingKind } from './self-rating.ts';
import { serviceHoursKind } from './service-hours.ts';
import { windowIdleKind } from './window-idle.ts';
import { workloadBalanceKind } from './workload-balance.ts';
import type { RuleKindSpec } from './spec.ts';

const KINDS = {
  [laeqWindowKind.kind]: laeqWindowKind,
  [rangeKind.kind]: rangeKind,
  [dewPointKind.kind]: dewPointKind,
  [rateOfChangeKind.kind]: rateOfChangeKind,
  [dailySwingKind.kind]: dailySwingKind,
  [gapKind.kind]: gapKind,
  [deviceOfflineKind.kind]: deviceOfflineKind,
  [evaluationRateKind.kind]: evaluationRateKind,
  [badRatingFollowupKind.kind]: badRatingFollowupKind,
  [queueWaitKind.kind]: queueWaitKind,
  [stateKind.kind]: stateKind,
  [acStoppedKind.kind]: acStoppedKind,
  [unregisteredEntryKind.kind]: unregisteredEntryKind,
  [followupRateKind.kind]: followupRateKind,
  [selfRatingKind.kind]: selfRatingKind,
  [serviceHoursKind.kind]: serviceHoursKind,
  [windowIdleKind.kind]: windowIdleKind,
  [workloadBalanceKind.kind]: workloadBalanceKind,
} satisfies { [K in RuleKind]: RuleKindSpec<K> };

/** The spec of a kind of the catalogue schema. */
export function ruleKind(kind: RuleKind): RuleKindSpec {
  return KINDS[kind];
}

/** The spec of a kind named by a string from outside (a pack's citation), or undefined when unknown. */
export function findRuleKind(kind: string): RuleKindSpec | undefined {
  return Object.hasOwn(KINDS, kind) ? KINDS[kind as RuleKind] : undefined;
}

/** The kinds judged live by `judge` (an engine, the server's follow-up tracker or entry register). */
export function kindsJudgedBy(judge: RuleKindSpec['liveBy']): RuleKind[] {
  return Object.values(KINDS)
    .filter((k) => k.liveBy === judge)
    .map((k) => k.kind);
}

/** The kinds a live engine leaves to the server's other judges (follow-up tracker, entry register). */
export function kindsNotForEngines(): RuleKind[] {
  return Object.values(KINDS)
    .filter((k) => k.liveBy !== 'engine')
    .map((k) => k.kind);
}

export type { RuleKindSpec, KindEvidence } from './spec.ts';
