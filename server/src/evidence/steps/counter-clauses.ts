// The counter clauses' own figures, put on their clause by what its rules' kinds are judged on:
// counter devices report events, not a steady series, so these clauses are judged over opening
// days. A rate clause (6.1.1) gets its monthly evaluation rates and the period's rate per window,
// a follow-up clause (10.1.3) its missed deadlines as excursions, a follow-up rate clause (6.1.3-
// 6.1.5, 10.1.4) its rate per month and the ratings that miss it, a device clause (1.2.1) the faults
// per device and month, a detector clause (2.1, 3.2.2, …) the opening days it could judge.
import type { ClauseCatalogue, RuleDef } from '@hallmon/firmware-config';
import { ruleKind } from '@hallmon/rules';
import type { ClauseEvidence, DeviceFault, EvidenceExcursion, RateMonth, WindowRate } from '../types.ts';
import { faultMonths } from './device-faults.ts';
import type { RateClause } from './followup-rates.ts';
import type { Basis } from './kinds.ts';

export interface CounterFigures {
  /** Opening days with counter events, of all opening days. */
  coverage: number;
  /** The monthly table of a rate rule. */
  rateMonths(rule: RuleDef): RateMonth[];
  /** The period's evaluation rate per window and for the hall. */
  windowRates(rule: RuleDef): WindowRate[];
  /** A follow-up rate rule's figures. */
  followupRate(rule: RuleDef): RateClause;
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
    ev.byWindow = f.windowRates(on('rate')[0]!);
  } else if (bases.has('followup-rates')) {
    ev.hours = 'opening-days';
    ev.coverage = f.coverage;
    const r = f.followupRate(on('followup-rates')[0]!);
    ev.monthly = r.monthly;
    ev.excursions = r.excursions;
  } else if (bases.has('detector')) {
    ev.hours = 'opening-days';
    ev.coverage = f.coverage;
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
