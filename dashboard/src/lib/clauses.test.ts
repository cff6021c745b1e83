import { describe, it, expect } from 'vitest';
import { clauseLabel, ruleLabel, ruleLimits, isSummer, hallRuleFor, catalogue } from './clauses.ts';
import { stepFor, presetRange, customRange } from './trend-range.ts';

describe('clause labels from the bundled catalogue', () => {
  it('shows the clause number with its title', () => {
    expect(clauseLabel('1.3.3', 'zh-CN')).toBe('1.3.3 听觉环境');
    expect(clauseLabel('1.3.3', 'en')).toBe('1.3.3 Acoustic environment');
    expect(ruleLabel('5.2.2', 'mr-temperature', 'zh-CN')).toMatch(/^5\.2\.2 机房管理 · 机房温度/);
    expect(clauseLabel('9.9', 'zh-CN')).toBe('9.9');
  });
  it('every rule of the catalogue gets a label with its clause number', () => {
    for (const c of catalogue.clauses)
      for (const r of c.rules) expect(ruleLabel(c.id, r.id, 'zh-CN').startsWith(`${c.id} `)).toBe(true);
  });
  it('reads limits and picks the seasonal hall rule', () => {
    expect(ruleLimits('noise-laeq-5min')).toMatchObject({ max: 80, clearMax: 77 });
    expect(ruleLimits('mr-temperature')).toMatchObject({ min: 18, max: 27 });
    const site = { timezone: 'Asia/Shanghai', openingHours: [], summer: { from: '05-01', to: '09-30' } };
    expect(isSummer(site, Date.parse('2025-07-15T04:00:00Z'))).toBe(true);
    expect(isSummer(site, Date.parse('2025-12-01T04:00:00Z'))).toBe(false);
    // Site-local day: 2025-09-30T17:00Z is already 10-01 in Shanghai.
    expect(isSummer(site, Date.parse('2025-09-30T17:00:00Z'))).toBe(false);
    expect(isSummer({ ...site, summer: { from: '11-01', to: '02-28' } }, Date.parse('2026-01-10T04:00:00Z'))).toBe(
      true,
    );
    expect(hallRuleFor('temperature', false)).toBe('hall-temperature-winter');
    expect(ruleLimits(hallRuleFor('temperature', true))).toMatchObject({ min: 22, max: 28 });
  });
});

describe('trend ranges', () => {
  it('1m up to 2 days, 1h beyond', () => {
    const now = Date.parse('2025-05-01T00:00:00Z');
    expect(presetRange('24h', now).step).toBe('1m');
    expect(presetRange('7d', now).step).toBe('1h');
    expect(stepFor(0, 2 * 86_400_000)).toBe('1m');
    expect(stepFor(0, 2 * 86_400_000 + 1)).toBe('1h');
    expect(customRange(10, 5)).toEqual({ error: 'range-invalid' });
    expect(customRange(0, 401 * 86_400_000)).toEqual({ error: 'range-too-long' });
    expect(customRange(0, 3_600_000)).toEqual({ from: 0, to: 3_600_000, step: '1m' });
  });
});
