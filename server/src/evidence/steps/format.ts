// How the pack rounds its figures and names site-local days and months. Shared by the steps so a
// day or month in one table is the same string as in every other table of the same pack.
import type { Schedule } from '@hallmon/rules';

export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** YYYY-MM of a site-local day YYYY-MM-DD. */
export const monthOf = (day: string) => day.slice(0, 7);

/** Site-local day of an instant, memoised: Intl formatting per lookup is the slow part of a year. */
export function memoDay(schedule: Schedule): (ms: number) => string {
  const memo = new Map<number, string>();
  return (ms) => {
    let d = memo.get(ms);
    if (d === undefined) memo.set(ms, (d = schedule.day(ms)));
    return d;
  };
}
