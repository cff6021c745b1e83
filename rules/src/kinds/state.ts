// state: a state input in its alarm state (params.alarmWhen, default 1) for at least minDurationS
// (default 0: at once; a longer limit must be exceeded). Water on the floor and smoke are critical at once, mains lost and the UPS
// on battery are critical with the UPS's estimated runtime in the message (params.runtime = 1),
// a door open longer than its limit is a warning (clauses 5.2.2 "配备防盗、防火和电力保障设施设备"
// and 5.3 "防火、防盗"; limitSource in the catalogue). A state series is kept as its changes
// (docs/contract.md, "State metrics"): a state holds until the next reading says otherwise, so
// silence neither ends nor starts anything here; a dead input is the device's offline status.
// peak and limit are seconds: how long the condition held, and how long it may.
import { isStateMetric, type Metric } from '@hallmon/firmware-config/core';
import { clear, excursion, raise } from '../alarm.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { BaseRule } from './base.ts';
import { measures, type RuleKindSpec } from './spec.ts';

/** The UPS's estimate of how long its battery carries the load (UPS-MIB upsEstimatedMinutesRemaining). */
const RUNTIME: Metric = 'ups_runtime_min';

interface State {
  /** The condition holds (by the last reading) since this event time; null when it does not. */
  since: number | null;
  raised: boolean;
  /** The newest runtime reading and the one before it: [ts, minutes]. */
  rt: [number, number] | null;
  rtPrev: [number, number] | null;
}

export class StateRule extends BaseRule<State> {
  constructor(b: Bound) {
    super(b, { since: null, raised: false, rt: null, rtPrev: null });
  }

  private get minDurMs(): number {
    return (this.bound.rule.minDurationS ?? 0) * 1000;
  }

  private get limitS(): number {
    return this.bound.rule.minDurationS ?? 0;
  }

  reading(x: Sample, out: Out): void {
    const s = this.s;
    const rule = this.bound.rule;
    if (x.metric === RUNTIME && rule.params?.runtime) {
      if (s.rt && x.ts > s.rt[0]) s.rtPrev = s.rt;
      if (!s.rt || x.ts >= s.rt[0]) s.rt = [x.ts, x.value];
      return;
    }
    if (x.metric !== rule.metric) return;
    const holds = x.value === (rule.params?.alarmWhen ?? 1);
    if (holds && s.since === null) {
      s.since = x.ts;
      this.time(x.ts, out);
    } else if (!holds && s.since !== null) {
      if (s.raised) {
        const durationS = (x.ts - s.since) / 1000;
        const message = `${rule.title}（已恢复 / cleared）`;
        clear(out, this.bound, x.ts, x.ts, { startMs: s.since, peak: durationS, limit: this.limitS, message });
        out.excursion(
          excursion(this.bound, {
            metric: rule.metric,
            start: s.since,
            end: x.ts,
            peak: durationS,
            limit: this.limitS,
            endReason: 'cleared',
          }),
        );
      }
      s.since = null;
      s.raised = false;
    }
  }

  /** A limit of 0 raises at once; a duration limit (the door) raises once it is exceeded, not reached. */
  time(t: number, out: Out): void {
    const s = this.s;
    if (s.since === null || s.raised) return;
    if (this.minDurMs === 0 ? t < s.since : t - s.since <= this.minDurMs) return;
    s.raised = true;
    const at = s.since + this.minDurMs;
    raise(out, this.bound, at, {
      startMs: s.since,
      peak: this.minDurMs / 1000,
      limit: this.limitS,
      message: this.message(at),
    });
  }

  /**
   * The rule's title, and for mains and battery alarms the UPS's estimated runtime: the newest
   * estimate made before the alarm's instant (the one of the same poll may be read before or after
   * the state, so it is never used: live and replay give the same words).
   */
  private message(at: number): string {
    const rule = this.bound.rule;
    if (!rule.params?.runtime) return rule.title;
    const s = this.s;
    const est = s.rt && s.rt[0] < at ? s.rt : s.rtPrev && s.rtPrev[0] < at ? s.rtPrev : null;
    return est
      ? `${rule.title}；UPS 预计续航 ${est[1]} 分钟 / est. runtime ${est[1]} min`
      : `${rule.title}；UPS 预计续航未知 / runtime unknown`;
  }
}

export const stateKind: RuleKindSpec<'state'> = {
  kind: 'state',
  scope: 'device',
  watches: (rule, profile) => measures(profile, rule.metric) && isStateMetric(rule.metric ?? ''),
  create: (b) => new StateRule(b),
  reads: (rule, metrics) => [
    ...(rule.metric ? [rule.metric] : []),
    ...(rule.params?.runtime && metrics.includes(RUNTIME) ? [RUNTIME] : []),
  ],
  liveBy: 'engine',
  // Still raised at the period end: the pack's state step lists it as an ongoing state event.
  evidence: { basis: 'states', openAtEnd: 'none' },
};
