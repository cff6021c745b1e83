import { describe, expect, it } from 'vitest';
import { stateLook, STATE_HOLD_MS } from './states.ts';

describe('stateLook', () => {
  const now = Date.parse('2026-03-02T02:00:00Z');
  const at = (agoMs: number, value: number) => ({ value, ts: new Date(now - agoMs).toISOString() });
  it('water, smoke, door and battery alarm at 1; mains and AC at 0', () => {
    expect(stateLook('water_leak', at(1000, 1), now)).toBe('alarm');
    expect(stateLook('water_leak', at(1000, 0), now)).toBe('ok');
    expect(stateLook('ups_on_battery', at(1000, 1), now)).toBe('alarm');
    expect(stateLook('mains_ok', at(1000, 0), now)).toBe('alarm');
    expect(stateLook('mains_ok', at(1000, 1), now)).toBe('ok');
    expect(stateLook('ac_running', at(1000, 0), now)).toBe('alarm');
  });
  it('no reading, or one older than the hold, is unknown', () => {
    expect(stateLook('smoke', undefined, now)).toBe('unknown');
    expect(stateLook('smoke', at(STATE_HOLD_MS + 1, 0), now)).toBe('unknown');
    expect(stateLook('smoke', at(STATE_HOLD_MS - 1, 0), now)).toBe('ok');
  });
});
