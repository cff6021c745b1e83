// Public surface of @hallmon/rules: the clause rule engine (pure state machines over event time),
// the live runtime around it, replay for the evidence, and the domain math every other package
// uses instead of a copy of its own. Nothing here needs Node.js: the dashboard imports it as well.
export { RuleEngine, EngineState, type EngineOptions, type RejectReason } from './engine.ts';
export {
  RulesRuntime,
  type RulesRuntimeOptions,
  type StateStore,
  type RuntimeLog,
  type Clock,
  type AgentRules,
} from './runtime.ts';
export { replay, type ReplayInput, type ReplayResult } from './replay.ts';
export {
  planBinding,
  bindRules,
  mergeLimits,
  effectiveRule,
  type BindOptions,
  type BindPlan,
  type Binding,
  type RuleOverride,
  type LimitProfileUse,
  type DeviceInfo,
} from './bind.ts';
export { Schedule, DEFAULT_SUMMER, type OpeningSpan, type SeasonRange } from './schedule.ts';
export { round6, alarmId } from './alarm.ts';
export { followupDeadlines, type FollowupDeadlines } from './kinds/bad-rating-followup.ts';
export {
  ruleKind,
  findRuleKind,
  kindsJudgedBy,
  kindsNotForEngines,
  type RuleKindSpec,
  type KindEvidence,
} from './kinds/index.ts';
export { doorOpenings, coveringVisit, type DoorOpening, type VisitSpan, type EntryVerdict } from './entries.ts';
export { DEFAULT_ENTRY_GRACE_S } from './kinds/unregistered-entry.ts';
export { rateTarget } from './kinds/followup-rate.ts';
export { clearBand, scanHours, limitHours, type HourSummary, type QuietView, type QuietTest } from './quiet-hours.ts';
export type { QueueWaitRule } from './kinds/queue-wait.ts';
export type {
  Transition,
  EndReason,
  Excursion,
  GapRecord,
  FaultRecord,
  FollowupStage,
  FollowupRecord,
  Sample,
  CounterEvent,
  StatusChange,
  Out,
  Bound,
  RuleInstance,
  FollowupKeeper,
} from './types.ts';
export * from './acoustics.ts';
export { dewPoint } from './dew-point.ts';
export { pearson, type Correlation } from './correlation.ts';
