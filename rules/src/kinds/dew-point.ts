// dew-point: machine-room dew point outside 5.5-15 °C (GB 50174-2017 Appendix A, clause 5.2.2),
// computed from the same sensor's temperature and humidity paired by timestamp (within
// params.pairToleranceS, default 5 s) with the Magnus formula (../dew-point.ts).
import { round6 } from '../alarm.ts';
import { dewPoint } from '../dew-point.ts';
import { classify, isActive, trackerState, type TrackerState } from '../excursion.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { TrackedRule } from './base.ts';

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
