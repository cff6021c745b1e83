// The counter clauses' own figures, put on their clause by what its rules' kinds are judged on:
// counter devices report events, not a steady series, so these clauses are judged over opening
// days. A rate clause (6.1.1) gets its monthly evaluation rates, a follow-up clause (10.1.3) its
// missed deadlines as excursions, a device clause (1.2.1) the faults per device and month.
import type { ClauseCatalogue, RuleDef } from '@hallmon/firmware-config';
import { ruleKind } from '@hallmon/rules';
import type { ClauseEvidence, DeviceFault, EvidenceExcursion, RateMonth } from '../types.ts';
import { faultMonths } from './device-faults.ts';
import type { Basis } from './kinds.ts';

export interface CounterFigures {
  /** Opening days with counter events, of all opening days. */
  coverage: number;
  /** The monthly table of a rate rule. */
  rateMonths(rule: RuleDef): RateMonth[];
  followupExcursions: EvidenceExcursion[];
  /** The share of the devices these rules watch that were heard from (null: the site has none). */
  deviceCoverage(rules: RuleDef[]): number | null;
  deviceFaults: DeviceFault[];
}

export function counterClause(
  ev: ClauseEvidence,
  c: ClauseCatalogue['clauses'][number],
  bases: Set<Basis>,
  f: CounterFigures,
): void {
  const on = (basis: Basis) => c.rules.filter((r) => ruleKind(r.kind).evidence.basis === basis);
  if (bases.has('rate')) {
    ev.hours = 'opening-days';
    ev.coverage = f.coverage;
    ev.monthly = f.rateMonths(on('rate')[0]!);
  } else if (bases.has('followups')) {
    ev.hours = 'opening-days';
    ev.coverage = f.coverage;
    // Judged from the ratings and what people recorded, deadline by deadline (followups.ts).
    ev.excursions = f.followupExcursions;
  } else if (bases.has('faults')) {
    ev.hours = 'opening-days';
    ev.coverage = f.deviceCoverage(on('faults'));
    ev.monthly = faultMonths(f.deviceFaults.filter((x) => x.source === 'status'));
  }
}
