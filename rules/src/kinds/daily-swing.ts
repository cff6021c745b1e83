// daily-swing: archive-room max − min over one site-local calendar day above `max` (4 °C, 10 %RH;
// JGJ 25-2010 §5.2.3, clause 5.3). Calendar day, not rolling 24 h: the assessment reads daily
// records. Raised as soon as the day's swing exceeds the limit, cleared at the day's end.
import { clear, excursion, raise, round6 } from '../alarm.ts';
import { isActive } from '../excursion.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { BaseRule } from './base.ts';
import { measures, ownMetric, type RuleKindSpec } from './spec.ts';

interface State {
  day: string | null;
  dayEnd: number;
  min: number;
  max: number;
  raisedAt: number | null;
}

export class DailySwingRule extends BaseRule<State> {
  constructor(b: Bound) {
    super(b, { day: null, dayEnd: 0, min: 0, max: 0, raisedAt: null });
  }

  time(t: number, out: Out): void {
    const s = this.s;
    if (s.day === null || t < s.dayEnd) return;
    if (s.raisedAt !== null) {
      const peak = round6(s.max - s.min);
      const limit = this.bound.rule.limits?.max;
      clear(out, this.bound, s.dayEnd, s.dayEnd, {
        startMs: s.raisedAt,
        peak,
        limit,
        message: `${this.bound.rule.title} (${s.day})`,
      });
      out.excursion(
        excursion(this.bound, {
          metric: this.bound.rule.metric,
          start: s.raisedAt,
          end: s.dayEnd,
          peak,
          limit,
          endReason: 'day-end',
        }),
      );
    }
    Object.assign(s, { day: null, raisedAt: null });
  }

  reading(x: Sample, out: Out): void {
    const b = this.bound;
    if (x.metric !== b.rule.metric || !isActive(b, x.ts)) return;
    const s = this.s;
    if (s.day === null) {
      const info = b.schedule.dayInfo(x.ts);
      Object.assign(s, { day: info.day, dayEnd: info.end, min: x.value, max: x.value, raisedAt: null });
    }
    s.min = Math.min(s.min, x.value);
    s.max = Math.max(s.max, x.value);
    const swing = round6(s.max - s.min);
    const limit = b.rule.limits?.max;
    if (s.raisedAt === null && limit !== undefined && swing > limit) {
      s.raisedAt = x.ts;
      raise(out, b, x.ts, { startMs: x.ts, peak: swing, limit, message: `${b.rule.title} (${s.day})` });
    }
  }
}

export const dailySwingKind: RuleKindSpec<'daily-swing'> = {
  kind: 'daily-swing',
  scope: 'device',
  watches: (rule, profile) => measures(profile, rule.metric),
  create: (b) => new DailySwingRule(b),
  reads: ownMetric,
  liveBy: 'engine',
  evidence: { basis: 'readings', openAtEnd: 'excursion' },
  quiet: {
    lookBackMs: () => 0,
    // Every hour of a site-local day whose max − min could exceed the limit (from the hours touching
    // it: a superset where a day starts mid-hour).
    suspicious(rule, v, out) {
      const h = v.hours(rule.metric);
      const max = rule.limits?.max;
      if (!h || max === undefined) return;
      const lo = new Map<string, number>();
      const hi = new Map<string, number>();
      for (let k = 0; k < v.n; k++) {
        if (h.minutes[k] === 0) continue;
        for (const d of v.dayKeys(k)) {
          lo.set(d, Math.min(lo.get(d) ?? Infinity, h.vmin[k]!));
          hi.set(d, Math.max(hi.get(d) ?? -Infinity, h.vmax[k]!));
        }
      }
      // The rule raises when round6(max − min) of the day's values exceeds the limit.
      for (let k = 0; k < v.n; k++)
        for (const d of v.dayKeys(k)) if (round6((hi.get(d) ?? 0) - (lo.get(d) ?? 0)) > max) out[k] = 1;
    },
  },
};
