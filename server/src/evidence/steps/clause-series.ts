// Which measured series a clause is judged on: the metrics each of its bound rules reads on its
// sensor. A clause's coverage, gaps and daily tables are over exactly these series, so a sensor
// that only one clause watches does not count towards another's coverage.
import { ruleKind, type RuleInstance } from '@hallmon/rules';
import type { SeriesInfo } from './inputs.ts';

/** The clause's series by `${sensor}|${metric}`, in the order its rules name them. */
export function clauseSeries(bound: RuleInstance[], series: SeriesInfo[]): Map<string, SeriesInfo> {
  const out = new Map<string, SeriesInfo>();
  for (const r of bound) {
    const rule = r.bound.rule;
    const measured = series.filter((s) => s.sensor === r.bound.sensor).map((s) => s.metric);
    for (const m of ruleKind(rule.kind).reads(rule, measured)) {
      const s = series.find((x) => x.sensor === r.bound.sensor && x.metric === m);
      if (s) out.set(`${s.sensor}|${s.metric}`, s);
    }
  }
  return out;
}
