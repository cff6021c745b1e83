// The rates of the bad-rating follow-ups that the assessment scores (docs/evidence.md "The
// follow-up rates"), as pure functions of what people recorded and a "judged until" instant:
// - on-time-reply (2025 standard 6.1.3 按时回复率): answered by the end of the answer deadline (1
//   working day, DB31/T 862-2021 10.1.3), of the ratings whose deadline has passed or that were
//   answered by the judged instant;
// - rectification (6.1.4 整改完成率): put right by the fix deadline (5 working days, 15 when
//   classified complex), of those whose fix deadline has passed or that were put right;
// - callback-satisfaction (6.1.5 回访满意率): satisfied at the last callback that reached the
//   resident, of the ratings with such a callback;
// - real-name-reply (DB31/T 862-2021 10.1.4 实名差评回复率): answered at all, of the real-name bad
//   ratings (those naming their served ticket) whose answer deadline has passed or that were answered.
// A rating still inside its deadline and not yet acted on counts for neither side. The findings of
// a rate are the ratings in its denominator and not in its numerator.
import type { FollowupMeasure } from '@hallmon/firmware-config';

export interface RateItem {
  /** Epoch ms of the rating. */
  ratedAt: number;
  /** The instant the answer is overdue: the site-local midnight after its deadline day. */
  answerDue: number;
  /** The same for the fix (the complex deadline when the case was classified complex). */
  fixDue: number;
  respondedAt: number | null;
  resolvedAt: number | null;
  /** The rating names its served ticket. */
  realName: boolean;
  /** Callbacks that reached the resident, in time order: when, and satisfied or not. */
  reached: ReadonlyArray<{ at: number; satisfied: boolean }>;
}

export interface RateFigure {
  measure: FollowupMeasure;
  numerator: number;
  denominator: number;
  /** Percent, one decimal; null when nothing is in the denominator. */
  rate: number | null;
}

/** For one rating: whether it counts for the rate (in) and whether it meets it (ok), judged at `until`. */
export function judgeItem(
  measure: FollowupMeasure,
  f: RateItem,
  until: number,
): { in: boolean; ok: boolean; doneAt: number | null } {
  const by = (t: number | null) => (t !== null && t <= until ? t : null);
  const answered = by(f.respondedAt) ?? by(f.resolvedAt);
  switch (measure) {
    case 'on-time-reply':
      return {
        in: f.answerDue <= until || answered !== null,
        ok: answered !== null && answered <= f.answerDue,
        doneAt: answered,
      };
    case 'real-name-reply':
      return { in: f.realName && (f.answerDue <= until || answered !== null), ok: answered !== null, doneAt: answered };
    case 'rectification': {
      const fixed = by(f.resolvedAt);
      return { in: f.fixDue <= until || fixed !== null, ok: fixed !== null && fixed <= f.fixDue, doneAt: fixed };
    }
    case 'callback-satisfaction': {
      const last = [...f.reached].reverse().find((c) => c.at <= until);
      return { in: last !== undefined, ok: last?.satisfied === true, doneAt: last?.at ?? null };
    }
  }
}

export function followupRate(measure: FollowupMeasure, items: readonly RateItem[], until: number): RateFigure {
  let numerator = 0;
  let denominator = 0;
  for (const f of items) {
    const j = judgeItem(measure, f, until);
    if (!j.in) continue;
    denominator++;
    if (j.ok) numerator++;
  }
  return {
    measure,
    numerator,
    denominator,
    rate: denominator ? Math.round((1000 * numerator) / denominator) / 10 : null,
  };
}
