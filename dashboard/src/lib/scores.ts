// The scorecard and district pages' logic, apart from React: the periods offered (this month so
// far, last month, the scorecard's own days from a drill-down), a line's figure in words, and the
// district table's sorting by a centre's name, its points at risk, its deductions or one clause
// (worst first: fail, then insufficient data, then pass, each by its figure).
import type { DistrictRow, ScoreLine, Verdict } from '@hallmon/contract';
import { dayIn } from './evidence.ts';

export interface DayRange {
  from: string;
  to: string;
}

/** This month so far, site-local. */
export function thisMonth(now: number, timeZone: string): DayRange {
  const today = dayIn(now, timeZone);
  return { from: `${today.slice(0, 8)}01`, to: today };
}

/** The whole month before this one, site-local. */
export function lastMonth(now: number, timeZone: string): DayRange {
  const today = dayIn(now, timeZone);
  const [y, m] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(y, m - 2, 1));
  const last = new Date(Date.UTC(y, m - 1, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/** "YYYY-MM-DD..YYYY-MM-DD" of a route, or null when it is not one. */
export function parseRange(s: string | undefined): DayRange | null {
  const m = s ? /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(s) : null;
  return m && m[1]! <= m[2]! ? { from: m[1]!, to: m[2]! } : null;
}

export function rangeText(r: DayRange): string {
  return `${r.from}..${r.to}`;
}

/** A figure as the scorecard prints it: "72.5 %", "3", or "—". */
export function figureText(l: Pick<ScoreLine, 'figure' | 'unit'>): string {
  if (l.figure === null) return '—';
  return l.unit === '%' ? `${l.figure} %` : String(l.figure);
}

const RANK: Record<Verdict, number> = { fail: 0, 'insufficient-data': 1, pass: 2 };

export type DistrictSort = { key: 'site' | 'pointsAtRisk' | 'deductions' | string; dir: 'asc' | 'desc' };

/**
 * Rows sorted by the key: 'site' by name; 'pointsAtRisk' / 'deductions' by the totals; a clause id
 * by that clause's verdict (worst first when ascending) then its figure. Ties keep the server's order.
 */
export function sortDistrict(rows: readonly DistrictRow[], s: DistrictSort, lang: string): DistrictRow[] {
  const name = (r: DistrictRow) => (lang.startsWith('en') && r.siteNameEn ? r.siteNameEn : r.siteName);
  const key = (r: DistrictRow): Array<number | string> => {
    if (s.key === 'site') return [name(r)];
    if (s.key === 'pointsAtRisk') return [r.totals.pointsAtRisk];
    if (s.key === 'deductions') return [r.totals.deductions];
    const c = r.cells.find((x) => x.clause === s.key);
    return c ? [RANK[c.verdict], c.figure ?? -Infinity] : [3, -Infinity];
  };
  const sign = s.dir === 'asc' ? 1 : -1;
  return rows
    .map((r, i) => ({ r, i, k: key(r) }))
    .sort((a, b) => {
      for (let j = 0; j < a.k.length; j++) {
        const x = a.k[j]!;
        const y = b.k[j]!;
        if (x === y) continue;
        return (
          sign * (typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y)) : x < y ? -1 : 1)
        );
      }
      return a.i - b.i;
    })
    .map((x) => x.r);
}
