import { describe, it, expect } from 'vitest';
import { parseHash, href } from './router.ts';

describe('hash router', () => {
  it('parses pages and sites', () => {
    expect(parseHash('')).toEqual({ page: 'overview' });
    expect(parseHash('#/')).toEqual({ page: 'overview' });
    expect(parseHash('#/login')).toEqual({ page: 'login' });
    expect(parseHash('#/hall/demo')).toEqual({ page: 'hall', site: 'demo' });
    expect(parseHash('#/big/demo/')).toEqual({ page: 'big', site: 'demo' });
    expect(parseHash('#/alarms')).toEqual({ page: 'alarms' });
  });
  it('rejects unknown pages and bad site ids', () => {
    expect(parseHash('#/nope')).toEqual({ page: 'not-found', path: 'nope' });
    expect(parseHash('#/hall/BAD_ID')).toMatchObject({ page: 'not-found' });
    expect(parseHash('#/hall/demo/extra')).toMatchObject({ page: 'not-found' });
  });
  it('takes a range of days on the scorecard only', () => {
    expect(parseHash('#/scorecard/demo/2025-05-01..2025-10-20')).toEqual({
      page: 'scorecard',
      site: 'demo',
      range: '2025-05-01..2025-10-20',
    });
    expect(parseHash('#/scorecard/demo/last-week')).toMatchObject({ page: 'not-found' });
    expect(parseHash('#/hall/demo/2025-05-01..2025-10-20')).toMatchObject({ page: 'not-found' });
    expect(href('scorecard', 'demo', '2025-10-01..2025-10-20')).toBe('#/scorecard/demo/2025-10-01..2025-10-20');
  });
  it('builds hrefs', () => {
    expect(href('rooms', 'demo')).toBe('#/rooms/demo');
    expect(href('alarms')).toBe('#/alarms');
  });
});
