// gap: no reading from a sensor for longer than thresholdS (clause 5.2.2 "持续监控并记录"; the
// archive room's hourly means need continuous data). Raised when event time passes
// last + threshold, cleared when data returns; the gap runs from the last reading to the next one.
import { isStateMetric, type RuleDef } from '@hallmon/firmware-config/core';
import { clear, raise } from '../alarm.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { BaseRule } from './base.ts';
import type { RuleKindSpec } from './spec.ts';

/** The threshold when the rule names none: 5 minutes. */
const DEFAULT_THRESHOLD_S = 300;
const thresholdMs = (rule: RuleDef) => (rule.thresholdS ?? DEFAULT_THRESHOLD_S) * 1000;

interface State {
  last: number | null;
  raised: boolean;
}

export class GapRule extends BaseRule<State> {
  constructor(b: Bound) {
    super(b, { last: null, raised: false });
  }

  private get thresholdMs(): number {
    return thresholdMs(this.bound.rule);
  }

  time(t: number, out: Out): void {
    const s = this.s;
    if (s.last === null || s.raised || !(t > s.last + this.thresholdMs)) return;
    s.raised = true;
    raise(out, this.bound, s.last + this.thresholdMs, {
      startMs: s.last,
      limit: this.thresholdMs / 1000,
      message: this.bound.rule.title,
    });
  }

  reading(x: Sample, out: Out): void {
    const s = this.s;
    // A state series is its changes (docs/contract.md "State metrics"): its silence is no gap.
    if (isStateMetric(x.metric)) return;
    if (s.last !== null && x.ts <= s.last) return;
    if (s.raised && s.last !== null) {
      const durationS = (x.ts - s.last) / 1000;
      clear(out, this.bound, x.ts, x.ts, {
        startMs: s.last,
        peak: durationS,
        limit: this.thresholdMs / 1000,
        message: this.bound.rule.title,
      });
      const b = this.bound;
      out.gap({ rule: b.rule.id, clause: b.clause, sensor: b.sensor, start: s.last, end: x.ts, durationS });
    }
    s.last = x.ts;
    s.raised = false;
  }
}

export const gapKind: RuleKindSpec<'gap'> = {
  kind: 'gap',
  scope: 'device',
  // Every measuring device of the zone: a silence of any of its sampled series is a gap. A DI
  // module (state inputs only) is watched by its offline status instead.
  watches: (_rule, profile) =>
    profile?.deviceClass === 'sensor' && profile.metrics.some((m) => !isStateMetric(m.metric)),
  create: (b) => new GapRule(b),
  reads: (_rule, metrics) => metrics.filter((m) => !isStateMetric(m)),
  silenceMs: thresholdMs,
  liveBy: 'engine',
  evidence: { basis: 'readings', openAtEnd: 'gap' },
  // A gap can only start or end in an hour with a missing minute, which is replayed anyway.
  quiet: { lookBackMs: () => 0, suspicious: () => {} },
};
