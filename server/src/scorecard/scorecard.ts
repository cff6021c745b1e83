// The scorecard of one centre and period (docs/evidence.md "The scorecard"): for every clause of
// the catalogue that has scoring (an operating target has none), the figure its evidence measured,
// its target, the pack's verdict, the 2025 standard's points at stake and the 2021 district rules'
// deductions, each with its source. Pure: it reads the evidence pack and the catalogue, so the
// scorecard and the pack can never disagree.
import { SCORE_GROUPS, toIso, type ClauseCatalogue, type Deduction, type Scoring } from '@hallmon/firmware-config';
import { ruleKind } from '@hallmon/rules';
import type { DeductionLine, Scorecard, ScoreLine, ScoreTotals } from '@hallmon/contract';
import type { ClauseEvidence, EvidencePack, FollowupRateMonth, WindowRate } from '../evidence/types.ts';

type ClauseDef = ClauseCatalogue['clauses'][number];

/** The records of a clause that its deductions count: its excursions (findings), or its faults. */
function records(ev: ClauseEvidence, pack: PackBody, bases: Set<string>): Array<{ finding?: string }> {
  if (bases.has('faults'))
    return pack.deviceFaults
      .filter((f) => f.source === 'status' && (f.exceedsMonthlyLimit || f.repairOverdue))
      .map(() => ({}));
  return ev.excursions;
}

/** The pack without its scorecard (what the scorecard is built from). */
type PackBody = Omit<EvidencePack, 'scorecard' | 'environmentService'>;

function deduction(d: Deduction, failed: boolean, found: Array<{ finding?: string }>): DeductionLine {
  const count =
    d.per === 'fail'
      ? failed
        ? 1
        : 0
      : found.filter((x) => !d.findings || (x.finding !== undefined && (d.findings as string[]).includes(x.finding)))
          .length;
  const raw = count * d.points;
  return {
    what: d.what,
    whatEn: d.whatEn,
    points: d.points,
    upTo: d.upTo ?? null,
    per: d.per,
    count,
    total: round2(d.upTo !== undefined ? Math.min(raw, d.upTo) : raw),
    source: d.source,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The figure a clause is measured by: a rate for rate clauses, else its number of records. */
function figureOf(
  c: ClauseDef,
  ev: ClauseEvidence,
  bases: Set<string>,
  found: number,
): Pick<ScoreLine, 'figure' | 'unit' | 'threshold'> {
  if (bases.has('rate')) {
    const hall = (ev.byWindow as WindowRate[] | undefined)?.find((w) => w.hall);
    const rule = c.rules.find((r) => ruleKind(r.kind).evidence.basis === 'rate');
    const limit = rule ? (ruleKind(rule.kind).evidence.monthlyLimit?.(rule) ?? null) : null;
    return { figure: hall?.rate ?? null, unit: '%', threshold: limit };
  }
  if (bases.has('followup-rates')) {
    const period = (ev.monthly as FollowupRateMonth[]).find((m) => m.month === 'period');
    const rule = c.rules.find((r) => ruleKind(r.kind).evidence.basis === 'followup-rates');
    return { figure: period?.rate ?? null, unit: '%', threshold: rule?.limits?.min ?? null };
  }
  return { figure: found, unit: 'count', threshold: null };
}

export function scoreLine(c: ClauseDef & { scoring: Scoring }, ev: ClauseEvidence, pack: PackBody): ScoreLine {
  const s = c.scoring;
  const bases = new Set<string>(c.rules.map((r) => ruleKind(r.kind).evidence.basis));
  const found = records(ev, pack, bases);
  const deductions = (s.deductions ?? []).map((d) => deduction(d, ev.verdict === 'fail', found));
  return {
    clause: c.id,
    title: c.title,
    titleEn: c.titleEn,
    group: s.group,
    document: c.document,
    target: s.target,
    targetEn: s.targetEn,
    ...figureOf(c, ev, bases, found.length),
    coverage: ev.coverage,
    verdict: ev.verdict,
    reason: ev.reason,
    findings: found.length,
    points: s.points,
    pointsSource: s.pointsSource ?? null,
    pointsAtRisk: ev.verdict === 'pass' ? 0 : s.points,
    deductions,
    deductionTotal: round2(deductions.reduce((a, d) => a + d.total, 0)),
  };
}

export function totalsOf(lines: readonly ScoreLine[]): ScoreTotals {
  return {
    points: round2(lines.reduce((a, l) => a + l.points, 0)),
    pointsAtRisk: round2(lines.reduce((a, l) => a + l.pointsAtRisk, 0)),
    deductions: round2(lines.reduce((a, l) => a + l.deductionTotal, 0)),
    pass: lines.filter((l) => l.verdict === 'pass').length,
    fail: lines.filter((l) => l.verdict === 'fail').length,
    insufficient: lines.filter((l) => l.verdict === 'insufficient-data').length,
  };
}

/** The clauses with scoring, in scorecard order: by group, then as the catalogue lists them. */
export function scoredClauses(catalogue: ClauseCatalogue): Array<ClauseDef & { scoring: Scoring }> {
  const scored = catalogue.clauses.filter((c): c is ClauseDef & { scoring: Scoring } => c.scoring !== undefined);
  return SCORE_GROUPS.flatMap((g) => scored.filter((c) => c.scoring.group === g));
}

export function buildScorecard(pack: PackBody, catalogue: ClauseCatalogue, now = Date.now()): Scorecard {
  const lines: ScoreLine[] = [];
  for (const c of scoredClauses(catalogue)) {
    const ev = pack.clauses.find((x) => x.clause === c.id);
    if (ev) lines.push(scoreLine(c, ev, pack));
  }
  return {
    site: pack.site,
    siteName: pack.siteName,
    from: pack.from,
    to: pack.to,
    firstDay: pack.firstDay,
    lastDay: pack.lastDay,
    generatedAt: toIso(now),
    lines,
    totals: totalsOf(lines),
  };
}
