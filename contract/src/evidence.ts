// GET /api/evidence?format=json: the evidence pack (server/src/evidence/types.ts is the server's
// view of the same object; a type check in server/src/evidence/route.ts keeps the two equal). One
// object per clause with its verdict, the rules and limit sources it was judged by, coverage,
// excursions, gaps and the tables an assessor reads.
import { Type, type Static } from '@sinclair/typebox';
import { AuditEntry } from './audit.ts';
import { IsoTime, MetricName, Nullable, Verdict } from './common.ts';
import { Scorecard } from './scorecard.ts';
import { AlarmAck } from './alarms.ts';

/** The longest period one pack may cover (a sampling year plus a leap day and slack). */
export const EVIDENCE_MAX_DAYS = 400;

const Limits = Type.Object({
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  clearMin: Type.Optional(Type.Number()),
  clearMax: Type.Optional(Type.Number()),
});

export const RuleCitation = Type.Object({
  rule: Type.String(),
  title: Type.String(),
  kind: Type.String(),
  limitSource: Type.String(),
  limits: Nullable(Limits),
  windowS: Type.Optional(Type.Number()),
  minDurationS: Type.Optional(Type.Number()),
  thresholdS: Type.Optional(Type.Number()),
  params: Type.Optional(Type.Record(Type.String(), Type.Number())),
});

export const EvidenceExcursion = Type.Object({
  sensor: Type.String(),
  metric: Nullable(Type.String()),
  rule: Type.String(),
  severity: Type.String(),
  start: IsoTime,
  end: IsoTime,
  durationS: Type.Number(),
  peak: Type.Number(),
  limit: Nullable(Type.Number()),
  endReason: Type.String(),
  /** Still going at the end of the period (cut there). */
  ongoing: Type.Boolean(),
  /** A detector's record: what it found (rating-without-service, window-idle, …). */
  finding: Type.Optional(Type.String()),
  /** How many it involves (ratings of a burst, tickets waiting or served). */
  count: Type.Optional(Type.Number()),
});
export type EvidenceExcursion = Static<typeof EvidenceExcursion>;

export const EvidenceGap = Type.Object({
  sensor: Type.String(),
  metric: Nullable(Type.String()),
  start: IsoTime,
  end: IsoTime,
  durationS: Type.Number(),
  /** rule: the engine's gap rule; coverage: an uncovered span in the judged hours; data_gap: the edge dropped data. */
  source: Type.Union([Type.Literal('rule'), Type.Literal('coverage'), Type.Literal('data_gap')]),
});
export type EvidenceGap = Static<typeof EvidenceGap>;

export const SeriesCoverage = Type.Object({
  sensor: Type.String(),
  metric: Type.String(),
  coverage: Type.Number(),
  coveredMinutes: Type.Number(),
  expectedMinutes: Type.Number(),
});

export const RoomDay = Type.Object({
  day: Type.String(),
  sensor: Type.String(),
  metric: Type.String(),
  min: Type.Number(),
  mean: Type.Number(),
  max: Type.Number(),
  minutes: Type.Number(),
});

export const RoomMonth = Type.Object({
  month: Type.String(),
  sensor: Type.String(),
  metric: Type.String(),
  min: Type.Number(),
  mean: Type.Number(),
  max: Type.Number(),
  minutes: Type.Number(),
  excursions: Type.Number(),
});

export const NoiseRow = Type.Object({
  /** YYYY-MM-DD, YYYY-MM or 'period'. */
  period: Type.String(),
  sensor: Type.String(),
  /** An RS-485 transmitter's smoothed level, not a certified LAeq ("indicative" in the PDF too). */
  indicative: Type.Boolean(),
  laeq: Nullable(Type.Number()),
  l10: Nullable(Type.Number()),
  l50: Nullable(Type.Number()),
  l90: Nullable(Type.Number()),
  lmax: Nullable(Type.Number()),
  minutes: Type.Number(),
  excursions: Type.Number(),
});

export const RateMonth = Type.Object({
  month: Type.String(),
  ratings: Type.Number(),
  served: Type.Number(),
  rate: Nullable(Type.Number()),
  belowLimit: Type.Boolean(),
  daysBelowLimit: Type.Number(),
});

/** A follow-up rate per month of the ratings ('period': the whole period). */
export const FollowupRateMonth = Type.Object({
  month: Type.String(),
  measure: Type.String(),
  /** Bad ratings of the month (or period), counted or not. */
  ratings: Type.Number(),
  numerator: Type.Number(),
  denominator: Type.Number(),
  rate: Nullable(Type.Number()),
  belowTarget: Type.Boolean(),
});

/** The evaluation rate of one window, or of the whole hall (`hall`), over the period. */
export const WindowRate = Type.Object({
  window: Type.String(),
  hall: Type.Boolean(),
  ratings: Type.Number(),
  served: Type.Number(),
  rate: Nullable(Type.Number()),
  belowLimit: Type.Boolean(),
  daysBelowLimit: Type.Number(),
});

export const FaultMonth = Type.Object({
  month: Type.String(),
  device: Type.String(),
  faults: Type.Number(),
  exceedsMonthlyLimit: Type.Boolean(),
  maxRepairWorkingDays: Type.Number(),
  repairOverdue: Type.Number(),
});

/**
 * A state event of the period (water, smoke, door open too long, mains lost, UPS on battery, AC
 * stopped while the room warmed), replayed from the stored state changes, with the acknowledgement
 * of its alarm. A record of how the room's facilities were watched and answered, not a failure.
 */
export const StateEvent = Type.Object({
  sensor: Type.String(),
  metric: Nullable(Type.String()),
  rule: Type.String(),
  title: Type.String(),
  severity: Type.String(),
  start: IsoTime,
  end: IsoTime,
  durationS: Type.Number(),
  /** Still going at the end of the period (cut there). */
  ongoing: Type.Boolean(),
  /** The stored alarm of the event (same id live and in replay), null when none was stored. */
  alarmId: Nullable(Type.String()),
  ackedBy: Nullable(Type.String()),
  ackedAt: Nullable(IsoTime),
  ackNote: Nullable(Type.String()),
  /** The alarm's message (mains and battery alarms carry the UPS's estimated runtime). */
  message: Nullable(Type.String()),
});
export type StateEvent = Static<typeof StateEvent>;

/** A register entry (机房登记) as the pack shows it beside the door opening it covers. */
export const RegisterEntry = Type.Object({
  id: Type.String(),
  visitor: Type.String(),
  organisation: Type.String(),
  reason: Type.String(),
  escort: Type.String(),
  inAt: IsoTime,
  outAt: Nullable(IsoTime),
  createdAt: IsoTime,
});

/** One opening of a machine-room door against the entry register; unregistered ones come first. */
export const DoorOpening = Type.Object({
  sensor: Type.String(),
  start: IsoTime,
  end: Nullable(IsoTime),
  durationS: Nullable(Type.Number()),
  /** A visit covers it (registered before it, or within the rule's grace after). */
  registered: Type.Boolean(),
  /** Covered by an entry written only after the grace (recorded after the fact). */
  late: Type.Boolean(),
  visit: Nullable(RegisterEntry),
});
export type DoorOpening = Static<typeof DoorOpening>;

export const ClauseEvidence = Type.Object({
  clause: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  document: Type.String(),
  quote: Type.String(),
  verdict: Verdict,
  /** Why this verdict, in words. */
  reason: Type.String(),
  rules: Type.Array(RuleCitation),
  /** 0..1 over the clause's judged hours; null when not measured. */
  coverage: Nullable(Type.Number()),
  coverageBySensor: Type.Array(SeriesCoverage),
  hours: Type.Union([Type.Literal('around-the-clock'), Type.Literal('opening-hours'), Type.Literal('opening-days')]),
  excursions: Type.Array(EvidenceExcursion),
  gaps: Type.Array(EvidenceGap),
  daily: Type.Optional(Type.Union([Type.Array(RoomDay), Type.Array(NoiseRow)])),
  monthly: Type.Union([
    Type.Array(RoomMonth),
    Type.Array(NoiseRow),
    Type.Array(RateMonth),
    Type.Array(FaultMonth),
    Type.Array(FollowupRateMonth),
  ]),
  periodNoise: Type.Optional(Type.Array(NoiseRow)),
  /** State events of the period (clauses with state inputs: 5.2.2, 5.3). */
  stateEvents: Type.Optional(Type.Array(StateEvent)),
  /** Door openings against the entry register (5.2.2), unregistered first. */
  doorOpenings: Type.Optional(Type.Array(DoorOpening)),
  /** 6.1.1: the evaluation rate per window and for the hall over the period. */
  byWindow: Type.Optional(Type.Array(WindowRate)),
});
export type ClauseEvidence = Static<typeof ClauseEvidence>;

export const DeviceFault = Type.Object({
  device: Type.String(),
  start: IsoTime,
  end: Nullable(IsoTime),
  month: Type.String(),
  faultInMonth: Type.Number(),
  exceedsMonthlyLimit: Type.Boolean(),
  repairWorkingDays: Nullable(Type.Number()),
  repairDeadline: Type.String(),
  repairOverdue: Type.Boolean(),
  source: Type.Union([Type.Literal('status'), Type.Literal('device_fault')]),
  detail: Type.Optional(Type.String()),
});

export const EvidenceFollowup = Type.Object({
  device: Type.String(),
  window: Nullable(Type.String()),
  score: Type.Number(),
  ratedAt: IsoTime,
  day: Type.String(),
  answerDeadline: Type.String(),
  simpleDeadline: Type.String(),
  complexDeadline: Type.String(),
  respondedAt: Nullable(IsoTime),
  resolvedAt: Nullable(IsoTime),
  complex: Type.Boolean(),
  /** The served ticket the rating names (a real-name rating). */
  ticket: Nullable(Type.String()),
  /** The last callback (回访) by the period end, and whether the resident was satisfied. */
  lastCallbackAt: Nullable(IsoTime),
  satisfied: Nullable(Type.Boolean()),
  /** Stages whose deadline passed, within the period, without being met. */
  missed: Type.Array(Type.Union([Type.Literal('answer'), Type.Literal('fix')])),
  /** A stored bad-rating-followup alarm for this rating, if any. */
  missedDeadlineAlarm: Nullable(Type.String()),
});

/** One opening hour (or the mean of a clock hour of the day) of the environment × service section. */
export const EnvHour = Type.Object({
  start: IsoTime,
  end: IsoTime,
  /** Site-local clock hour, "09:00". */
  hour: Type.String(),
  laeq: Nullable(Type.Number()),
  co2: Nullable(Type.Number()),
  temperature: Nullable(Type.Number()),
  tickets: Type.Number(),
  meanWaitMin: Nullable(Type.Number()),
  badRatings: Type.Number(),
});
export type EnvHour = Static<typeof EnvHour>;

export const EnvCorrelation = Type.Object({
  environment: Type.Union([Type.Literal('laeq'), Type.Literal('co2'), Type.Literal('temperature')]),
  service: Type.Union([Type.Literal('meanWaitMin'), Type.Literal('tickets'), Type.Literal('badRatings')]),
  n: Type.Integer(),
  r: Nullable(Type.Number()),
  /** 95 % interval of r (Fisher z). */
  low: Nullable(Type.Number()),
  high: Nullable(Type.Number()),
});
export type EnvCorrelation = Static<typeof EnvCorrelation>;

/** The hall's environment beside its service, per opening hour (docs/evidence.md). */
export const EnvironmentService = Type.Object({
  hours: Type.Array(EnvHour),
  /** Means per clock hour of the day. */
  profile: Type.Array(EnvHour),
  correlations: Type.Array(EnvCorrelation),
  /** Correlation is not cause, and why the intervals are optimistic. */
  caveat: Type.String(),
});
export type EnvironmentService = Static<typeof EnvironmentService>;

export const ChainHead = Type.Object({
  day: Type.String(),
  digest: Type.String(),
  chain: Type.String(),
  readings: Type.Number(),
  alarms: Type.Number(),
  sealedAt: Nullable(IsoTime),
});

export const EvidencePack = Type.Object({
  site: Type.String(),
  siteName: Type.String(),
  from: IsoTime,
  to: IsoTime,
  /** Site-local first and last day of the period. */
  firstDay: Type.String(),
  lastDay: Type.String(),
  generatedAt: IsoTime,
  softwareVersion: Type.String(),
  timezone: Type.String(),
  coverageThreshold: Type.Number(),
  method: Type.Array(Type.String()),
  clauses: Type.Array(ClauseEvidence),
  deviceFaults: Type.Array(DeviceFault),
  followups: Type.Array(EvidenceFollowup),
  alarmAcks: Type.Array(AlarmAck),
  selfTests: Type.Array(AlarmAck),
  dataGaps: Type.Array(EvidenceGap),
  /**
   * The site's audit-trail entries of the period (acknowledgements, follow-up steps, self-tests,
   * evidence downloads, entry visits), oldest first: who did what. Sealed day by day (format 4).
   */
  auditTrail: Type.Array(AuditEntry),
  /** The minute series behind the tables, for the CSV export. */
  series: Type.Array(Type.Object({ sensor: Type.String(), metric: MetricName, zone: Type.String() })),
  /** The scorecard (scorecard.ts): the first section of the PDF, built from the clauses above. */
  scorecard: Scorecard,
  environmentService: EnvironmentService,
  chainHeads: Type.Optional(Type.Array(ChainHead)),
  /** The site's Ed25519 public key that signed the pack's manifest and day links (written packs). */
  signingKey: Type.Optional(
    Type.Object({ algorithm: Type.Literal('Ed25519'), keyId: Type.String(), publicKey: Type.String() }),
  ),
});
export type EvidencePack = Static<typeof EvidencePack>;
