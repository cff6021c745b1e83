// Shared types of the clause rule engine: what rules receive (samples, counter events, status
// changes), what they produce (alarm transitions and evidence records) and the contract every rule
// kind implements. Rules are pure state machines over event time; their state is plain JSON.
import type {
  AlarmRecord,
  DeviceProfile,
  DeviceStatus,
  EventType,
  FindingKind,
  Metric,
  RuleDef,
  Severity,
  Zone,
  WorkingCalendar,
} from '@hallmon/firmware-config/core';
import type { Schedule } from './schedule.ts';

/** An alarm raised or cleared; `atMs` is the event time it happened at (data-derived, never the clock). */
export interface Transition {
  type: 'raise' | 'clear';
  atMs: number;
  alarm: AlarmRecord;
}

export type EndReason = 'cleared' | 'gap' | 'closing' | 'season-end' | 'day-end' | 'online' | 'resolved';

/** A continuous period in which a rule's condition held; times are epoch ms. */
export interface Excursion {
  rule: string;
  clause: string;
  sensor: string;
  metric?: Metric;
  severity: Severity;
  start: number;
  end: number;
  peak: number;
  limit?: number;
  durationS: number;
  endReason: EndReason;
  /** A detector's record (self-rating, service hours, staffing): what it found. */
  finding?: FindingKind;
  /** How many it involves: ratings of a burst, tickets served or waiting, tickets served by a window. */
  count?: number;
}

/** A period with no data from a sensor longer than its gap threshold. */
export interface GapRecord {
  rule: string;
  clause: string;
  sensor: string;
  start: number;
  end: number;
  durationS: number;
}

/** A counter device offline in opening hours longer than the threshold (2021 rules 三.3). */
export interface FaultRecord {
  rule: string;
  clause: string;
  device: string;
  start: number;
  end: number;
  /** Site-local month of the start, YYYY-MM. */
  month: string;
  /** 1 for the device's first fault of that month, 2 for the second, ... */
  faultInMonth: number;
  exceedsMonthlyLimit: boolean;
  /** Working days from the day it failed to the day it came back (that first day not counted). */
  repairWorkingDays: number;
  /** The last working day of the repair allowance, YYYY-MM-DD. */
  repairDeadline: string;
  repairOverdue: boolean;
}

export type FollowupStage = 'answered' | 'complex' | 'resolved';

/** A bad rating's "1、5、15" follow-up (DB31/T 862-2021 10.1.3). Deadlines are site-local days. */
export interface FollowupRecord {
  id: string;
  device: string;
  window?: string;
  /** The served ticket the rating names (a real-name rating). */
  ticket?: string;
  score: number;
  ratingTs: number;
  day: string;
  answerDeadline: string;
  simpleDeadline: string;
  complexDeadline: string;
  complex: boolean;
  answeredAt?: number;
  resolvedAt?: number;
  /** Stages whose deadline passed before they were done. */
  overdue: Array<'answer' | 'resolve'>;
}

/**
 * One reading as a rule sees it: released in event-time order, with the stream's gap threshold.
 * The engine reuses ONE Sample object for every reading (no garbage on the hot path): a rule kind
 * copies the fields it needs and never keeps a reference to the object it was given.
 */
export interface Sample {
  sensor: string;
  metric: Metric;
  ts: number;
  value: number;
  /** Seconds the value integrates over (noise); 1 when not given. */
  dur: number;
  /** Silence longer than this ends open excursions of this stream (zone gap rule or 5× usual interval). */
  gapMs: number;
}

export interface CounterEvent {
  device: string;
  type: EventType;
  ts: number;
  score?: number;
  /** The counter window: the event's own, else the site config's for the device. */
  window?: string;
  /** The queue ticket number (queue-wait matches calls to issues by it; FIFO when absent). */
  ticket?: string;
}

export interface StatusChange {
  device: string;
  status: DeviceStatus;
  ts: number;
}

/** Where rules put what they produce. */
export interface Out {
  transition(t: Transition): void;
  excursion(x: Excursion): void;
  gap(g: GapRecord): void;
  fault(f: FaultRecord): void;
  followup(f: FollowupRecord): void;
}

/** A catalogue rule after overrides, bound to one sensor/device (or zone) of a site. */
export interface Bound {
  site: string;
  clause: string;
  rule: RuleDef;
  /** The sensor, device or zone id the rule watches (the alarm's `sensor`). */
  sensor: string;
  zone: Zone;
  schedule: Schedule;
  calendar: WorkingCalendar;
  /** The device class of each device of the zone (zone rules tell evaluators from queue machines). */
  classes: ReadonlyMap<string, DeviceProfile['deviceClass']>;
}

/**
 * A rule that keeps bad ratings' follow-ups open until people answer and put them right (the
 * engine's resolveFollowup and openFollowups go to the rules that do).
 */
export interface FollowupKeeper {
  has(id: string): boolean;
  openFollowups(): FollowupRecord[];
  /** Marks a follow-up answered, complex or resolved at `ts`; false when this rule has no such follow-up. */
  resolve(id: string, stage: FollowupStage, ts: number, out: Out): boolean;
}

/** Every rule kind implements this. `time(t)` is called with a non-decreasing event time. */
export interface RuleInstance {
  readonly bound: Bound;
  /** Unique within the engine: `${rule}:${sensor}`. */
  readonly key: string;
  time(t: number, out: Out): void;
  reading?(s: Sample, out: Out): void;
  event?(e: CounterEvent, out: Out): void;
  status?(c: StatusChange, out: Out): void;
  save(): unknown;
  load(state: unknown): void;
}
