// The counter clauses' own figures, put on their clause: counter devices report events, not a
// steady series, so these clauses are judged over opening days. 6.1.1 gets the monthly evaluation
// rates, 10.1.3 its missed follow-up deadlines as excursions, 1.2.1 the faults per device and month.
import type { ClauseCatalogue } from '@hallmon/firmware-config';
import type { ClauseEvidence, DeviceFault, EvidenceExcursion, RateMonth } from '../types.ts';
import { faultMonths } from './device-faults.ts';

export interface CounterFigures {
  /** Opening days with counter events, of all opening days. */
  coverage: number;
  rateMonths: RateMonth[];
  followupExcursions: EvidenceExcursion[];
  /** The hall's counter devices heard from (null: the site has none). */
  deviceCoverage: number | null;
  deviceFaults: DeviceFault[];
}

export function counterClause(ev: ClauseEvidence, c: ClauseCatalogue['clauses'][number], f: CounterFigures): void {
  const kinds = new Set(c.rules.map((r) => r.kind));
  if (kinds.has('evaluation-rate')) {
    ev.hours = 'opening-days';
    ev.coverage = f.coverage;
    ev.monthly = f.rateMonths;
  } else if (kinds.has('bad-rating-followup')) {
    ev.hours = 'opening-days';
    ev.coverage = f.coverage;
    // Judged from the ratings and what people recorded, deadline by deadline (followups.ts).
    ev.excursions = f.followupExcursions;
  } else if (kinds.has('device-offline')) {
    ev.hours = 'opening-days';
    ev.coverage = f.deviceCoverage;
    ev.monthly = faultMonths(f.deviceFaults.filter((x) => x.source === 'status'));
  }
}
