// The evidence pack's shape (docs/contract.md, "GET /api/evidence"): one object per clause with its verdict,
// the rules and limit sources it was judged by, coverage, excursions, gaps and the tables an assessor
// reads. JSON, CSV and PDF are all rendered from this one object, so they carry the same facts.
import type { Metric } from '@hallmon/firmware-config';
import type { AlarmAck, AuditEntry, EnvironmentService, Scorecard } from '@hallmon/contract';

export type Verdict = 'pass' | 'fail' | 'insufficient-data';

export interface RuleCitation {
  rule: string;
  title: string;
  kind: string;
  limitSource: string;
  limits: { min?: number; max?: number; clearMin?: number; clearMax?: number } | null;
  windowS?: number;
  minDurationS?: number;
  thresholdS?: number;
  params?: Record<string, number>;
}

export interface EvidenceExcursion {
  sensor: string;
  metric: string | null;
  rule: string;
  severity: string;
  start: string;
  end: string;
  durationS: number;
  peak: number;
  limit: number | null;
  endReason: string;
  /** Still going at the end of the period (cut there). */
  ongoing: boolean;
  /** A detector's record: what it found (FINDING_KINDS of the catalogue schema). */
  finding?: string;
  /** How many it involves (ratings of a burst, tickets waiting, served, or a window's tickets). */
  count?: number;
}

export interface EvidenceGap {
  sensor: string;
  metric: string | null;
  start: string;
  end: string;
  durationS: number;
  /** rule: the engine's gap rule; coverage: an uncovered span in the judged hours; data_gap: the edge dropped data. */
  source: 'rule' | 'coverage' | 'data_gap';
}

export interface SeriesCoverage {
  sensor: string;
  metric: string;
  coverage: number;
  coveredMinutes: number;
  expectedMinutes: number;
}

export interface RoomDay {
  day: string;
  sensor: string;
  metric: string;
  min: number;
  mean: number;
  max: number;
  minutes: number;
}

export interface RoomMonth {
  month: string;
  sensor: string;
  metric: string;
  min: number;
  mean: number;
  max: number;
  minutes: number;
  excursions: number;
}

export interface NoiseRow {
  /** YYYY-MM-DD, YYYY-MM or 'period'. */
  period: string;
  sensor: string;
  laeq: number | null;
  /** An RS-485 transmitter's smoothed level, not a certified LAeq. */
  indicative: boolean;
  l10: number | null;
  l50: number | null;
  l90: number | null;
  lmax: number | null;
  minutes: number;
  excursions: number;
}

export interface RateMonth {
  month: string;
  ratings: number;
  served: number;
  rate: number | null;
  belowLimit: boolean;
  daysBelowLimit: number;
}

/** A follow-up rate (the 2025 standard 6.1.3-6.1.5, DB31/T 862-2021 10.1.4) per month of the ratings. */
export interface FollowupRateMonth {
  /** YYYY-MM of the ratings, or 'period' for the whole period. */
  month: string;
  measure: string;
  /** Bad ratings of the month (or period), counted or not. */
  ratings: number;
  numerator: number;
  denominator: number;
  /** Percent; null when no rating counted. */
  rate: number | null;
  belowTarget: boolean;
}

/** The evaluation rate of one window (or the whole hall) over the period (6.1.1, Qingpu 2021 三.4). */
export interface WindowRate {
  /** The window, or the hall zone's id for the hall as a whole. */
  window: string;
  hall: boolean;
  ratings: number;
  served: number;
  rate: number | null;
  belowLimit: boolean;
  /** Days on which the engine found it below the limit. */
  daysBelowLimit: number;
}

export interface FaultMonth {
  month: string;
  device: string;
  faults: number;
  exceedsMonthlyLimit: boolean;
  maxRepairWorkingDays: number;
  repairOverdue: number;
}

export interface StateEvent {
  sensor: string;
  metric: string | null;
  rule: string;
  title: string;
  severity: string;
  start: string;
  end: string;
  durationS: number;
  ongoing: boolean;
  alarmId: string | null;
  ackedBy: string | null;
  ackedAt: string | null;
  ackNote: string | null;
  message: string | null;
}

export interface RegisterEntry {
  id: string;
  visitor: string;
  organisation: string;
  reason: string;
  escort: string;
  inAt: string;
  outAt: string | null;
  createdAt: string;
}

export interface DoorOpening {
  sensor: string;
  start: string;
  end: string | null;
  durationS: number | null;
  registered: boolean;
  late: boolean;
  visit: RegisterEntry | null;
}

/** A register entry as the pack reads it (the server's visits.db, epoch ms). */
export interface EvidenceVisit {
  id: string;
  visitor: string;
  organisation: string;
  reason: string;
  escort: string;
  inAt: number;
  outAt: number | null;
  createdAt: number;
}

export interface ClauseEvidence {
  clause: string;
  title: string;
  titleEn: string;
  document: string;
  quote: string;
  verdict: Verdict;
  /** Why this verdict, in words. */
  reason: string;
  rules: RuleCitation[];
  /** 0..1 over the clause's judged hours (24 h rooms, opening hours hall); null when not measured. */
  coverage: number | null;
  coverageBySensor: SeriesCoverage[];
  /** Which hours coverage is judged over. */
  hours: 'around-the-clock' | 'opening-hours' | 'opening-days';
  excursions: EvidenceExcursion[];
  gaps: EvidenceGap[];
  daily?: RoomDay[] | NoiseRow[];
  monthly: RoomMonth[] | NoiseRow[] | RateMonth[] | FaultMonth[] | FollowupRateMonth[];
  periodNoise?: NoiseRow[];
  stateEvents?: StateEvent[];
  doorOpenings?: DoorOpening[];
  /** 6.1.1: the evaluation rate per window and for the hall over the period. */
  byWindow?: WindowRate[];
}

export interface DeviceFault {
  device: string;
  start: string;
  end: string | null;
  month: string;
  faultInMonth: number;
  exceedsMonthlyLimit: boolean;
  repairWorkingDays: number | null;
  repairDeadline: string;
  repairOverdue: boolean;
  /** device_fault events of the edge (timeouts, CRC errors) in the month, when any. */
  source: 'status' | 'device_fault';
  detail?: string;
}

export interface Followup {
  device: string;
  window: string | null;
  score: number;
  ratedAt: string;
  day: string;
  answerDeadline: string;
  simpleDeadline: string;
  complexDeadline: string;
  /** From the server's follow-up records (followups.db); null when none was recorded. */
  respondedAt: string | null;
  resolvedAt: string | null;
  complex: boolean;
  /** The served ticket the rating names (a real-name rating, DB31/T 862-2021 10.1.4). */
  ticket: string | null;
  /** The last callback (回访) recorded by the period end, and whether the resident was satisfied. */
  lastCallbackAt: string | null;
  satisfied: boolean | null;
  /** Stages whose deadline passed, within the period, without being met: no record counts as not met. */
  missed: Array<'answer' | 'fix'>;
  /** A stored bad-rating-followup alarm for this rating, if any (informative). */
  missedDeadlineAlarm: string | null;
}

/** What people recorded for a bad rating (hallmon server: POST /api/followups/{id}). */
export interface FollowupOutcome {
  device: string;
  /** Epoch ms of the rating. */
  ratedAt: number;
  respondedAt: number | null;
  resolvedAt: number | null;
  complex: boolean;
  /** Callbacks (回访) in time order. */
  callbacks: Array<{ at: number; outcome: string; satisfied: boolean | null }>;
}

/** An alarm's acknowledgement facts (the contract's AlarmAck, mapped by api/wire-json.ts alarmAckJson). */
export type { AlarmAck } from '@hallmon/contract';

export interface ChainHead {
  day: string;
  digest: string;
  chain: string;
  readings: number;
  alarms: number;
  sealedAt: string | null;
}

export interface EvidencePack {
  site: string;
  siteName: string;
  from: string;
  to: string;
  /** Site-local first and last day of the period. */
  firstDay: string;
  lastDay: string;
  generatedAt: string;
  softwareVersion: string;
  timezone: string;
  coverageThreshold: number;
  method: string[];
  clauses: ClauseEvidence[];
  deviceFaults: DeviceFault[];
  followups: Followup[];
  alarmAcks: AlarmAck[];
  selfTests: AlarmAck[];
  dataGaps: EvidenceGap[];
  /** The minute series behind the tables (sensor, metric), for the CSV export. */
  series: Array<{ sensor: string; metric: Metric; zone: string }>;
  /** The site's audit-trail entries of the period, oldest first (wire-json auditJson). */
  auditTrail: AuditEntry[];
  /** The scorecard: what each scored clause is worth and what the period put at risk (built from the clauses). */
  scorecard: Scorecard;
  /** The hall's environment beside its service, per opening hour, and their correlations. */
  environmentService: EnvironmentService;
  chainHeads?: ChainHead[];
  /** The site's Ed25519 public key that signed the pack's manifest and day links (written packs). */
  signingKey?: { algorithm: 'Ed25519'; keyId: string; publicKey: string };
}

export type Progress = (phase: string, fraction: number) => void;
