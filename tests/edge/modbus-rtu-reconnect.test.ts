// The USB-RS485 adapter goes away (socat killed: the pty paths vanish) and comes back, or is not
// there when the edge starts: the driver reports it, keeps running, and polls again once it is back.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfiles, createLogger, type Bus, type DeviceStatus, type Metric } from '@hallmon/firmware-config';
import { ModbusRtuDriver } from '@hallmon/edge';
import type { DriverSink, FaultKind, RawSample } from '@hallmon/edge';
import { ModbusSlaveBus } from '@hallmon/simulators';
import { ptyPair, type PtyPair } from '../helpers/socat.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor, sleep } from '../helpers/wait.ts';

const profiles = loadProfiles();

function collector() {
  const samples: RawSample[] = [];
  const faults: { kind: FaultKind; device: string | undefined }[] = [];
  const statuses: { device: string; status: DeviceStatus }[] = [];
  const sink: DriverSink = {
    sample: (s) => samples.push(s),
    event: () => undefined,
    status: (device, status) => statuses.push({ device, status }),
    fault: (kind, device) => faults.push({ kind, device }),
    polled: () => undefined,
  };
  return { sink, samples, faults, statuses };
}

const value = (m: Metric) => (m === 'temperature' ? 19.5 : 41);
const simOn = (path: string) =>
  new ModbusSlaveBus({ path, baudRate: 9600, slaves: [{ unitId: 5, profile: profiles.get('th-modbus-f03')!, value }] });
const busOn = (port: string): Bus => ({
  port,
  baudRate: 9600,
  pollMs: 200,
  devices: [{ id: 'th-5', profile: 'th-modbus-f03', unitId: 5, zone: 'archive' }],
});

test('modbus-rtu: adapter unplugged and plugged back in', async (t) => {
  const dir = tempDir();
  const pair = await ptyPair(dir.path, 'usb');
  const sim = simOn(pair.device);
  const c = collector();
  const driver = new ModbusRtuDriver({
    bus: busOn(pair.host),
    profiles,
    sink: c.sink,
    log: createLogger('test-modbus-reconnect'),
  });
  t.onTestFinished(async () => {
    await driver.stop();
    await sim.stop();
    await pair.close();
    dir.remove();
  });
  await sim.start();
  await driver.start();
  await waitFor(() => c.samples.length >= 4, 'readings before the unplug');

  await pair.unplug();
  assert.equal(existsSync(pair.host), false, 'the port path is gone');
  await waitFor(() => c.faults.some((f) => f.kind === 'disconnected' && f.device === 'th-5'), 'a disconnected fault');
  await waitFor(() => c.statuses.at(-1)?.status === 'offline', 'the device reported offline');
  // Unplugged for a while: the driver keeps retrying quietly (one disconnected report per episode).
  await sleep(1_500);
  assert.equal(c.faults.filter((f) => f.kind === 'disconnected').length, 1);
  assert.equal(c.faults.filter((f) => f.kind === 'timeout').length, 0, 'an unplugged port is not a dead slave');

  await sim.stop();
  const plugged = Date.now();
  await pair.plug();
  await sim.start();
  await waitFor(() => c.samples.some((s) => s.ts > plugged), 'readings after the adapter is back', 30_000);
  await waitFor(() => c.statuses.at(-1)?.status === 'online', 'the device online again');
  assert.deepEqual(
    c.statuses.map((s) => s.status),
    ['online', 'offline', 'online'],
  );
  const after = c.samples.filter((s) => s.ts > plugged);
  assert.ok(after.some((s) => s.metric === 'temperature' && s.value === 19.5));
});

test('modbus-rtu: port missing at start, appears later', async (t) => {
  const dir = tempDir();
  const c = collector();
  const host = join(dir.path, 'late-host');
  let pair: PtyPair | undefined;
  let sim: ModbusSlaveBus | undefined;
  const driver = new ModbusRtuDriver({
    bus: busOn(host),
    profiles,
    sink: c.sink,
    log: createLogger('test-modbus-late'),
  });
  t.onTestFinished(async () => {
    await driver.stop();
    await sim?.stop();
    await pair?.close();
    dir.remove();
  });
  await driver.start(); // must not throw for a missing port
  await waitFor(() => c.faults.some((f) => f.kind === 'disconnected'), 'a disconnected fault for the missing port');
  assert.deepEqual(
    c.statuses.map((s) => s.status),
    ['offline'],
  );

  pair = await ptyPair(dir.path, 'late');
  assert.equal(pair.host, host);
  sim = simOn(pair.device);
  await sim.start();
  await waitFor(() => c.samples.length > 0, 'readings once the port exists', 30_000);
  await waitFor(() => c.statuses.at(-1)?.status === 'online', 'online');
  assert.equal(c.faults.filter((f) => f.kind === 'disconnected').length, 1);
});
