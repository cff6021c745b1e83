// self-rating: signs that a window rates itself or keeps residents from rating (Qingpu 2021 rules
// 三.4 "自行评价，每一人次扣0.5分；拒绝服务对象评价，每一人次扣1分"), from the evaluators' ratings, the
// queue machine's served tickets and the evaluators' status, all of one hall zone:
// - rating-without-service: a rating at a window that served no ticket in the params.matchWindowS
//   seconds before it (each served ticket answers for one rating; a ticket served without a window
//   answers for a rating at any window). Evaluators with no window (a consultation desk) are not judged.
// - rating-burst: params.burstCount or more ratings from one evaluator, each within
//   params.burstWindowS seconds of the one before (one record per burst, closed by the first pause).
// - served-while-evaluator-offline: tickets served at a window while its evaluator was offline; one
//   record per offline spell and site-local day, closed when the evaluator is back or the day ends.
// An evaluator with records on a day has one warning for that day (raised at its first record,
// cleared at the day's end). They are signs, not proof: the pack lists them for a person to check.
import type { EventType } from '@hallmon/firmware-config/core';
import { excursion } from '../alarm.ts';
import type { Bound, EndReason, Out } from '../types.ts';
import { OrderedZoneRule, type Input, type OrderedState } from './ordered.ts';
import type { RuleKindSpec } from './spec.ts';

interface Burst {
  start: number;
  last: number;
  n: number;
}

interface Offline {
  since: number;
  served: number;
  dayEnd: number;
}

interface State extends OrderedState {
  /** Window ('' = the queue machine named none) -> times of served tickets not yet rated. */
  served: Record<string, number[]>;
  /** Evaluator -> the ratings run it is in. */
  bursts: Record<string, Burst>;
  /** Evaluator -> its offline spell (this day). */
  offline: Record<string, Offline>;
}

const TYPES: ReadonlySet<EventType> = new Set<EventType>(['ticket_served', 'rating']);

export class SelfRatingRule extends OrderedZoneRule<State> {
  protected readonly types = TYPES;
  protected override readonly statuses = true;

  constructor(b: Bound) {
    super(b, { pending: [], open: [], served: {}, bursts: {}, offline: {} });
  }

  private param(name: string, fallback: number): number {
    return this.bound.rule.params?.[name] ?? fallback;
  }

  protected input(i: Input, out: Out): void {
    if (i.k === 's') {
      if (this.bound.classes.get(i.device) !== 'evaluator') return;
      if (i.status === 'offline') {
        this.s.offline[i.device] ??= { since: i.ts, served: 0, dayEnd: this.dayEnd(i.ts) };
      } else {
        const o = this.s.offline[i.device];
        delete this.s.offline[i.device];
        if (o) this.offlineSpell(i.device, o, i.ts, 'online', out);
      }
      return;
    }
    const e = i.e;
    if (e.type === 'ticket_served') {
      const w = e.window ?? '';
      (this.s.served[w] ??= []).push(e.ts);
      for (const [device, o] of Object.entries(this.s.offline)) if (w !== '' && this.windowOf(device) === w) o.served++;
      return;
    }
    // A rating.
    this.burst(e.device, e.ts, out);
    const w = e.window ?? this.windowOf(e.device);
    if (w === undefined) return;
    const since = e.ts - this.param('matchWindowS', 600) * 1000;
    const take = (key: string): boolean => {
      const q = this.s.served[key];
      if (!q) return false;
      while (q.length && q[0]! < since) q.shift();
      if (!q.length) return false;
      q.shift();
      return true;
    };
    if (take(w) || take('')) return;
    const b = this.bound;
    out.excursion({
      ...excursion(b, { sensor: e.device, start: e.ts, end: e.ts, peak: 1, endReason: 'day-end' }),
      finding: 'rating-without-service',
      count: 1,
    });
    this.raiseFinding(
      out,
      { sensor: e.device, start: this.dayStart(e.ts), clearAt: this.dayEnd(e.ts), peak: 1 },
      e.ts,
      `${b.rule.title}: rating at window ${w} with no ticket served there in the ${this.param('matchWindowS', 600)} s before`,
    );
  }

  protected until(t: number, out: Out): void {
    // Served tickets too old to answer for a rating are dropped (a window whose residents rarely rate).
    const since = t - this.param('matchWindowS', 600) * 1000;
    for (const q of Object.values(this.s.served)) while (q.length && q[0]! < since) q.shift();
    const gap = this.param('burstWindowS', 60) * 1000;
    for (const [device, r] of Object.entries(this.s.bursts))
      if (t > r.last + gap) {
        delete this.s.bursts[device];
        this.burstEnded(device, r, out);
      }
    for (const [device, o] of Object.entries(this.s.offline))
      if (t >= o.dayEnd) {
        // The day ends with the evaluator still offline: its spell of this day is judged, the next begins.
        this.offlineSpell(device, o, o.dayEnd, 'day-end', out);
        this.s.offline[device] = { since: o.dayEnd, served: 0, dayEnd: this.dayEnd(o.dayEnd) };
      }
  }

  private burst(device: string, ts: number, out: Out): void {
    const gap = this.param('burstWindowS', 60) * 1000;
    const r = this.s.bursts[device];
    if (r && ts - r.last <= gap) {
      r.last = ts;
      r.n++;
      return;
    }
    if (r) this.burstEnded(device, r, out);
    this.s.bursts[device] = { start: ts, last: ts, n: 1 };
  }

  private burstEnded(device: string, r: Burst, out: Out): void {
    const min = this.param('burstCount', 3);
    if (r.n < min) return;
    const b = this.bound;
    out.excursion({
      ...excursion(b, { sensor: device, start: r.start, end: r.last, peak: r.n, limit: min, endReason: 'cleared' }),
      finding: 'rating-burst',
      count: r.n,
    });
    this.raiseFinding(
      out,
      { sensor: device, start: this.dayStart(r.last), clearAt: this.dayEnd(r.last), peak: r.n, limit: min },
      r.last,
      `${b.rule.title}: ${r.n} ratings from ${device} in ${Math.round((r.last - r.start) / 1000)} s`,
    );
  }

  private offlineSpell(device: string, o: Offline, end: number, endReason: EndReason, out: Out): void {
    if (o.served <= 0) return;
    const b = this.bound;
    out.excursion({
      ...excursion(b, { sensor: device, start: o.since, end, peak: o.served, endReason }),
      finding: 'served-while-evaluator-offline',
      count: o.served,
    });
    this.raiseFinding(
      out,
      { sensor: device, start: this.dayStart(end - 1), clearAt: this.dayEnd(end - 1), peak: o.served },
      end,
      `${b.rule.title}: window ${this.windowOf(device) ?? '?'} served ${o.served} ticket(s) while ${device} was offline`,
    );
  }
}

export const selfRatingKind: RuleKindSpec<'self-rating'> = {
  kind: 'self-rating',
  scope: 'zone',
  create: (b) => new SelfRatingRule(b),
  reads: () => [],
  liveBy: 'engine',
  evidence: {
    basis: 'detector',
    openAtEnd: 'none',
    findings: {
      'rating-without-service': {
        zh: '评价前该窗口无办结（疑似自行评价）',
        en: 'rating with no ticket served at its window',
      },
      'rating-burst': { zh: '同一评价器短时连续评价', en: 'burst of ratings from one evaluator' },
      'served-while-evaluator-offline': {
        zh: '评价器离线时窗口仍在办结（疑似拒绝评价）',
        en: 'tickets served while the window evaluator was offline',
      },
    },
  },
};
