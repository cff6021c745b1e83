// laeq-window: hall noise, clause 1.3.3 of the 2025 assessment standard ("不持续高于80分贝").
// A rolling LAeq (energy mean, IEC 61672-1) over windowS, each reading weighted by its own `dur`;
// raise when LAeq > max, clear at LAeq <= clearMax (77 dB(A) after 80). The window must be at
// least half covered by data (params.minCoverage) before it is judged. Limit source: catalogue.
import { round6 } from '../alarm.ts';
import { classify, isActive, trackerState, type TrackerState } from '../excursion.ts';
import { energy } from '../acoustics.ts';
import { clearBand, limitHours } from '../quiet-hours.ts';
import { first, push, ring, shift, size, type Ring } from '../ring.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { TrackedRule } from './base.ts';
import { measures, ownMetric, type RuleKindSpec } from './spec.ts';

/** The LAeq window when the rule names none: 5 minutes (clause 1.3.3's 5-min LAeq). */
const DEFAULT_WINDOW_S = 300;

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
    const windowS = b.rule.windowS ?? DEFAULT_WINDOW_S;
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

export const laeqWindowKind: RuleKindSpec<'laeq-window'> = {
  kind: 'laeq-window',
  scope: 'device',
  watches: (rule, profile) => measures(profile, rule.metric),
  create: (b) => new LaeqWindowRule(b),
  reads: ownMetric,
  liveBy: 'engine',
  evidence: { basis: 'noise', openAtEnd: 'excursion' },
  quiet: {
    lookBackMs: (rule) => (rule.windowS ?? DEFAULT_WINDOW_S) * 1000,
    suspicious(rule, v, out) {
      const band = clearBand(rule);
      // A lower noise limit is not bounded by the hourly maximum: replay every hour.
      if (v.hours(rule.metric) && band && band.lo !== -Infinity) out.fill(1);
      else limitHours(rule, v, out, (rule.windowS ?? DEFAULT_WINDOW_S) * 1000);
    },
    // Hours whose loudest second reaches the clear level while the rule is active get their exact
    // minute LAeqs: a few loud seconds do not make a loud minute, the raw maximum bounds it loosely.
    minuteDetail(rule, metric, act) {
      if (metric !== rule.metric) return undefined;
      const hi = rule.limits?.clearMax ?? rule.limits?.max ?? Infinity;
      return (k, h) => act[k] === 1 && h.max[k]! > hi - 1e-6;
    },
  },
};
