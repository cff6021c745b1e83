// range: a metric outside [min, max], judged on each reading (basis raw) or on the rolling mean over
// windowS (basis mean, e.g. hourly means for JGJ 25-2010 archive rooms and the GB/T 18883-2022 CO2
// hourly mean). minDurationS: the condition must hold that long; hysteresis via clearMin/clearMax;
// season and opening hours from the site. Clauses 5.2.2, 5.3, 11.1.2, 1.3.2 (limitSource in catalogue).
import type { RuleDef } from '@hallmon/firmware-config/core';
import { round6 } from '../alarm.ts';
import { classify, isActive, trackerState, type TrackerState } from '../excursion.ts';
import { limitHours } from '../quiet-hours.ts';
import { first, push, ring, shift, size, type Ring } from '../ring.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { TrackedRule } from './base.ts';
import { measures, ownMetric, type RuleKindSpec } from './spec.ts';

/** The rolling mean's window when the rule names none: the hourly mean (JGJ 25-2010, GB/T 18883-2022). */
const DEFAULT_MEAN_WINDOW_S = 3600;

interface State {
  win: Ring<[number, number]>;
  sum: number;
  tr: TrackerState;
}

export class RangeRule extends TrackedRule<State> {
  constructor(b: Bound) {
    super(b, { win: ring(), sum: 0, tr: trackerState() }, b.rule.metric);
  }

  reading(x: Sample, out: Out): void {
    const b = this.bound;
    if (x.metric !== b.rule.metric || !isActive(b, x.ts)) return;
    if (b.rule.basis !== 'mean') {
      this.tr.judge(x.ts, x.value, classify(x.value, b.rule.limits), x.gapMs, out);
      return;
    }
    const s = this.s;
    const windowMs = (b.rule.windowS ?? DEFAULT_MEAN_WINDOW_S) * 1000;
    push(s.win, [x.ts, x.value]);
    s.sum += x.value;
    for (let f = first(s.win); f && f[0] <= x.ts - windowMs; f = first(s.win)) {
      shift(s.win);
      s.sum -= f[1];
    }
    const n = size(s.win);
    // A mean is judged once its readings span at least half the window (params.minCoverage).
    const span = x.ts - (first(s.win)?.[0] ?? x.ts);
    if (span < (b.rule.params?.minCoverage ?? 0.5) * windowMs) {
      this.tr.judge(x.ts, NaN, 'unknown', x.gapMs, out);
      return;
    }
    const mean = round6(s.sum / n);
    this.tr.judge(x.ts, mean, classify(mean, b.rule.limits), x.gapMs, out);
  }
}

/** The rolling mean's window, ms, or null when each raw reading is judged. */
const meanWindowMs = (rule: RuleDef): number | null =>
  rule.basis === 'mean' ? (rule.windowS ?? DEFAULT_MEAN_WINDOW_S) * 1000 : null;

export const rangeKind: RuleKindSpec<'range'> = {
  kind: 'range',
  scope: 'device',
  watches: (rule, profile) => measures(profile, rule.metric),
  create: (b) => new RangeRule(b),
  reads: ownMetric,
  liveBy: 'engine',
  evidence: { basis: 'readings', openAtEnd: 'excursion', limitLines: true },
  quiet: {
    lookBackMs: (rule) => meanWindowMs(rule) ?? 0,
    suspicious: (rule, v, out) => limitHours(rule, v, out, meanWindowMs(rule)),
  },
};
