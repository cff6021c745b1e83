// dew-point: machine-room dew point outside 5.5-15 °C (GB 50174-2017 Appendix A, clause 5.2.2),
// computed from the same sensor's temperature and humidity paired by timestamp (within
// params.pairToleranceS, default 5 s) with the Magnus formula (../dew-point.ts).
import { round6 } from '../alarm.ts';
import { dewPoint } from '../dew-point.ts';
import { classify, isActive, trackerState, type TrackerState } from '../excursion.ts';
import { clearBand, scanHours } from '../quiet-hours.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { TrackedRule } from './base.ts';
import { measures, type RuleKindSpec } from './spec.ts';

interface State {
  t: [number, number] | null;
  h: [number, number] | null;
  tr: TrackerState;
}

export class DewPointRule extends TrackedRule<State> {
  constructor(b: Bound) {
    super(b, { t: null, h: null, tr: trackerState() }, undefined);
  }

  reading(x: Sample, out: Out): void {
    if ((x.metric !== 'temperature' && x.metric !== 'humidity') || !isActive(this.bound, x.ts)) return;
    const s = this.s;
    const mine: [number, number] = [x.ts, x.value];
    const other = x.metric === 'temperature' ? s.h : s.t;
    const tolMs = (this.bound.rule.params?.pairToleranceS ?? 5) * 1000;
    if (!other || Math.abs(x.ts - other[0]) > tolMs) {
      if (x.metric === 'temperature') s.t = mine;
      else s.h = mine;
      return;
    }
    s.t = s.h = null;
    const [temp, rh] = x.metric === 'temperature' ? [x.value, other[1]] : [other[1], x.value];
    const td = dewPoint(temp, rh);
    if (td === null) return;
    const v = round6(td);
    this.tr.judge(x.ts, v, classify(v, this.bound.rule.limits), x.gapMs, out);
  }
}

export const dewPointKind: RuleKindSpec<'dew-point'> = {
  kind: 'dew-point',
  scope: 'device',
  watches: (_rule, profile) => measures(profile, 'temperature') && measures(profile, 'humidity'),
  create: (b) => new DewPointRule(b),
  reads: () => ['temperature', 'humidity'],
  liveBy: 'engine',
  evidence: { basis: 'readings', openAtEnd: 'excursion' },
  quiet: {
    lookBackMs: () => 0,
    // The Magnus dew point rises with both temperature and humidity: an hour's dew points lie
    // between those at (min T, min RH) and (max T, max RH).
    suspicious(rule, v, out) {
      const t = v.hours('temperature');
      const rh = v.hours('humidity');
      if (!t || !rh) return;
      const band = clearBand(rule);
      if (!band) return;
      const lim = { lo: rule.limits?.min ?? -Infinity, hi: rule.limits?.max ?? Infinity };
      const act = v.active(rule);
      const bounds = (k: number): [number, number] | null => {
        if (t.minutes[k] === 0 || rh.minutes[k] === 0) return [0, 0];
        if (!(rh.vmin[k]! > 0 && rh.vmax[k]! <= 100)) return null;
        const a = dewPoint(t.vmin[k]!, rh.vmin[k]!);
        const b = dewPoint(t.vmax[k]!, rh.vmax[k]!);
        return a === null || b === null ? null : [round6(a), round6(b)];
      };
      const inside = (k: number, x: { lo: number; hi: number }) => {
        if (t.minutes[k] === 0 || rh.minutes[k] === 0) return true;
        const b = bounds(k);
        return b !== null && b[0] >= x.lo && b[1] <= x.hi;
      };
      scanHours(
        out,
        act,
        (k) => (v.complete(t, k) && v.complete(rh, k)) || !act[k],
        (k) => !inside(k, lim),
        (k) => inside(k, band),
      );
    },
  },
};
