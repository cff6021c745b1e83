// Serial port names on the hall PCs: Windows COM ports (COM3, \\.\COM10) are names, not files, so
// the edge config keeps them as written instead of resolving them against the config's folder, and
// the serial drivers never test them with the file system (a Linux device node that vanishes, a
// pulled USB adapter, still closes the port).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { EdgeConfig } from '@hallmon/firmware-config';
import { resolvePaths } from '@hallmon/edge';
import { isComPort, portVanished } from '../../edge/src/drivers/port-name.ts';
import { tempDir } from '../helpers/tmp.ts';

test('COM names are kept as written; device paths resolve against the config folder', () => {
  const config = {
    site: 'demo',
    uplink: { url: 'mqtt://127.0.0.1:1883', username: 'u', password: 'p' },
    dataDir: 'data',
    buses: [
      { port: 'COM3', devices: [] },
      { port: '\\\\.\\COM12', devices: [] },
      { port: 'ptys/bus', devices: [] },
    ],
    serialMeters: [{ id: 'hall-slm-1', profile: 'slm-ascii-rs232', port: 'com4', zone: 'hall' }],
  } as unknown as EdgeConfig;
  const r = resolvePaths(config, '/etc/hallmon/edge.json');
  assert.deepEqual(
    r.buses!.map((b) => b.port),
    ['COM3', '\\\\.\\COM12', '/etc/hallmon/ptys/bus'],
  );
  assert.equal(r.serialMeters![0]!.port, 'com4');
  assert.equal(r.dataDir, '/etc/hallmon/data');
});

test('only device nodes can vanish; a COM name is never looked up as a file', (t) => {
  const dir = tempDir('hallmon-ports-');
  t.onTestFinished(() => dir.remove());
  for (const p of ['COM1', 'COM3', 'com10', '\\\\.\\COM255']) assert.ok(isComPort(p), p);
  for (const p of ['/dev/ttyUSB0', 'COM', 'COM1234', 'tty/COM3', 'COMX']) assert.ok(!isComPort(p), p);
  assert.equal(portVanished('COM3'), false);
  assert.equal(portVanished(join(dir.path, 'ttyUSB9')), true);
  assert.equal(portVanished(dir.path), false);
});
