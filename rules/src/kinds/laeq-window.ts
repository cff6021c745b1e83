// laeq-window: hall noise, clause 1.3.3 of the 2025 assessment standard ("不持续高于80分贝").
// A rolling LAeq (energy mean, IEC 61672-1) over windowS, each reading weighted by its own `dur`;
// raise when LAeq > max, clear at LAeq <= clearMax (77 dB(A) after 80). The window must be at
// least half covered by data (params.minCoverage) before it is judged. Limit source: catalogue.
import { round6 } from '../alarm.ts';
import { classify, isActive, trackerState, type TrackerState } from '../excursion.ts';
import { energy } from '../acoustics.ts';
import { first, push, ring, shift, size, type Ring } from '../ring.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { TrackedRule } from './base.ts';

interface State {
  /** [ts, dur·10^(L/10), dur] per reading in the window. */
  win: Ring<[number, number, number]>;
  sumE: number;
  sumT: number;
  tr: TrackerState;
}

export class LaeqWindowRule extends TrackedRule<State> {
  constructor(b: Bound) {
    super(b, { win: ring(), sumE: 0, sumT: 0, tr: trackerState() }, b.rule.metric);
  }

  reading(x: Sample, out: Out): void {
    const b = this.bound;
    if (x.metric !== b.rule.metric || !isActive(b, x.ts)) return;
    const s = this.s;
    const windowS = b.rule.windowS ?? 300;
    const e = x.dur * energy(x.value);
    push(s.win, [x.ts, e, x.dur]);
    s.sumE += e;
    s.sumT += x.dur;
    const from = x.ts - windowS * 1000;
    for (let f = first(s.win); f && f[0] <= from; f = first(s.win)) {
      shift(s.win);
      s.sumE -= f[1];
      s.sumT -= f[2];
    }
    if (size(s.win) === 0) s.sumE = s.sumT = 0;
    const covered = s.sumT >= (b.rule.params?.minCoverage ?? 0.5) * windowS;
    const level = covered && s.sumE > 0 ? round6(10 * Math.log10(s.sumE / s.sumT)) : NaN;
    this.tr.judge(x.ts, level, covered ? classify(level, b.rule.limits) : 'unknown', x.gapMs, out);
  }
}
