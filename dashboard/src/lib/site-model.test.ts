import { describe, it, expect } from 'vitest';
import type { DeviceRow, SiteInfo } from '@hallmon/contract';
import {
  sensorsFor,
  windowOfDevice,
  primaryNoiseSensor,
  isIndicativeNoise,
  effectiveStatus,
  zoneKindOf,
} from './site-model.ts';

const site: SiteInfo = {
  id: 'demo',
  name: '演示',
  timezone: 'Asia/Shanghai',
  openingHours: [],
  summer: { from: '05-01', to: '09-30' },
  zones: [
    {
      id: 'hall',
      kind: 'hall',
      name: '受理大厅',
      sensors: [
        { id: 'hall-noise-1', profile: 'noise-modbus-f03', metrics: ['noise_laeq'], indicative: true },
        { id: 'hall-slm-1', profile: 'slm-ascii-rs232', metrics: ['noise_laeq'] },
        { id: 'hall-th-1', profile: 'th-modbus-f03', metrics: ['temperature', 'humidity'] },
      ],
      devices: [
        { id: 'eval-w01', profile: 'evaluator-mqtt', window: 'W01' },
        { id: 'queue-1', profile: 'queue-mqtt' },
      ],
    },
    {
      id: 'mr',
      kind: 'machine-room',
      name: '机房',
      sensors: [{ id: 'mr-th-1', profile: 'th-modbus-f03', metrics: ['temperature', 'humidity'] }],
      devices: [],
    },
  ],
};

describe('site model', () => {
  it("finds an alarm's zone kind from its sensor or device; none for the self-test", () => {
    expect(zoneKindOf(site, 'mr-th-1')).toBe('machine-room');
    expect(zoneKindOf(site, 'eval-w01')).toBe('hall');
    expect(zoneKindOf(site, 'selftest')).toBeUndefined();
    expect(zoneKindOf(undefined, 'mr-th-1')).toBeUndefined();
  });
  it('finds sensors by zone kind and metric', () => {
    expect(sensorsFor(site, ['machine-room'], 'temperature').map((s) => s.id)).toEqual(['mr-th-1']);
    expect(sensorsFor(site, ['hall', 'machine-room'], 'humidity').map((s) => s.id)).toEqual(['hall-th-1', 'mr-th-1']);
    expect(sensorsFor(site, ['archive-room'], 'temperature')).toEqual([]);
  });
  it('prefers the sound level meter and labels transmitters indicative', () => {
    expect(primaryNoiseSensor(sensorsFor(site, ['hall'], 'noise_laeq'))!.id).toBe('hall-slm-1');
    const [tx, slm] = sensorsFor(site, ['hall'], 'noise_laeq');
    expect(isIndicativeNoise(tx)).toBe(true);
    expect(isIndicativeNoise(slm)).toBe(false);
  });
  it('maps devices to windows', () => {
    expect([...windowOfDevice(site)]).toEqual([['eval-w01', 'W01']]);
  });
  it('a newer live status overrides the fetched one', () => {
    const row = { status: 'online', lastSeen: '2025-05-01T01:00:00Z' } as DeviceRow;
    expect(effectiveStatus(row, { site: 'demo', device: 'x', status: 'offline', ts: '2025-05-01T01:05:00Z' })).toBe(
      'offline',
    );
    expect(effectiveStatus(row, { site: 'demo', device: 'x', status: 'offline', ts: '2025-05-01T00:05:00Z' })).toBe(
      'online',
    );
    expect(effectiveStatus(row, undefined)).toBe('online');
  });
});
