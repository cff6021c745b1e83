// The evidence pack's shape (docs/contract.md, "GET /api/evidence"): one object per clause with its verdict,
// the rules and limit sources it was judged by, coverage, excursions, gaps and the tables an assessor
// reads. JSON, CSV and PDF are all rendered from this one object, so they carry the same facts.
import type { Metric } from '@hallmon/firmware-config';
import type { AlarmAck, AuditEntry, ClockFault } from '@hallmon/contract';

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

export interface FaultMonth {
  month: string;
  device: string;
  faults: number;
  exceedsMonthlyLimit: boolean;
  maxRepairWorkingDays: number;
  repairOverdue: number;
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
  monthly: RoomMonth[] | NoiseRow[] | RateMonth[] | FaultMonth[];
  periodNoise?: NoiseRow[];
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
  /** Continuity: spans an edge clock was off by more than 5 s (steps/clock-faults.ts). */
  clockFaults: ClockFault[];
  /** The minute series behind the tables (sensor, metric), for the CSV export. */
  series: Array<{ sensor: string; metric: Metric; zone: string }>;
  /** The site's audit-trail entries of the period, oldest first (wire-json auditJson). */
  auditTrail: AuditEntry[];
  chainHeads?: ChainHead[];
}

export type Progress = (phase: string, fraction: number) => void;
