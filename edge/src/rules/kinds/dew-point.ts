// dew-point: machine-room dew point outside 5.5-15 °C (GB 50174-2017 Appendix A, clause 5.2.2),
// computed from the same sensor's temperature and humidity paired by timestamp (within
// params.pairToleranceS, default 5 s) with the Magnus formula (b = 17.62, c = 243.12 °C):
// γ = ln(RH/100) + b·T/(c+T), Td = c·γ/(b−γ).
import { round6 } from '../alarm.ts';
import { classify, isActive, trackerState, type TrackerState } from '../excursion.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { TrackedRule } from './base.ts';

const B = 17.62;
const C = 243.12;

/** Dew point in °C (Magnus), or null when RH is not in (0, 100]. */
export function dewPoint(tempC: number, rh: number): number | null {
  if (!(rh > 0 && rh <= 100)) return null;
  const g = Math.log(rh / 100) + (B * tempC) / (C + tempC);
  return (C * g) / (B - g);
}

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
