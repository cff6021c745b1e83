// GET /api/scorecard and GET /api/district: what each clause hallmon can judge is worth, for one
// centre (the scorecard, also the first section of the evidence pack) and for every centre of the
// district at once (the district view). A line carries the measured figure, the target, the verdict
// of the evidence pack, the 2025 standard's points at stake and the district rules' deductions,
// each with its source (firmware-config's clause catalogue, docs/evidence.md "The scorecard").
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable, Verdict } from './common.ts';

export const SourceRef = Type.Object({
  standard: Type.String(),
  clause: Type.String(),
  year: Type.Integer(),
});

export const SCORE_GROUP_NAMES = [
  'environment',
  'devices',
  'ratings',
  'followups',
  'service-hours',
  'staffing',
  'operations',
] as const;
export const ScoreGroupName = Type.Union(SCORE_GROUP_NAMES.map((g) => Type.Literal(g)));

export const DeductionLine = Type.Object({
  what: Type.String(),
  whatEn: Type.String(),
  /** Points each time (per finding) or once (per fail). */
  points: Type.Number(),
  /** A range ("扣1-3分"): the assessor may go up to this. */
  upTo: Nullable(Type.Number()),
  per: Type.Union([Type.Literal('finding'), Type.Literal('fail')]),
  /** Findings counted (per finding), or 1 when the clause failed (per fail), else 0. */
  count: Type.Integer(),
  /** count × points, capped at upTo. */
  total: Type.Number(),
  source: SourceRef,
});
export type DeductionLine = Static<typeof DeductionLine>;

export const ScoreLine = Type.Object({
  clause: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  group: ScoreGroupName,
  document: Type.String(),
  /** What meeting the clause takes. */
  target: Type.String(),
  targetEn: Type.String(),
  /** The measured figure: a rate in % (unit '%') or a count of findings (unit 'count'). */
  figure: Nullable(Type.Number()),
  unit: Type.Union([Type.Literal('%'), Type.Literal('count')]),
  /** A rate's target (%); null for a count, whose target is none. */
  threshold: Nullable(Type.Number()),
  /** The share of the judged hours or days with data (0..1). */
  coverage: Nullable(Type.Number()),
  verdict: Verdict,
  reason: Type.String(),
  /** Records of the clause in the period (excursions, findings, missed deadlines, faults). */
  findings: Type.Integer(),
  /** The clause's points in the assessment standard (0: the document gives none). */
  points: Type.Number(),
  pointsSource: Nullable(SourceRef),
  /** The points not proven: all of them unless the verdict is pass. */
  pointsAtRisk: Type.Number(),
  deductions: Type.Array(DeductionLine),
  /** The district rules' deductions the period's records amount to. */
  deductionTotal: Type.Number(),
});
export type ScoreLine = Static<typeof ScoreLine>;

export const ScoreTotals = Type.Object({
  points: Type.Number(),
  pointsAtRisk: Type.Number(),
  deductions: Type.Number(),
  pass: Type.Integer(),
  fail: Type.Integer(),
  insufficient: Type.Integer(),
});
export type ScoreTotals = Static<typeof ScoreTotals>;

export const Scorecard = Type.Object({
  site: Type.String(),
  siteName: Type.String(),
  from: IsoTime,
  to: IsoTime,
  firstDay: Type.String(),
  lastDay: Type.String(),
  generatedAt: IsoTime,
  lines: Type.Array(ScoreLine),
  totals: ScoreTotals,
});
export type Scorecard = Static<typeof Scorecard>;

/** One centre's cell for one clause in the district view. */
export const DistrictCell = Type.Object({
  clause: Type.String(),
  verdict: Verdict,
  figure: Nullable(Type.Number()),
  unit: Type.Union([Type.Literal('%'), Type.Literal('count')]),
  pointsAtRisk: Type.Number(),
  deductionTotal: Type.Number(),
});
export type DistrictCell = Static<typeof DistrictCell>;

/** month / year: so far (GET /api/district); month / quarter: a whole one (the scheduled district packs). */
export const DistrictPeriod = Type.Union([Type.Literal('month'), Type.Literal('quarter'), Type.Literal('year')]);
export type DistrictPeriod = Static<typeof DistrictPeriod>;

export const DistrictRow = Type.Object({
  site: Type.String(),
  siteName: Type.String(),
  siteNameEn: Nullable(Type.String()),
  firstDay: Type.String(),
  lastDay: Type.String(),
  cells: Type.Array(DistrictCell),
  totals: ScoreTotals,
});
export type DistrictRow = Static<typeof DistrictRow>;

export const DistrictView = Type.Object({
  /** month: this month so far; year: the assessment year so far (from its start, catalogue); quarter: a scheduled pack's. */
  period: DistrictPeriod,
  firstDay: Type.String(),
  lastDay: Type.String(),
  generatedAt: IsoTime,
  /** The clauses of the columns, in scorecard order. */
  clauses: Type.Array(
    Type.Object({
      clause: Type.String(),
      title: Type.String(),
      titleEn: Type.String(),
      group: ScoreGroupName,
      points: Type.Number(),
    }),
  ),
  rows: Type.Array(DistrictRow),
});
export type DistrictView = Static<typeof DistrictView>;
