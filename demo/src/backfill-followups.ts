// The people's side of a backfilled year (`hallmon simulate --backfill --data-dir`): the hall staff
// answer, put right and call back the bad ratings the simulated residents gave, as they would record
// it on the server (followups.db: who, when, complex or not, the callback's outcome), so a demo
// year's scorecard shows follow-up rates (the 2025 standard 6.1.3-6.1.5, DB31/T 862-2021 10.1.4)
// instead of every bad rating unanswered. The year's "unanswered bad rating" incidents (ratings
// naming no ticket) are left without a record, as the incident means. Deterministic in the seed:
// mostly answered the same day and put right in 1-4 working days, a few late, some complex, a
// callback a working day after the fix that mostly finds the resident satisfied. Steps after `now`
// are not written.
import type { ClauseCatalogue, SiteConfig, WorkingCalendar } from '@hallmon/firmware-config';
import { nextDay, toIso } from '@hallmon/firmware-config';
import { followupDeadlines, ruleKind, Schedule } from '@hallmon/rules';
import { unit } from '@hallmon/simulators';
import { FollowupDb } from '@hallmon/server';

export interface BadRating {
  device: string;
  window?: string;
  ticket?: string;
  score: number;
  ts: number;
}

const STAFF = ['值班长', '窗口主管', '综窗组长'];
const H = 3_600_000;

export async function backfillFollowups(o: {
  dataDir: string;
  site: SiteConfig;
  ratings: readonly BadRating[];
  seed: number;
  calendar: WorkingCalendar;
  catalogue: ClauseCatalogue;
  now: number;
}): Promise<number> {
  // The catalogue's follow-up rule (the one judged on the follow-ups) gives the bad score and the limits.
  const def = o.catalogue.clauses.flatMap((c) => c.rules).find((r) => ruleKind(r.kind).evidence.basis === 'followups');
  const params = def?.params ?? {};
  const schedule = new Schedule(o.site.timezone, o.site.openingHours, o.site.summer);
  const at = (day: string, hour: number) => schedule.dayStart(day) + hour * H;
  const db = new FollowupDb(o.dataDir);
  db.open();
  let n = 0;
  try {
    for (const r of o.ratings) {
      if (r.ticket === undefined || r.score > (params.badScoreMax ?? 2)) continue;
      const d = followupDeadlines(r.ts, schedule, o.calendar, params);
      const u = (k: number) => unit(o.seed, `followup:${r.device}:${r.ts}`, k);
      const id = `${o.site.id}:${r.device}:${toIso(r.ts)}`;
      await db.insert({
        id,
        site: o.site.id,
        device: r.device,
        window: r.window ?? null,
        ticket: r.ticket,
        score: r.score,
        ratedAt: r.ts,
        responseDue: d.answerMs,
        simpleDue: d.simpleMs,
        complexDue: d.complexMs,
      });
      n++;
      const by = STAFF[Math.floor(u(0) * STAFF.length)]!;
      // Answered within hours, 4 % after the deadline day.
      const answered = u(1) < 0.04 ? at(nextDay(d.answerDeadline), 10) : r.ts + (0.5 + 4 * u(2)) * H;
      if (answered > o.now) continue;
      await db.respond(id, answered, by);
      const complex = u(3) < 0.07;
      if (complex) await db.markComplex(id, answered, by);
      const days = complex ? 6 + Math.floor(6 * u(4)) : 1 + Math.floor(4 * u(4));
      // 3 % put right a working day after the deadline.
      const fixDay =
        u(5) < 0.03
          ? o.calendar.addWorkingDays(complex ? d.complexDeadline : d.simpleDeadline, 1)
          : o.calendar.addWorkingDays(d.day, days);
      const fixed = at(fixDay, 15);
      if (fixed > o.now) continue;
      await db.resolve(id, fixed, by);
      const callDay = o.calendar.addWorkingDays(fixDay, 1);
      const call = async (t: number, outcome: 'reached' | 'no-answer' | 'refused', satisfied: boolean | null) => {
        if (t <= o.now) await db.addCallback(id, { at: t, by, outcome, satisfied, note: null, recordedAt: t });
      };
      const v = u(6);
      if (v < 0.05) await call(at(callDay, 10.5), 'refused', null);
      else {
        if (v < 0.15) await call(at(callDay, 10.5), 'no-answer', null);
        await call(at(v < 0.15 ? o.calendar.addWorkingDays(callDay, 1) : callDay, 11), 'reached', u(7) < 0.9);
      }
    }
  } finally {
    db.close();
  }
  return n;
}
