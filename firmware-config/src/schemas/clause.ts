// The clause catalogue: each clause the sensors can prove, its rules with default limits, and
// where every limit comes from, so evidence can cite it. Sites and zones may override limits.
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
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

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
    /** Where the limit comes from (standard and section), cited in evidence. */
    limitSource: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);
export type RuleDef = Static<typeof RuleDef>;

export const Clause = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 32 }),
    title: Type.String(),
    titleEn: Type.String(),
    /** Which document the clause is from and its points. */
    document: Type.String(),
    quote: Type.String(),
    points: Type.Optional(Type.Number()),
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
    clauses: Type.Array(Clause, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type ClauseCatalogue = Static<typeof ClauseCatalogue>;
