import { describe, it, expect } from 'vitest';
import type { DistrictRow, Verdict } from '@hallmon/contract';
import { figureText, lastMonth, parseRange, sortDistrict, thisMonth } from './scores.ts';

const totals = (pointsAtRisk: number, deductions: number) => ({
  points: 21.5,
  pointsAtRisk,
  deductions,
  pass: 0,
  fail: 0,
  insufficient: 0,
});

function row(site: string, risk: number, ded: number, verdict: Verdict, figure: number | null): DistrictRow {
  return {
    site,
    siteName: site,
    siteNameEn: null,
    firstDay: '2025-10-01',
    lastDay: '2025-10-20',
    cells: [{ clause: '6.1.1', verdict, figure, unit: '%', pointsAtRisk: 0, deductionTotal: 0 }],
    totals: totals(risk, ded),
  };
}

describe('scorecard periods and figures', () => {
  it('this month so far and last month, in the site time zone', () => {
    // 2025-10-31T16:30Z is already 1 November in Shanghai.
    const now = Date.parse('2025-10-31T16:30:00Z');
    expect(thisMonth(now, 'Asia/Shanghai')).toEqual({ from: '2025-11-01', to: '2025-11-01' });
    expect(lastMonth(now, 'Asia/Shanghai')).toEqual({ from: '2025-10-01', to: '2025-10-31' });
    expect(lastMonth(Date.parse('2025-01-10T00:00:00Z'), 'Asia/Shanghai')).toEqual({
      from: '2024-12-01',
      to: '2024-12-31',
    });
  });
  it('reads a drill-down range and refuses a reversed one', () => {
    expect(parseRange('2025-05-01..2025-10-20')).toEqual({ from: '2025-05-01', to: '2025-10-20' });
    expect(parseRange('2025-10-20..2025-05-01')).toBeNull();
    expect(parseRange(undefined)).toBeNull();
  });
  it('prints rates with %, counts bare, nothing as a dash', () => {
    expect(figureText({ figure: 72.5, unit: '%' })).toBe('72.5 %');
    expect(figureText({ figure: 3, unit: 'count' })).toBe('3');
    expect(figureText({ figure: null, unit: '%' })).toBe('—');
  });
});

describe('district sorting', () => {
  const rows = [row('b', 4, 1, 'pass', 80), row('a', 7.5, 0, 'fail', 65), row('c', 4, 2.5, 'insufficient-data', null)];
  it('by points at risk, most first, ties in the server order', () => {
    expect(sortDistrict(rows, { key: 'pointsAtRisk', dir: 'desc' }, 'zh-CN').map((r) => r.site)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });
  it('by a clause: fail, insufficient data, pass when ascending', () => {
    expect(sortDistrict(rows, { key: '6.1.1', dir: 'asc' }, 'zh-CN').map((r) => r.site)).toEqual(['a', 'c', 'b']);
    expect(sortDistrict(rows, { key: '6.1.1', dir: 'desc' }, 'zh-CN').map((r) => r.site)).toEqual(['b', 'c', 'a']);
  });
  it('by name and by deductions', () => {
    expect(sortDistrict(rows, { key: 'site', dir: 'asc' }, 'en').map((r) => r.site)).toEqual(['a', 'b', 'c']);
    expect(sortDistrict(rows, { key: 'deductions', dir: 'desc' }, 'en').map((r) => r.site)).toEqual(['c', 'b', 'a']);
  });
});
