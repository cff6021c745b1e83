// A clause's first part in the pack: what it says and which rules (with their limit sources) it is
// judged by, and its excursions: the replay's records of its rules in the period plus those still
// open at the period end, in time order. Coverage, gaps and tables are added by the next steps.
import type { ClauseCatalogue } from '@hallmon/firmware-config';
import type { RuleInstance } from '@hallmon/rules';
import type { ClauseEvidence, EvidenceExcursion, RuleCitation } from '../types.ts';

type ClauseDef = ClauseCatalogue['clauses'][number];

/**
 * The clause with its citations and excursions; verdict, coverage and tables still empty.
 * `excursions` are the period's excursions (as pack rows) with the clause of each.
 */
export function clauseExcursions(
  c: ClauseDef,
  bound: RuleInstance[],
  excursions: Array<{ clause: string; row: EvidenceExcursion }>,
  ongoing: EvidenceExcursion[],
): ClauseEvidence {
  const citations: RuleCitation[] = [...new Map(bound.map((r) => [r.bound.rule.id, r.bound.rule])).values()].map(
    citation,
  );
  if (citations.length === 0) for (const r of c.rules) citations.push(citation(r));
  const xs: EvidenceExcursion[] = [
    ...excursions.filter((x) => x.clause === c.id).map((x) => x.row),
    ...ongoing.filter((x) => c.rules.some((r) => r.id === x.rule)),
  ].sort((a, b) => a.start.localeCompare(b.start) || a.sensor.localeCompare(b.sensor));
  return {
    clause: c.id,
    title: c.title,
    titleEn: c.titleEn,
    document: c.document,
    quote: c.quote,
    verdict: 'pass',
    reason: '',
    rules: citations,
    coverage: null,
    coverageBySensor: [],
    hours: 'around-the-clock',
    excursions: xs,
    gaps: [],
    monthly: [],
  };
}

/** A rule as the pack cites it: its effective limits (after site overrides) and where they come from. */
function citation(r: ClauseDef['rules'][number]): RuleCitation {
  return {
    rule: r.id,
    title: r.title,
    kind: r.kind,
    limitSource: r.limitSource,
    limits: r.limits ?? null,
    ...(r.windowS !== undefined ? { windowS: r.windowS } : {}),
    ...(r.minDurationS !== undefined ? { minDurationS: r.minDurationS } : {}),
    ...(r.thresholdS !== undefined ? { thresholdS: r.thresholdS } : {}),
    ...(r.params ? { params: r.params } : {}),
  };
}
