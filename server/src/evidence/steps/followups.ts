// The "1、5、15" follow-ups of clause 10.1.3 (DB31/T 862-2021 10.1.3): every bad rating of the
// period with its answer, simple-fix and complex-fix deadlines (working days by the official
// calendar; a deadline ends at the site-local midnight after its day), judged from what people
// recorded on the server. A deadline that passed within the period without a record in time is a
// missed deadline, listed as an excursion from the deadline to the late record or the period end.
import { nextDay, toIso } from '@hallmon/firmware-config';
import type { FollowupRecord, Schedule } from '@hallmon/rules';
import type { StoredAlarm } from '../../store/store.ts';
import type { RateItem } from '../../followups/rates.ts';
import type { EvidenceExcursion, Followup, FollowupOutcome } from '../types.ts';

export interface FollowupInput {
  /**
   * The catalogue's follow-up rule: its missed deadlines are listed as its excursions, its alarms
   * matched. Without one nothing opens follow-ups.
   */
  rule: string | undefined;
  /** Follow-ups still open at the period end, then those the replay closed. */
  records: FollowupRecord[];
  outcomes: FollowupOutcome[];
  /** Deadlines are judged up to this instant: the period end, or now when that is earlier. */
  judgedUntil: number;
  alarms: StoredAlarm[];
  schedule: Schedule;
  from: number;
  to: number;
}

export interface JudgedFollowups {
  followups: Followup[];
  excursions: EvidenceExcursion[];
  /** The same follow-ups as the rates take them (followups/rates.ts), in the same order. */
  items: RateItem[];
}

export function judgeFollowups(i: FollowupInput): JudgedFollowups {
  const { judgedUntil, schedule, rule } = i;
  if (rule === undefined) return { followups: [], excursions: [], items: [] };
  const items: RateItem[] = [];
  const outcomes = new Map(i.outcomes.map((o) => [`${o.device}|${o.ratedAt}`, o]));
  /** A deadline day ends at the site-local midnight after it. */
  const dueEnd = (day: string) => schedule.dayStart(nextDay(day));
  const excursions: EvidenceExcursion[] = [];
  const followups: Followup[] = i.records
    .filter((f) => f.ratingTs >= i.from && f.ratingTs < i.to)
    .sort((a, b) => a.ratingTs - b.ratingTs)
    .map((f) => {
      const o = outcomes.get(`${f.device}|${f.ratingTs}`);
      const answeredAt = o?.respondedAt ?? o?.resolvedAt ?? null;
      const resolvedAt = o?.resolvedAt ?? null;
      const complex = o?.complex ?? false;
      const missed: Followup['missed'] = [];
      const judge = (stage: 'answer' | 'fix', due: number, doneAt: number | null) => {
        if (due >= judgedUntil || (doneAt !== null && doneAt <= due)) return;
        missed.push(stage);
        const end = doneAt !== null && doneAt < judgedUntil ? doneAt : judgedUntil;
        excursions.push({
          sensor: f.device,
          metric: null,
          rule,
          severity: 'warning',
          start: toIso(due),
          end: toIso(end),
          durationS: (end - due) / 1000,
          peak: f.score,
          limit: null,
          endReason:
            doneAt !== null && doneAt < judgedUntil
              ? stage === 'answer'
                ? 'answered-late'
                : 'resolved-late'
              : 'no-record',
          ongoing: !(doneAt !== null && doneAt < judgedUntil),
        });
      };
      const answerDue = dueEnd(f.answerDeadline);
      const fixDue = dueEnd(complex ? f.complexDeadline : f.simpleDeadline);
      judge('answer', answerDue, answeredAt);
      judge('fix', fixDue, resolvedAt);
      const calls = (o?.callbacks ?? []).filter((c) => c.at <= judgedUntil);
      const reached = calls.flatMap((c) =>
        c.outcome === 'reached' && c.satisfied !== null ? [{ at: c.at, satisfied: c.satisfied }] : [],
      );
      items.push({
        ratedAt: f.ratingTs,
        answerDue,
        fixDue,
        respondedAt: answeredAt,
        resolvedAt,
        realName: f.ticket !== undefined,
        reached,
      });
      const last = calls[calls.length - 1];
      return {
        device: f.device,
        window: f.window ?? null,
        score: f.score,
        ratedAt: toIso(f.ratingTs),
        day: f.day,
        answerDeadline: f.answerDeadline,
        simpleDeadline: f.simpleDeadline,
        complexDeadline: f.complexDeadline,
        respondedAt: answeredAt !== null ? toIso(answeredAt) : null,
        resolvedAt: resolvedAt !== null ? toIso(resolvedAt) : null,
        complex,
        ticket: f.ticket ?? null,
        lastCallbackAt: last ? toIso(last.at) : null,
        satisfied: reached.length ? reached[reached.length - 1]!.satisfied : null,
        missed,
        missedDeadlineAlarm:
          i.alarms.find((a) => a.rule === rule && a.sensor === f.device && a.startedAt === f.ratingTs)?.id ?? null,
      };
    });
  return { followups, excursions, items };
}
