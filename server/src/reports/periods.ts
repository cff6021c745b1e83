// When a scheduled pack is due and which days it covers (docs/evidence.md "Scheduled reports"),
// pure: a monthly plan with day 1 at 06:00 builds on the 1st of each month at 06:00 (site-local)
// the month before; a quarterly one builds on the 1st of January, April, July and October the
// quarter before. The latest due build at or before `now` is the one to have; dueBackwards walks
// from it to the earlier ones (the scheduler catches up the periods it missed while it was down).
import { ZoneOffset, type ReportPlan } from '@hallmon/firmware-config';

export interface DuePeriod {
  /** When it is built (epoch ms). */
  dueAt: number;
  /** Site-local days covered, inclusive. */
  firstDay: string;
  lastDay: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The latest due build of a plan at or before `now`, in a time zone. */
export function latestDue(plan: Pick<ReportPlan, 'period' | 'day' | 'at'>, timezone: string, now: number): DuePeriod {
  const zone = new ZoneOffset(timezone);
  const local = new Date(now + zone.at(now));
  let y = local.getUTCFullYear();
  let m = local.getUTCMonth() + 1;
  const step = plan.period === 'month' ? 1 : 3;
  // The build months: every month, or the first month of each quarter.
  m = plan.period === 'month' ? m : m - ((m - 1) % 3);
  const [hh, mm] = plan.at.split(':').map(Number) as [number, number];
  const dueOf = (yy: number, mo: number) => zone.fromLocal(Date.UTC(yy, mo - 1, plan.day, hh, mm));
  if (dueOf(y, m) > now) {
    m -= step;
    if (m < 1) {
      m += 12;
      y -= 1;
    }
  }
  // The period: the `step` months before the build month.
  let py = y;
  let pm = m - step;
  if (pm < 1) {
    pm += 12;
    py -= 1;
  }
  const firstDay = `${py}-${pad(pm)}-01`;
  const lastDay = prevDay(`${y}-${pad(m)}-01`);
  return { dueAt: dueOf(y, m), firstDay, lastDay };
}

/** The due builds of a plan at or before `now`, newest first: the latest, then each one before it. */
export function* dueBackwards(
  plan: Pick<ReportPlan, 'period' | 'day' | 'at'>,
  timezone: string,
  now: number,
): Generator<DuePeriod, void, undefined> {
  for (let t = now; ;) {
    const due = latestDue(plan, timezone, t);
    yield due;
    t = due.dueAt - 1;
  }
}

function prevDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}
