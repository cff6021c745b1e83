// daily-swing: archive-room max − min over one site-local calendar day above `max` (4 °C, 10 %RH;
// JGJ 25-2010 §5.2.3, clause 5.3). Calendar day, not rolling 24 h: the assessment reads daily
// records. Raised as soon as the day's swing exceeds the limit, cleared at the day's end.
import { clear, excursion, raise, round6 } from '../alarm.ts';
import { isActive } from '../excursion.ts';
import type { Bound, Out, Sample } from '../types.ts';
import { BaseRule } from './base.ts';

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
      clear(out, this.bound, s.dayEnd, s.dayEnd, { startMs: s.raisedAt, peak, limit, message: `${this.bound.rule.title} (${s.day})` });
      out.excursion(excursion(this.bound, { metric: this.bound.rule.metric, start: s.raisedAt, end: s.dayEnd, peak, limit, endReason: 'day-end' }));
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
