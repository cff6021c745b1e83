import { describe, it, expect } from 'vitest';
import type { Alarm } from '@hallmon/contract';
import { sortAlarms, mergeAlarm, filterAlarms, activeBySeverity, isNewCritical } from './alarms.ts';

function alarm(id: string, over: Partial<Alarm> = {}): Alarm {
  return {
    id,
    site: 'demo',
    clause: '5.2.2',
    rule: 'mr-temperature',
    sensor: 'mr-th-1',
    severity: 'warning',
    state: 'raised',
    startedAt: '2025-05-01T01:00:00Z',
    clearedAt: null,
    peak: null,
    limit: null,
    message: null,
    ackedBy: null,
    ackedAt: null,
    ackNote: null,
    ts: '2025-05-01T01:00:00Z',
    ...over,
  };
}

describe('alarm ordering and merging', () => {
  it('active before cleared, critical before warning, unacked before acked, newest first', () => {
    const list = [
      alarm('cleared-crit', { severity: 'critical', state: 'cleared', clearedAt: '2025-05-01T02:00:00Z' }),
      alarm('warn-old', { startedAt: '2025-05-01T00:00:00Z' }),
      alarm('warn-new', { startedAt: '2025-05-01T03:00:00Z' }),
      alarm('crit-acked', { severity: 'critical', ackedAt: '2025-05-01T04:00:00Z', ackedBy: 'a' }),
      alarm('crit', { severity: 'critical' }),
    ];
    expect(sortAlarms(list).map((a) => a.id)).toEqual(['crit', 'crit-acked', 'warn-new', 'warn-old', 'cleared-crit']);
  });
  it('a clear record completes the raise and keeps the ack', () => {
    const list = [alarm('x', { ackedBy: 'netadmin', ackedAt: '2025-05-01T01:05:00Z', ackNote: 'AC restarted' })];
    const merged = mergeAlarm(list, alarm('x', { state: 'cleared', clearedAt: '2025-05-01T01:20:00Z' }));
    expect(merged).toHaveLength(1);
    expect(merged[0]!.state).toBe('cleared');
    expect(merged[0]!.ackedBy).toBe('netadmin');
    expect(merged[0]!.ackNote).toBe('AC restarted');
    expect(mergeAlarm(list, alarm('y')).map((a) => a.id)).toEqual(['y', 'x']);
  });
  it('filters and counts', () => {
    const list = [
      alarm('a', { severity: 'critical' }),
      alarm('b', { clause: '1.3.3', site: 'other' }),
      alarm('c', { state: 'cleared', clearedAt: 'x' }),
    ];
    expect(filterAlarms(list, { clause: '1.3.3' }).map((a) => a.id)).toEqual(['b']);
    expect(filterAlarms(list, { severity: 'critical' }).map((a) => a.id)).toEqual(['a']);
    expect(filterAlarms(list, { activeOnly: true, site: 'demo' }).map((a) => a.id)).toEqual(['a']);
    expect(activeBySeverity(list)).toEqual({ critical: 1, warning: 1 });
    expect(activeBySeverity(list, 'demo')).toEqual({ critical: 1, warning: 0 });
  });
  it('recognises a new critical alarm once', () => {
    const a = alarm('n', { severity: 'critical' });
    expect(isNewCritical(new Set(), a)).toBe(true);
    expect(isNewCritical(new Set(['n']), a)).toBe(false);
    expect(isNewCritical(new Set(), alarm('w'))).toBe(false);
  });
});
