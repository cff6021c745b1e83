// rate-of-change: machine-room temperature changing more than `max` (5 °C) within any windowS
// (900 s) window: |max − min| of the readings in the trailing window (GB 50174-2017 Appendix A,
// judged as ASHRAE TC9.9's 5 °C in 15 min; clause 5.2.2). Monotonic queues keep it O(1) per reading.
import { round6 } from '../alarm.ts';
import { classify, isActive, trackerState, type TrackerState } from '../excursion.ts';
import { first, last, popLast, push, ring, shift, type Ring } from '../ring.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { TrackedRule } from './base.ts';

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
    const from = x.ts - (b.rule.windowS ?? 900) * 1000;
    while ((first(s.maxQ)?.[0] ?? Infinity) < from) shift(s.maxQ);
    while ((first(s.minQ)?.[0] ?? Infinity) < from) shift(s.minQ);
    const swing = round6(first(s.maxQ)![1] - first(s.minQ)![1]);
    const max = b.rule.limits?.max;
    const limits = max === undefined ? undefined : { max, clearMax: b.rule.limits?.clearMax ?? max };
    this.tr.judge(x.ts, swing, classify(swing, limits), x.gapMs, out);
  }
}
