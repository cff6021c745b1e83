import { describe, it, expect } from 'vitest';
import {
  formatDateTime,
  formatTime,
  startOfDay,
  dayKey,
  parseLocalInput,
  toLocalInput,
  zoneOffsetMs,
  formatAge,
} from './time-format.ts';

const T = Date.parse('2025-05-01T01:30:00Z'); // 09:30 in Shanghai, 03:30 in Berlin (CEST), 21:30 the day before in New York

describe('site time zone formatting', () => {
  it("uses the site's zone, not the browser's", () => {
    expect(formatTime(T, 'Asia/Shanghai')).toBe('09:30');
    expect(formatTime(T, 'Europe/Berlin')).toBe('03:30');
    expect(formatDateTime(T, 'Asia/Shanghai')).toContain('2025');
    expect(formatDateTime(T, 'Asia/Shanghai')).toContain('09:30:00');
    expect(formatDateTime(T, 'America/New_York', 'en-US')).toContain('21:30:00');
    expect(formatDateTime('not a time', 'Asia/Shanghai')).toBe('—');
  });
  it('computes the site day and its midnight', () => {
    expect(dayKey(T, 'Asia/Shanghai')).toBe('2025-05-01');
    expect(dayKey(T, 'America/New_York')).toBe('2025-04-30');
    expect(new Date(startOfDay(T, 'Asia/Shanghai')).toISOString()).toBe('2025-04-30T16:00:00.000Z');
    expect(zoneOffsetMs(T, 'Asia/Shanghai')).toBe(8 * 3_600_000);
  });
  it('round-trips datetime-local values in the zone, across DST', () => {
    expect(new Date(parseLocalInput('2025-05-01T09:00', 'Asia/Shanghai')!).toISOString()).toBe(
      '2025-05-01T01:00:00.000Z',
    );
    expect(new Date(parseLocalInput('2025-07-01T12:00', 'Europe/Berlin')!).toISOString()).toBe(
      '2025-07-01T10:00:00.000Z',
    );
    expect(new Date(parseLocalInput('2025-01-01T12:00', 'Europe/Berlin')!).toISOString()).toBe(
      '2025-01-01T11:00:00.000Z',
    );
    expect(toLocalInput(T, 'Asia/Shanghai')).toBe('2025-05-01T09:30');
    expect(parseLocalInput('garbage', 'Asia/Shanghai')).toBeNull();
  });
  it('says ages in the UI language', () => {
    expect(formatAge(T - 5 * 60_000, T, 'zh-CN')).toBe('5 分钟前');
    expect(formatAge(T - 30_000, T, 'en')).toBe('30 s ago');
  });
});
