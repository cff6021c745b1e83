// evaluation-rate: per site-local day, ratings / ticket_served per counter window and for the whole
// hall; below `min` % is an excursion (Qingpu 2021 rules 三.4 "评价率低于70%，扣1分", clause 6.1.1).
// Judged when event time passes the day's end; the alarm stays up until the end of the next day.
// Days without served tickets (for a window or the hall) are not judged: there is no rate.
import { clear, excursion, raise, round6 } from '../alarm.ts';
import type { Bound, CounterEvent, Out } from '../types.ts';
import { BaseRule } from './base.ts';
import type { RuleKindSpec } from './spec.ts';

/** The limit when the rule names none: 70 % (Qingpu 2021 rules 三.4). */
const DEFAULT_MIN_RATE = 70;

/** Counts of one day; key '' = events with no known window (they count for the hall only). */
interface DayCounts {
  end: number;
  start: number;
  ratings: Record<string, number>;
  served: Record<string, number>;
}

interface OpenAlarm {
  sensor: string;
  start: number;
  clearAt: number;
  peak: number;
}

interface State {
  days: Record<string, DayCounts>;
  open: OpenAlarm[];
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

export class EvaluationRateRule extends BaseRule<State> {
  constructor(b: Bound) {
    super(b, { days: {}, open: [] });
  }

  event(e: CounterEvent): void {
    if (e.type !== 'rating' && e.type !== 'ticket_served') return;
    const info = this.bound.schedule.dayInfo(e.ts);
    const d = (this.s.days[info.day] ??= { start: info.start, end: info.end, ratings: {}, served: {} });
    const bucket = e.type === 'rating' ? d.ratings : d.served;
    const w = e.window ?? '';
    bucket[w] = (bucket[w] ?? 0) + 1;
  }

  time(t: number, out: Out): void {
    const b = this.bound;
    const min = b.rule.limits?.min ?? DEFAULT_MIN_RATE;
    for (const day of Object.keys(this.s.days).sort()) {
      const d = this.s.days[day]!;
      if (t < d.end) break;
      delete this.s.days[day];
      const windows = Object.keys(d.served)
        .filter((w) => w !== '')
        .sort();
      const judged: Array<[string, number, number]> = windows.map((w) => [w, d.ratings[w] ?? 0, d.served[w]!]);
      judged.push([b.zone.id, sum(d.ratings), sum(d.served)]);
      for (const [sensor, ratings, served] of judged) {
        if (served <= 0) continue;
        const rate = round6((100 * ratings) / served);
        if (!(rate < min)) continue;
        const message = `${b.rule.title}: ${day} ${sensor} ${ratings}/${served}`;
        raise(out, b, d.end, { sensor, startMs: d.start, peak: rate, limit: min, message });
        out.excursion(
          excursion(b, { sensor, start: d.start, end: d.end, peak: rate, limit: min, endReason: 'day-end' }),
        );
        const next = b.schedule.dayInfo(d.end);
        this.s.open.push({ sensor, start: d.start, clearAt: next.end, peak: rate });
      }
    }
    const still: OpenAlarm[] = [];
    for (const a of this.s.open) {
      if (t >= a.clearAt)
        clear(out, b, a.clearAt, a.clearAt, {
          sensor: a.sensor,
          startMs: a.start,
          peak: a.peak,
          limit: min,
          message: b.rule.title,
        });
      else still.push(a);
    }
    this.s.open = still;
  }
}

export const evaluationRateKind: RuleKindSpec<'evaluation-rate'> = {
  kind: 'evaluation-rate',
  scope: 'zone',
  create: (b) => new EvaluationRateRule(b),
  reads: () => [],
  liveBy: 'engine',
  evidence: { basis: 'rate', openAtEnd: 'none', monthlyLimit: (rule) => rule.limits?.min ?? DEFAULT_MIN_RATE },
};
