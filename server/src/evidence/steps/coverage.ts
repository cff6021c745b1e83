// Coverage and gaps of a measured clause: the share of its judged hours with data (around the clock
// for rooms, opening hours for the hall) and every silence an assessor should
// see: uncovered spans of its series, the gap rule's records (clauses 5.2.2 / 5.3 "持续监控并记录")
// where coverage did not already list that silence, and the edge's data_gap events.
import { toIso } from '@hallmon/firmware-config';
import type { GapRecord } from '@hallmon/rules';
import type { StoredEvent } from '../../store/store.ts';
import type { Coverage } from '../series-stats.ts';
import type { ClauseEvidence, EvidenceGap } from '../types.ts';
import { round } from './format.ts';
import type { SeriesInfo } from './inputs.ts';

/** The edge's data_gap events overlapping the period (it dropped data it could not keep). */
export function dataGaps(events: StoredEvent[], from: number, to: number): EvidenceGap[] {
  return events
    .filter((e) => e.type === 'data_gap' && e.ts < to)
    .map((e) => {
      const s = e.start ?? e.ts;
      const en = e.end ?? e.ts;
      return {
        sensor: e.device,
        metric: null,
        start: toIso(s),
        end: toIso(en),
        durationS: (en - s) / 1000,
        source: 'data_gap' as const,
      };
    })
    .filter((g) => Date.parse(g.end) > from);
}

export interface CoverageInput {
  coverage: Map<string, Coverage>;
  /** The gap rule's records of the period and those still open at its end. */
  ruleGaps: GapRecord[];
  dataGaps: EvidenceGap[];
  /** Every measured sensor of the site: a data_gap of any other device is the gateway's own. */
  knownSensors: Set<string>;
  from: number;
  to: number;
}

/** Sets the clause's hours, coverage, coverage per series and gaps. */
export function clauseCoverage(ev: ClauseEvidence, series: Map<string, SeriesInfo>, i: CoverageInput): void {
  const hall = [...series.values()].some((s) => s.zoneKind === 'hall');
  ev.hours = hall ? 'opening-hours' : 'around-the-clock';
  let cSum = 0;
  let eSum = 0;
  for (const [key, s] of series) {
    const cv = i.coverage.get(key)!;
    cSum += cv.covered;
    eSum += cv.expected;
    ev.coverageBySensor.push({
      sensor: s.sensor,
      metric: s.metric,
      coverage: cv.expected ? round(cv.covered / cv.expected, 4) : 0,
      coveredMinutes: cv.covered,
      expectedMinutes: cv.expected,
    });
    for (const [a, b] of cv.spans)
      ev.gaps.push({
        sensor: s.sensor,
        metric: s.metric,
        start: toIso(a),
        end: toIso(b),
        durationS: (b - a) / 1000,
        source: 'coverage',
      });
  }
  ev.coverage = eSum ? round(cSum / eSum, 4) : 0;
  // The engine's gap records, where coverage did not already list that silence.
  const sensorsHere = new Set([...series.values()].map((s) => s.sensor));
  for (const g of i.ruleGaps) {
    if (g.clause !== ev.clause || g.end <= i.from || g.start >= i.to) continue;
    const dup = ev.gaps.some(
      (x) => x.sensor === g.sensor && Date.parse(x.start) < g.end && Date.parse(x.end) > g.start,
    );
    if (!dup)
      ev.gaps.push({
        sensor: g.sensor,
        metric: null,
        start: toIso(g.start),
        end: toIso(g.end),
        durationS: g.durationS,
        source: 'rule',
      });
  }
  // The edge's data_gap events: for one sensor, or (from the gateway itself) for every measured clause.
  for (const g of i.dataGaps) if (sensorsHere.has(g.sensor) || !i.knownSensors.has(g.sensor)) ev.gaps.push(g);
  ev.gaps.sort((a, b) => a.start.localeCompare(b.start) || a.sensor.localeCompare(b.sensor));
}
