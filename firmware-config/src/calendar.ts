// Working days by the official calendar (weekends off, public holidays off, 调休 weekend days
// worked). Used for "1、5、15" deadlines and repair times in working days.
import type { CalendarYear } from './schemas/calendar.ts';

/** A calendar day as YYYY-MM-DD (already in the site's time zone). */
export type Day = string;

export class WorkingCalendar {
  private readonly holidays = new Set<Day>();
  private readonly workdays = new Set<Day>();
  private readonly years = new Set<number>();

  constructor(years: CalendarYear[]) {
    for (const y of years) {
      this.years.add(y.year);
      y.holidays.forEach((d) => this.holidays.add(d));
      y.workdays.forEach((d) => this.workdays.add(d));
    }
  }

  hasYear(year: number): boolean {
    return this.years.has(year);
  }

  /** Years covered by the calendar data. */
  coveredYears(): number[] {
    return [...this.years].sort();
  }

  /** An official public holiday (a day off of the holiday notice, weekend days of the holiday included). */
  isHoliday(day: Day): boolean {
    return this.holidays.has(day);
  }

  isWorkingDay(day: Day): boolean {
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    const dow = new Date(`${day}T00:00:00Z`).getUTCDay();
    return dow !== 0 && dow !== 6;
  }

  /** The n-th working day after `day` (the day itself does not count). */
  addWorkingDays(day: Day, n: number): Day {
    let d = day;
    let left = n;
    while (left > 0) {
      d = nextDay(d);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /** Working days after `from` up to and including `to` (0 when `to` <= `from`). */
  workingDaysBetween(from: Day, to: Day): number {
    let count = 0;
    for (let d = nextDay(from); d <= to; d = nextDay(d)) if (this.isWorkingDay(d)) count++;
    return count;
  }

  /**
   * A warning when next year's calendar is missing and it is December (the State Council usually
   * publishes it in November), else null.
   */
  missingNextYearWarning(today: Day): string | null {
    const [y, m] = today.split('-').map(Number) as [number, number];
    if (m === 12 && !this.years.has(y + 1))
      return `the working-day calendar for ${y + 1} is missing: add firmware-config/calendar/cn-${y + 1}.json from the State Council holiday notice`;
    return null;
  }
}

export function nextDay(day: Day): Day {
  const t = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The calendar day of an instant in a time zone. */
export function dayInZone(ms: number, timeZone: string): Day {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}
