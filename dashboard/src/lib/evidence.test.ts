import { describe, it, expect } from 'vitest';
import type { EvidenceExcursion, EvidenceGap } from '@hallmon/contract';
import {
  ASSESSMENT_YEAR,
  checklist,
  downloadName,
  evidenceUrl,
  formatElapsed,
  isPack,
  last12Months,
  periodProblem,
  presets,
  verdictCounts,
  type EvidencePackJson,
} from './evidence.ts';

const SH = 'Asia/Shanghai';

describe('evidence periods', () => {
  it('offers the assessment sampling year first', () => {
    const p = presets(Date.parse('2026-11-23T10:00:00+08:00'), SH);
    expect(p[0]).toEqual({ id: 'assessment', from: '2024-05-01', to: '2025-04-30' });
    expect(p[0]).toBe(ASSESSMENT_YEAR);
  });
  it('last 12 months ends yesterday in the site time zone', () => {
    // 2026-11-23 01:00 in Shanghai is still 11-22 in UTC: the site's day counts.
    expect(last12Months(Date.parse('2026-11-23T01:00:00+08:00'), SH)).toEqual({
      id: 'last12',
      from: '2025-11-23',
      to: '2026-11-22',
    });
    expect(last12Months(Date.parse('2025-03-01T12:00:00+08:00'), SH)).toEqual({
      id: 'last12',
      from: '2024-03-01',
      to: '2025-02-28',
    });
    // Yesterday is a Feb 29: a year back has none, the period starts on Mar 1.
    expect(last12Months(Date.parse('2024-03-01T12:00:00+08:00'), SH)).toEqual({
      id: 'last12',
      from: '2023-03-01',
      to: '2024-02-29',
    });
  });
  it('checks the dates, their order and the 400-day limit', () => {
    expect(periodProblem('2024-05-01', '2025-04-30')).toBeNull();
    expect(periodProblem('2024-05-01', '2024-05-01')).toBeNull();
    expect(periodProblem('2024-5-1', '2025-04-30')).toBe('from');
    expect(periodProblem('2024-05-01', '2025-02-30')).toBe('to');
    expect(periodProblem('2025-05-01', '2025-04-30')).toBe('order');
    expect(periodProblem('2024-01-01', '2025-04-30')).toBe('too-long');
  });
});

describe('evidence requests', () => {
  it('builds the API URL and file names', () => {
    expect(evidenceUrl('demo', '2024-05-01', '2025-04-30', 'pdf')).toBe(
      '/api/evidence?site=demo&from=2024-05-01&to=2025-04-30&format=pdf',
    );
    expect(downloadName('demo', '2024-05-01', '2025-04-30', 'csv')).toBe(
      'evidence-demo-2024-05-01-2025-04-30-summary.csv',
    );
    expect(downloadName('demo', '2024-05-01', '2025-04-30', 'json')).toBe('evidence-demo-2024-05-01-2025-04-30.json');
  });
  it('formats the elapsed time of a long computation', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(7_900)).toBe('0:07');
    expect(formatElapsed(125_000)).toBe('2:05');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
  });
});

describe('clause checklist', () => {
  const excursion: EvidenceExcursion = {
    sensor: 'hall-slm-1',
    metric: 'noise_laeq',
    rule: 'noise-laeq-5min',
    severity: 'warning',
    start: '2024-06-03T02:00:00.000Z',
    end: '2024-06-03T02:20:00.000Z',
    durationS: 1200,
    peak: 82.4,
    limit: 80,
    endReason: 'cleared',
    ongoing: false,
  };
  const gap: EvidenceGap = {
    sensor: 'mr-th-1',
    metric: null,
    start: '2024-07-01T00:00:00.000Z',
    end: '2024-07-01T01:00:00.000Z',
    durationS: 3600,
    source: 'rule',
  };
  const pack: EvidencePackJson = {
    site: 'demo',
    from: '2024-04-30T16:00:00.000Z',
    to: '2025-04-30T16:00:00.000Z',
    clauses: [
      {
        clause: '1.3.3',
        title: '听觉环境',
        titleEn: 'Acoustic environment',
        verdict: 'fail',
        reason: '2 excursion(s)',
        coverage: 0.98765,
        excursions: [excursion, excursion],
        gaps: [],
      },
      {
        clause: '5.2.2',
        title: '机房管理',
        titleEn: '',
        verdict: 'pass',
        reason: '',
        coverage: 1,
        excursions: [],
        gaps: [gap],
      },
      {
        clause: '1.2.1',
        title: '综合受理区设备',
        titleEn: '',
        verdict: 'insufficient-data',
        reason: '',
        coverage: null,
        excursions: [],
        gaps: [],
      },
    ],
  };
  it('has one row per clause with coverage in percent and the counts', () => {
    const rows = checklist(pack, 'zh-CN');
    expect(rows.map((r) => [r.clause, r.title, r.verdict, r.coveragePct, r.excursions, r.gaps])).toEqual([
      ['1.3.3', '听觉环境', 'fail', 98.8, 2, 0],
      ['5.2.2', '机房管理', 'pass', 100, 0, 1],
      ['1.2.1', '综合受理区设备', 'insufficient-data', null, 0, 0],
    ]);
    expect(checklist(pack, 'en')[0]!.title).toBe('Acoustic environment');
    expect(checklist(pack, 'en')[1]!.title).toBe('机房管理');
    expect(verdictCounts(rows)).toEqual({ pass: 1, fail: 1, 'insufficient-data': 1 });
  });
  it('accepts a pack and refuses anything else', () => {
    expect(isPack(pack)).toBe(true);
    expect(
      isPack({ site: 'demo', clauses: [{ clause: '1', title: 't', verdict: 'maybe', excursions: [], gaps: [] }] }),
    ).toBe(false);
    expect(isPack({ message: 'unknown site' })).toBe(false);
    expect(isPack(null)).toBe(false);
  });
});
