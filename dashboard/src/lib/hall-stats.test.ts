import { describe, it, expect } from 'vitest';
import type { DeviceEvent } from '@hallmon/contract';
import { queueStats, evaluationRates } from './hall-stats.ts';

const base = Date.parse('2025-05-01T02:00:00Z');
const at = (min: number) => new Date(base + min * 60_000).toISOString();
const ev = (type: DeviceEvent['type'], min: number, over: Partial<DeviceEvent> = {}): DeviceEvent => ({
  site: 'demo',
  device: 'queue-1',
  type,
  ts: at(min),
  ...over,
});

describe('queueStats', () => {
  it('counts waiting tickets and wait times', () => {
    const events = [
      ev('ticket_issued', 0, { ticket: 'A1' }),
      ev('ticket_issued', 2, { ticket: 'A2' }),
      ev('ticket_issued', 4, { ticket: 'A3' }),
      ev('ticket_called', 10, { ticket: 'A1', window: 'W01' }),
      ev('ticket_abandoned', 12, { ticket: 'A2' }),
      ev('ticket_served', 20, { ticket: 'A1', window: 'W01' }),
    ];
    const s = queueStats(events, base + 30 * 60_000);
    expect(s.waiting).toBe(1);
    expect(s.meanWaitMin).toBeCloseTo(10, 9);
    expect(s.longestWaitMin).toBeCloseTo(26, 9);
    expect(s.issued).toBe(3);
    expect(s.served).toBe(1);
    expect(s.abandoned).toBe(1);
  });
  it('is empty without events', () => {
    expect(queueStats([], base)).toMatchObject({ waiting: 0, meanWaitMin: null, longestWaitMin: null });
  });
});

describe('evaluationRates', () => {
  it('ratings / served per window and for the hall, with bad ratings', () => {
    const windows = new Map([
      ['eval-w01', 'W01'],
      ['eval-w02', 'W02'],
    ]);
    const events: DeviceEvent[] = [
      ...Array.from({ length: 10 }, (_, i) => ev('ticket_served', i, { window: 'W01' })),
      ...Array.from({ length: 6 }, (_, i) => ev('rating', i, { device: 'eval-w01', score: i === 0 ? 1 : 5 })),
      ...Array.from({ length: 4 }, (_, i) => ev('ticket_served', i, { window: 'W02' })),
      ...Array.from({ length: 4 }, (_, i) => ev('rating', i, { device: 'eval-w02', score: 2 })),
    ];
    const r = evaluationRates(events, windows);
    expect(r.windows.map((w) => [w.window, w.rate, w.bad])).toEqual([
      ['W01', 60, 1],
      ['W02', 100, 4],
    ]);
    expect(r.hall.rate).toBeCloseTo((100 * 10) / 14, 9);
  });
  it('a window without service has no rate (not 0 %)', () => {
    const r = evaluationRates([], new Map([['eval-w03', 'W03']]));
    expect(r.windows).toEqual([{ window: 'W03', served: 0, rated: 0, rate: null, bad: 0 }]);
    expect(r.hall.rate).toBeNull();
  });
});
