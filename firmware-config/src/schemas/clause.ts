// The clause catalogue: each clause the sensors and counter devices can prove, its rules with
// default limits, where every limit comes from, so evidence can cite it, and what the clause is
// worth in the assessment (the 2025 standard's points, the 2021 district rules' deductions), each
// with its source. Sites and zones may override limits.
import { Type, type Static } from '@sinclair/typebox';
import { Metric } from './wire.ts';
import { ZoneKind } from './zone-kind.ts';

export const RULE_KINDS = [
  'laeq-window',
  'range',
  'dew-point',
  'rate-of-change',
  'daily-swing',
  'gap',
  'device-offline',
  'evaluation-rate',
  'bad-rating-followup',
  'queue-wait',
  'state',
  'ac-stopped',
  'unregistered-entry',
  'followup-rate',
  'self-rating',
  'service-hours',
  'window-idle',
  'workload-balance',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/**
 * What a detector found, one code per kind of finding (the rule kinds self-rating, service-hours,
 * window-idle and workload-balance name them on their records; deductions may count only some).
 */
export const FINDING_KINDS = [
  'rating-without-service',
  'rating-burst',
  'served-while-evaluator-offline',
  'hour-without-calls',
  'closed-day',
  'window-idle',
  'workload-imbalance',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
export const FindingName = Type.Union(FINDING_KINDS.map((k) => Type.Literal(k)));

/**
 * The rates of the bad-rating follow-ups a followup-rate rule measures (the 2025 standard 6.1.3,
 * 6.1.4, 6.1.5 and DB31/T 862-2021 10.1.4); docs/evidence.md "The follow-up rates" defines each.
 */
export const FOLLOWUP_MEASURES = [
  'on-time-reply',
  'rectification',
  'callback-satisfaction',
  'real-name-reply',
] as const;
export type FollowupMeasure = (typeof FOLLOWUP_MEASURES)[number];

export const Limits = Type.Object(
  {
    /** Raise when above (or at/below, see clearAt) this value. */
    max: Type.Optional(Type.Number()),
    min: Type.Optional(Type.Number()),
    /** Hysteresis: an excursion above max clears only at or below clearMax (and likewise clearMin). */
    clearMax: Type.Optional(Type.Number()),
    clearMin: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const RuleDef = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }),
    kind: Type.Union(RULE_KINDS.map((k) => Type.Literal(k))),
    title: Type.String(),
    titleEn: Type.String(),
    zoneKinds: Type.Array(ZoneKind, { minItems: 1 }),
    metric: Type.Optional(Metric),
    severity: Type.Union([Type.Literal('warning'), Type.Literal('critical')]),
    limits: Type.Optional(Limits),
    /** Averaging or integration window, seconds (LAeq window, rolling/hourly mean, rate window). */
    windowS: Type.Optional(Type.Integer({ minimum: 1 })),
    /** 'raw' = each reading; 'mean' = rolling mean over windowS. */
    basis: Type.Optional(Type.Union([Type.Literal('raw'), Type.Literal('mean')])),
    /** The condition must hold this long before it is an excursion. */
    minDurationS: Type.Optional(Type.Integer({ minimum: 0 })),
    /** gap / device-offline: silence longer than this. */
    thresholdS: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Only judged within the site's opening hours (hall clauses). */
    openingHoursOnly: Type.Optional(Type.Boolean()),
    /** Hall climate: the rule applies only in this season. */
    season: Type.Optional(Type.Union([Type.Literal('summer'), Type.Literal('winter')])),
    /** Extra numeric parameters of a rule kind (e.g. followup deadlines in working days). */
    params: Type.Optional(Type.Record(Type.String(), Type.Number())),
    /** followup-rate: which rate of the follow-ups the rule measures (its limits.min is the target, %). */
    measure: Type.Optional(Type.Union(FOLLOWUP_MEASURES.map((m) => Type.Literal(m)))),
    /** Where the limit comes from (standard and section), cited in evidence. */
    limitSource: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type RuleDef = Static<typeof RuleDef>;

/** Where a number comes from: the document as it names itself, its clause or item, its year. */
export const SourceRef = Type.Object(
  {
    standard: Type.String({ minLength: 1 }),
    clause: Type.String({ minLength: 1, maxLength: 32 }),
    year: Type.Integer({ minimum: 1990, maximum: 2100 }),
  },
  { additionalProperties: false },
);
export type SourceRef = Static<typeof SourceRef>;

/** The scorecard's groups, in the order the scorecard lists them. */
export const SCORE_GROUPS = [
  'environment',
  'devices',
  'ratings',
  'followups',
  'service-hours',
  'staffing',
  'operations',
] as const;
export type ScoreGroup = (typeof SCORE_GROUPS)[number];

/**
 * A deduction of the district's scoring rules (Qingpu 2021: "每一人次扣0.5分", "扣1-3分"): `points`
 * for each finding of the clause (per: finding) or once when the clause fails (per: fail).
 */
export const Deduction = Type.Object(
  {
    points: Type.Number({ exclusiveMinimum: 0 }),
    /** A range ("扣1-3分"): hallmon counts `points`, the assessor may deduct up to this. */
    upTo: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    per: Type.Union([Type.Literal('finding'), Type.Literal('fail')]),
    /** per: finding: only findings of these kinds count (absent: every finding of the clause). */
    findings: Type.Optional(Type.Array(FindingName, { minItems: 1 })),
    what: Type.String({ minLength: 1 }),
    whatEn: Type.String({ minLength: 1 }),
    source: SourceRef,
  },
  { additionalProperties: false },
);
export type Deduction = Static<typeof Deduction>;

/** What a clause is worth and what it takes (the scorecard, docs/evidence.md "The scorecard"). */
export const Scoring = Type.Object(
  {
    group: Type.Union(SCORE_GROUPS.map((g) => Type.Literal(g))),
    /** The clause's points in the assessment standard (0: the document gives none). */
    points: Type.Number({ minimum: 0 }),
    /** Where the points come from (required when points > 0; the loader checks). */
    pointsSource: Type.Optional(SourceRef),
    /** What meeting the clause takes, as the scorecard prints it. */
    target: Type.String({ minLength: 1 }),
    targetEn: Type.String({ minLength: 1 }),
    deductions: Type.Optional(Type.Array(Deduction)),
  },
  { additionalProperties: false },
);
export type Scoring = Static<typeof Scoring>;

export const Clause = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9.-]+$' }),
    title: Type.String(),
    titleEn: Type.String(),
    /** Which document the clause is from. */
    document: Type.String(),
    quote: Type.String(),
    /** Points and deductions; absent for an operating target that no assessment scores. */
    scoring: Type.Optional(Scoring),
    rules: Type.Array(RuleDef),
  },
  { additionalProperties: false },
);
export type Clause = Static<typeof Clause>;

export const ClauseCatalogue = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Integer({ minimum: 1 }),
    /** Named alternative limit sets, e.g. the legacy 2008 class C machine room. */
    profiles: Type.Optional(
      Type.Record(Type.String(), Type.Array(Type.Object({ rule: Type.String(), limits: Limits }))),
    ),
    /**
     * The assessment year: it starts on this site-local month-day (the 2025 standard's back-office
     * sampling period runs 05-01 to 04-30); the district view's "year so far" starts there.
     */
    assessmentYear: Type.Optional(
      Type.Object(
        { startsOn: Type.String({ pattern: '^(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$' }), source: SourceRef },
        { additionalProperties: false },
      ),
    ),
    clauses: Type.Array(Clause, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type ClauseCatalogue = Static<typeof ClauseCatalogue>;
