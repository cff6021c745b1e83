// Which measured series a clause is judged on: the metrics each of its bound rules reads on its
// sensor. A clause's coverage, gaps and daily tables are over exactly these series, so a sensor
// that only one clause watches does not count towards another's coverage.
import type { Metric } from '@hallmon/firmware-config';
import type { RuleInstance } from '@hallmon/rules';
import type { SeriesInfo } from './inputs.ts';

/** The clause's series by `${sensor}|${metric}`, in the order its rules name them. */
export function clauseSeries(bound: RuleInstance[], series: SeriesInfo[]): Map<string, SeriesInfo> {
  const out = new Map<string, SeriesInfo>();
  for (const r of bound) {
    const rule = r.bound.rule;
    const ms: Metric[] = rule.metric ? [rule.metric] : rule.kind === 'dew-point' ? ['temperature', 'humidity'] : rule.kind === 'gap' ? series.filter((s) => s.sensor === r.bound.sensor).map((s) => s.metric) : [];
    for (const m of ms) {
      const s = series.find((x) => x.sensor === r.bound.sensor && x.metric === m);
      if (s) out.set(`${s.sensor}|${s.metric}`, s);
    }
  }
  return out;
}
