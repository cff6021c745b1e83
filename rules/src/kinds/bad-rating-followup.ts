// bad-rating-followup: every rating with score <= params.badScoreMax opens a follow-up with the
// "1、5、15" deadlines of DB31/T 862-2021 10.1.3: answered within 1 working day, simple cases put
// right within 5, complex ones within 15; the day the rating arrives does not count. A missed
// deadline raises one alarm per follow-up, cleared when it is resolved.
import { nextDay, type WorkingCalendar } from '@hallmon/firmware-config/core';
import { clear, excursion, raise } from '../alarm.ts';
import type { Bound, CounterEvent, FollowupKeeper, FollowupRecord, FollowupStage, Out } from '../types.ts';
import type { Schedule } from '../schedule.ts';
import { BaseRule } from './base.ts';
import type { RuleKindSpec } from './spec.ts';

/** The "1、5、15" deadlines of one rating: the last working day of each stage and the instant it ends (ms). */
export interface FollowupDeadlines {
  day: string;
  answerDeadline: string;
  answerMs: number;
  simpleDeadline: string;
  simpleMs: number;
  complexDeadline: string;
  complexMs: number;
}

/**
 * Pure: the deadlines of a rating at `ratingTs` (the day it arrives does not count, 10.1.3). A stage
 * is overdue once the clock passes the start of the day after its last working day (site time zone).
 * Shared by this rule kind and the server's follow-up tracker so both judge alike.
 */
export function followupDeadlines(
  ratingTs: number,
  schedule: Pick<Schedule, 'day' | 'dayStart'>,
  calendar: WorkingCalendar,
  params: Record<string, number> = {},
): FollowupDeadlines {
  const day = schedule.day(ratingTs);
  const at = (n: number): [string, number] => {
    const d = calendar.addWorkingDays(day, n);
    return [d, schedule.dayStart(nextDay(d))];
  };
  const [answerDeadline, answerMs] = at(params.responseWorkingDays ?? 1);
  const [simpleDeadline, simpleMs] = at(params.simpleWorkingDays ?? 5);
  const [complexDeadline, complexMs] = at(params.complexWorkingDays ?? 15);
  return { day, answerDeadline, answerMs, simpleDeadline, simpleMs, complexDeadline, complexMs };
}

interface Open extends FollowupRecord {
  answerMs: number;
  simpleMs: number;
  complexMs: number;
  alarmAt: number | null;
}

interface State {
  open: Open[];
}

export class BadRatingFollowupRule extends BaseRule<State> implements FollowupKeeper {
  constructor(b: Bound) {
    super(b, { open: [] });
  }

  event(e: CounterEvent): void {
    const p = this.bound.rule.params ?? {};
    if (e.type !== 'rating' || e.score === undefined || e.score > (p.badScoreMax ?? 2)) return;
    const { day, answerDeadline, answerMs, simpleDeadline, simpleMs, complexDeadline, complexMs } = followupDeadlines(
      e.ts,
      this.bound.schedule,
      this.bound.calendar,
      p,
    );
    this.s.open.push({
      id: `${this.bound.site}:${e.device}:${e.ts}`,
      device: e.device,
      ...(e.window ? { window: e.window } : {}),
      ...(e.ticket !== undefined ? { ticket: e.ticket } : {}),
      score: e.score,
      ratingTs: e.ts,
      day,
      answerDeadline,
      simpleDeadline,
      complexDeadline,
      complex: false,
      overdue: [],
      answerMs,
      simpleMs,
      complexMs,
      alarmAt: null,
    });
  }

  time(t: number, out: Out): void {
    for (const f of this.s.open) this.check(f, t, out);
  }

  private check(f: Open, t: number, out: Out): void {
    const missed: Array<['answer' | 'resolve', number]> = [];
    if (f.answeredAt === undefined && t > f.answerMs && !f.overdue.includes('answer'))
      missed.push(['answer', f.answerMs]);
    const resolveMs = f.complex ? f.complexMs : f.simpleMs;
    if (f.resolvedAt === undefined && t > resolveMs && !f.overdue.includes('resolve'))
      missed.push(['resolve', resolveMs]);
    for (const [stage, at] of missed) {
      f.overdue.push(stage);
      if (f.alarmAt !== null) continue;
      f.alarmAt = at;
      raise(out, this.bound, at, {
        sensor: f.device,
        startMs: f.ratingTs,
        peak: f.score,
        message: `${this.bound.rule.title}: ${stage} overdue (${f.id})`,
      });
    }
  }

  has(id: string): boolean {
    return this.s.open.some((f) => f.id === id);
  }

  openFollowups(): FollowupRecord[] {
    return this.s.open.map(record);
  }

  /** Marks a follow-up answered, classified complex (15-day limit), or resolved at `ts`. */
  resolve(id: string, stage: FollowupStage, ts: number, out: Out): boolean {
    const f = this.s.open.find((x) => x.id === id);
    if (!f) return false;
    this.check(f, ts, out);
    f.answeredAt ??= ts;
    if (stage === 'complex') f.complex = true;
    if (stage !== 'resolved') return true;
    f.resolvedAt = ts;
    const b = this.bound;
    if (f.alarmAt !== null) {
      clear(out, b, ts, ts, {
        sensor: f.device,
        startMs: f.ratingTs,
        peak: f.score,
        message: `${b.rule.title} (${f.id})`,
      });
      const taken = b.calendar.workingDaysBetween(f.day, b.schedule.day(ts));
      const allowed = f.complex ? (b.rule.params?.complexWorkingDays ?? 15) : (b.rule.params?.simpleWorkingDays ?? 5);
      out.excursion(
        excursion(b, {
          sensor: f.device,
          start: f.alarmAt,
          end: ts,
          peak: taken,
          limit: allowed,
          endReason: 'resolved',
        }),
      );
    }
    out.followup(record(f));
    this.s.open = this.s.open.filter((x) => x !== f);
    return true;
  }
}

function record(f: Open): FollowupRecord {
  const { answerMs: _a, simpleMs: _s, complexMs: _c, alarmAt: _x, ...rest } = f;
  return structuredClone(rest);
}

export const badRatingFollowupKind: RuleKindSpec<'bad-rating-followup'> = {
  kind: 'bad-rating-followup',
  scope: 'zone',
  create: (b) => new BadRatingFollowupRule(b),
  reads: () => [],
  // People answer and put right a bad rating on the server (server/src/followups), for every site.
  liveBy: 'followup-tracker',
  evidence: { basis: 'followups', openAtEnd: 'none' },
};
