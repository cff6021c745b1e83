// rate-of-change: machine-room temperature changing more than `max` (5 °C) within any windowS
// (900 s) window: |max − min| of the readings in the trailing window (GB 50174-2017 Appendix A,
// judged as ASHRAE TC9.9's 5 °C in 15 min; clause 5.2.2). Monotonic queues keep it O(1) per reading.
import { round6 } from '../alarm.ts';
import { classify, isActive, trackerState, type TrackerState } from '../excursion.ts';
import { scanHours } from '../quiet-hours.ts';
import { first, last, popLast, push, ring, shift, type Ring } from '../ring.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { TrackedRule } from './base.ts';
import { measures, ownMetric, type RuleKindSpec } from './spec.ts';

/** The window when the rule names none: 15 minutes (5 °C in 15 min). */
const DEFAULT_WINDOW_S = 900;

interface State {
  maxQ: Ring<[number, number]>;
  minQ: Ring<[number, number]>;
  tr: TrackerState;
}

export class RateOfChangeRule extends TrackedRule<State> {
  constructor(b: Bound) {
    super(b, { maxQ: ring(), minQ: ring(), tr: trackerState() }, b.rule.metric);
  }

  reading(x: Sample, out: Out): void {
    const b = this.bound;
    if (x.metric !== b.rule.metric || !isActive(b, x.ts)) return;
    const s = this.s;
    for (let l = last(s.maxQ); l && l[1] <= x.value; l = last(s.maxQ)) popLast(s.maxQ);
    for (let l = last(s.minQ); l && l[1] >= x.value; l = last(s.minQ)) popLast(s.minQ);
    push(s.maxQ, [x.ts, x.value]);
    push(s.minQ, [x.ts, x.value]);
    const from = x.ts - (b.rule.windowS ?? DEFAULT_WINDOW_S) * 1000;
    while ((first(s.maxQ)?.[0] ?? Infinity) < from) shift(s.maxQ);
    while ((first(s.minQ)?.[0] ?? Infinity) < from) shift(s.minQ);
    const swing = round6(first(s.maxQ)![1] - first(s.minQ)![1]);
    const max = b.rule.limits?.max;
    const limits = max === undefined ? undefined : { max, clearMax: b.rule.limits?.clearMax ?? max };
    this.tr.judge(x.ts, swing, classify(swing, limits), x.gapMs, out);
  }
}

export const rateOfChangeKind: RuleKindSpec<'rate-of-change'> = {
  kind: 'rate-of-change',
  scope: 'device',
  watches: (rule, profile) => measures(profile, rule.metric),
  create: (b) => new RateOfChangeRule(b),
  reads: ownMetric,
  liveBy: 'engine',
  evidence: { basis: 'readings', openAtEnd: 'excursion' },
  quiet: {
    lookBackMs: (rule) => (rule.windowS ?? DEFAULT_WINDOW_S) * 1000,
    // The swing within any window is at most the min..max spread of the hours the window touches.
    suspicious(rule, v, out) {
      const h = v.hours(rule.metric);
      const max = rule.limits?.max;
      if (!h || max === undefined) return;
      const clearMax = rule.limits?.clearMax ?? max;
      const act = v.active(rule);
      const back = Math.ceil(((rule.windowS ?? DEFAULT_WINDOW_S) * 1000) / 3_600_000);
      const swing = (k: number) => {
        let lo = Infinity;
        let top = -Infinity;
        for (let j = 0; j <= back && k - j >= 0; j++) {
          if (h.minutes[k - j] === 0 || (j > 0 && !act[k - j])) continue;
          lo = Math.min(lo, h.vmin[k - j]!);
          top = Math.max(top, h.vmax[k - j]!);
        }
        return top >= lo ? round6(top - lo) : 0;
      };
      scanHours(
        out,
        act,
        (k) => v.complete(h, k) || !act[k],
        (k) => swing(k) > max,
        (k) => swing(k) <= clearMax,
      );
    },
  },
};
