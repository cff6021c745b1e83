import { describe, it, expect } from 'vitest';
import type { SiteConfig } from '@hallmon/firmware-config/core';
import { attachment, edgeView, fieldProblems, freeUnitId, suggestId } from './config.ts';

const site: SiteConfig = {
  id: 'demo',
  name: 'demo',
  timezone: 'Asia/Shanghai',
  openingHours: [{ days: [1], from: '09:00', to: '17:00' }],
  edge: { buses: [{ id: 'bus-1', port: '/dev/ttyUSB0' }] },
  zones: [
    {
      id: 'machine-room',
      kind: 'machine-room',
      name: '机房',
      devices: [
        { id: 'mr-th-1', profile: 'th-modbus-f03', bus: 'bus-1', unitId: 1 },
        { id: 'mr-th-2', profile: 'th-modbus-f04', bus: 'bus-1', unitId: 2 },
      ],
    },
  ],
};

describe('configuration page helpers', () => {
  it('puts a refused change’s problems on the form fields they name, the rest above', () => {
    const { byField, other } = fieldProblems(
      [
        { path: '/device/unitId', message: 'slave address 1 is already used' },
        { path: '/device/serial/port', message: 'port in use' },
        { path: '/device/unitId', message: 'second' },
        { path: '/config/edge/buses/0/port', message: 'bus problem' },
      ],
      '/device',
    );
    expect(byField.get('unitId')).toBe('slave address 1 is already used; second');
    expect(byField.get('serial')).toBe('port in use');
    expect(other).toEqual([{ path: '/config/edge/buses/0/port', message: 'bus problem' }]);
  });
  it('suggests a free unit id and a free device id', () => {
    expect(freeUnitId(site, 'bus-1')).toBe(3);
    expect(freeUnitId(site, 'bus-2')).toBe(1);
    expect(suggestId(site, 'machine-room', undefined)).toBe('mr-dev-1');
  });
  it('says where a device is attached', () => {
    expect(attachment(site.zones[0]!.devices[0]!, undefined)).toEqual({ kind: 'bus', bus: 'bus-1', unitId: 1 });
    expect(attachment({ id: 'x', profile: 'p', serial: { port: '/dev/ttyS1' } }, undefined)).toEqual({
      kind: 'serial',
      port: '/dev/ttyS1',
    });
  });
  it('describes the edge against the server’s version', () => {
    const base = { running: null, received: null, inSync: false, error: null, reportedAt: null };
    expect(edgeView({ ...base, mode: null, state: null }, 3).kind).toBe('never');
    expect(edgeView({ ...base, mode: 'local', state: 'local' }, 3).kind).toBe('local');
    expect(edgeView({ ...base, mode: 'remote', state: 'rejected', running: 2, received: 3, error: 'port' }, 3)).toEqual(
      {
        kind: 'rejected',
        running: 2,
        received: 3,
        error: 'port',
      },
    );
    expect(edgeView({ ...base, mode: 'remote', state: 'applied', running: 3, inSync: true }, 3)).toEqual({
      kind: 'applied',
      running: 3,
      inSync: true,
      want: 3,
    });
  });
});
