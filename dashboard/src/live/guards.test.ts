import { describe, expect, it } from 'vitest';
import { isAlarm, isLiveReading, isLiveStatus } from './guards.ts';

describe('live message guards', () => {
  it('accept the server shapes and reject malformed ones', () => {
    expect(
      isLiveReading({
        site: 'demo',
        sensor: 's',
        metric: 'temperature',
        value: 1,
        ts: '2025-05-01T00:00:00Z',
        quality: 'ok',
      }),
    ).toBe(true);
    expect(
      isLiveReading({ site: 'demo', sensor: 's', metric: 'temperature', value: 'hot', ts: '2025-05-01T00:00:00Z' }),
    ).toBe(false);
    expect(isLiveReading({ site: 'demo', sensor: 's', metric: 'temperature', value: 1, ts: 'yesterday' })).toBe(false);
    expect(isLiveReading(null)).toBe(false);
    expect(isLiveStatus({ site: 'demo', device: 'd', status: 'gone', ts: '2025-05-01T00:00:00Z' })).toBe(false);
    expect(
      isAlarm({
        id: 'a',
        site: 'demo',
        clause: '5.2.2',
        rule: 'r',
        severity: 'critical',
        state: 'raised',
        startedAt: '2025-05-01T00:00:00Z',
      }),
    ).toBe(true);
    expect(
      isAlarm({
        id: 'a',
        site: 'demo',
        clause: '5.2.2',
        rule: 'r',
        severity: 'fatal',
        state: 'raised',
        startedAt: '2025-05-01T00:00:00Z',
      }),
    ).toBe(false);
  });
});
