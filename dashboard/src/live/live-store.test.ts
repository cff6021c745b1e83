import { describe, it, expect } from 'vitest';
import type { Alarm, Reading } from '@hallmon/contract';
import { LiveStore } from './live-store.ts';

const r = (sec: number, value: number, metric: Reading['metric'] = 'noise_laeq'): Reading => ({
  site: 'demo',
  sensor: 'hall-slm-1',
  metric,
  value,
  quality: 'ok',
  ts: new Date(Date.UTC(2025, 4, 1, 1, 0, sec)).toISOString(),
});
const alarm = (id: string, severity: Alarm['severity']): Alarm => ({
  id,
  site: 'demo',
  clause: '5.2.2',
  rule: 'mr-temperature-critical',
  sensor: 'mr-th-1',
  severity,
  state: 'raised',
  startedAt: '2025-05-01T01:00:00Z',
  clearedAt: null,
  peak: 33,
  limit: 32,
  message: null,
  ackedBy: null,
  ackedAt: null,
  ackNote: null,
  ts: '2025-05-01T01:00:00Z',
});

describe('LiveStore', () => {
  it('one version bump per batch; latest value and rolling LAeq per noise sensor', () => {
    const s = new LiveStore();
    let calls = 0;
    s.subscribe(() => calls++);
    s.apply([0, 1, 2, 3].map((i) => ({ kind: 'reading' as const, data: r(i, i % 2 ? 60 : 90) })));
    expect(calls).toBe(1);
    expect(s.reading('demo', 'hall-slm-1', 'noise_laeq')!.value).toBe(60);
    expect(Math.round(s.rolling('demo', 'hall-slm-1').value()!)).toBe(87);
  });
  it('the rolling window keeps the last 5 minutes and counts a reading seen twice (seed and live) once', () => {
    const s = new LiveStore();
    const at = (i: number, value: number) => ({
      ...r(0, value),
      ts: new Date(Date.UTC(2025, 4, 1, 1) + i * 1000).toISOString(),
    });
    s.apply(Array.from({ length: 600 }, (_, i) => ({ kind: 'reading' as const, data: at(i, i < 300 ? 90 : 60) })));
    s.seedReadings([at(599, 60)]);
    const w = s.rolling('demo', 'hall-slm-1');
    expect(w.size).toBe(300);
    expect(w.coveredS()).toBe(300);
    expect(w.value()!).toBeCloseTo(60, 9);
  });
  it('an older reading does not replace the latest one', () => {
    const s = new LiveStore();
    s.apply([
      { kind: 'reading', data: r(10, 24, 'temperature') },
      { kind: 'reading', data: r(5, 30, 'temperature') },
    ]);
    expect(s.reading('demo', 'hall-slm-1', 'temperature')!.value).toBe(24);
  });
  it('reports a new critical alarm once, not warnings or alarms already known', () => {
    const s = new LiveStore();
    s.knowAlarms([alarm('old', 'critical')]);
    const fresh = s.apply([
      { kind: 'alarm', data: alarm('old', 'critical') },
      { kind: 'alarm', data: alarm('w', 'warning') },
      { kind: 'alarm', data: alarm('c', 'critical') },
    ]);
    expect(fresh.map((a) => a.id)).toEqual(['c']);
    expect(s.apply([{ kind: 'alarm', data: alarm('c', 'critical') }])).toEqual([]);
    expect(s.alarms).toHaveLength(3);
  });
  it('counts reconnects', () => {
    const s = new LiveStore();
    s.setConn('connected');
    s.setConn('reconnecting');
    s.setConn('connected');
    expect(s.reconnects).toBe(1);
  });
});
