// Period arithmetic in the site's time zone: a DATE bound means a site-local day (the `to` date is
// included), an ISO instant is taken as is. Also the site-local days, months and opening intervals
// of a period, which coverage and the daily tables are built on.
import { parseTimestamp } from '@hallmon/firmware-config';
import { Schedule } from '@hallmon/rules';
import type { SiteConfig } from '@hallmon/firmware-config';

export class PeriodError extends Error {
  readonly code = 'HM_ERR_EVIDENCE_PERIOD';
}

export function siteSchedule(site: SiteConfig): Schedule {
  return new Schedule(site.timezone, site.openingHours, site.summer);
}

/** Epoch ms of a period bound: YYYY-MM-DD (site-local; `to` includes that day) or ISO 8601 / epoch ms. */
export function periodBound(value: string | number, side: 'from' | 'to', schedule: Schedule, name = side): number {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
      throw new PeriodError(`${name} "${value}" is not a calendar date`);
    const start = schedule.dayStart(value);
    return side === 'from' ? start : schedule.dayInfo(start).end;
  }
  const ms =
    typeof value === 'number'
      ? parseTimestamp(value)
      : /^\d+$/.test(value)
        ? parseTimestamp(Number(value))
        : parseTimestamp(value);
  if (ms === null)
    throw new PeriodError(`${name} "${value}" is neither a date (2025-05-01) nor an ISO 8601 time with offset`);
  return ms;
}

export interface DaySpan {
  day: string;
  start: number;
  end: number;
  /** Opening intervals clipped to the period. */
  open: Array<[number, number]>;
}

/** The site-local days overlapping [from, to), each clipped to the period. */
export function periodDays(schedule: Schedule, from: number, to: number): DaySpan[] {
  const out: DaySpan[] = [];
  let t = from;
  while (t < to) {
    const info = schedule.dayInfo(t);
    const start = Math.max(info.start, from);
    const end = Math.min(info.end, to);
    const open = info.open
      .map(([a, b]): [number, number] => [Math.max(a, start), Math.min(b, end)])
      .filter(([a, b]) => b > a);
    out.push({ day: info.day, start, end, open });
    t = info.end;
  }
  return out;
}

export const MINUTE = 60_000;

/** Minutes (bucket starts) of [a, b) counted as whole minutes. */
export function minutesIn(a: number, b: number): number {
  return Math.max(0, Math.ceil(b / MINUTE) - Math.ceil(a / MINUTE));
}
