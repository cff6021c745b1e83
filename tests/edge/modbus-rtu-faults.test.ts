// A dead slave and a noisy one must not cost a healthy slave on the same RS-485 bus its poll rate;
// failures are classified (timeout, crc-error, exception), and offline/online follow the slave.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { loadProfiles, createLogger, type Bus, type DeviceStatus, type Metric } from '@hallmon/firmware-config';
import { ModbusRtuDriver } from '@hallmon/edge';
import type { DriverSink, FaultKind } from '@hallmon/edge';
import { ModbusSlaveBus } from '@hallmon/simulators';
import { ptyPair } from '../helpers/socat.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor, sleep } from '../helpers/wait.ts';

const profiles = loadProfiles();
const POLL_MS = 200;

test('modbus-rtu: dead and noisy slaves do not stall a healthy one', async (t) => {
  const dir = tempDir();
  const pair = await ptyPair(dir.path, 'faults');
  let burstUntil = 0;
  const value = (m: Metric) =>
    (({ temperature: 22.5, humidity: 50, noise_laeq: 55 }) as Partial<Record<Metric, number>>)[m];
  const sim = new ModbusSlaveBus({
    path: pair.device,
    baudRate: 9600,
    slaves: [
      { unitId: 1, profile: profiles.get('th-modbus-f03')!, value },
      { unitId: 2, profile: profiles.get('th-modbus-f04')!, value },
      // Line noise on unit 3 through its FaultSource: every reply corrupted until burstUntil.
      {
        unitId: 3,
        profile: profiles.get('noise-modbus-f03')!,
        value,
        fault: (ms) => (ms < burstUntil ? 'crc' : 'none'),
      },
    ],
  });
  const bus: Bus = {
    port: pair.host,
    baudRate: 9600,
    pollMs: POLL_MS,
    devices: [
      { id: 'healthy', profile: 'th-modbus-f03', unitId: 1, zone: 'machine-room' },
      { id: 'dead', profile: 'th-modbus-f04', unitId: 2, zone: 'machine-room' },
      { id: 'noisy', profile: 'noise-modbus-f03', unitId: 3, zone: 'hall' },
    ],
  };
  const faults: { kind: FaultKind; device: string | undefined }[] = [];
  const statuses: { device: string; status: DeviceStatus }[] = [];
  const polled = new Map<string, number>();
  const samples = new Map<string, number>();
  const sink: DriverSink = {
    sample: (x) => samples.set(x.sensor, (samples.get(x.sensor) ?? 0) + 1),
    event: () => undefined,
    status: (device, status) => statuses.push({ device, status }),
    fault: (kind, device) => faults.push({ kind, device }),
    polled: (d) => polled.set(d, (polled.get(d) ?? 0) + 1),
  };
  const driver = new ModbusRtuDriver({ bus, profiles, sink, log: createLogger('test-modbus-faults') });
  t.onTestFinished(async () => {
    await driver.stop();
    await sim.stop();
    await pair.close();
    dir.remove();
  });
  await sim.start();
  sim.setFault(2, 'silent'); // dead from the start
  await driver.start();

  const statusOf = (d: string) => statuses.filter((s) => s.device === d).map((s) => s.status);
  const count = (kind: FaultKind, device: string) =>
    faults.filter((f) => f.kind === kind && f.device === device).length;

  await waitFor(() => statusOf('dead').includes('offline'), 'the dead slave reported offline');
  assert.ok(count('timeout', 'dead') >= 3, 'three timed-out polls before offline');

  // Measured window: a CRC burst on one slave, the dead one probed in its slow cadence.
  const t0 = Date.now();
  burstUntil = t0 + 2_000;
  const p0 = polled.get('healthy') ?? 0;
  await waitFor(() => count('crc-error', 'noisy') >= 3, 'a burst of crc errors');
  await sleep(Math.max(0, t0 + 11_000 - Date.now())); // the window spans one offline probe (every 10 s)
  const elapsed = Date.now() - t0;
  const polls = (polled.get('healthy') ?? 0) - p0;
  const expected = elapsed / POLL_MS;
  await t.annotate(
    `healthy slave: ${polls} polls in ${elapsed} ms (${((100 * polls) / expected).toFixed(0)} % of ${expected.toFixed(1)})`,
  );
  assert.ok(
    polls >= 0.75 * expected,
    `healthy slave polled ${polls} times in ${elapsed} ms; expected at least 75 % of ${expected.toFixed(1)}`,
  );

  assert.equal(count('timeout', 'healthy') + count('crc-error', 'healthy') + count('exception', 'healthy'), 0);
  assert.equal(count('crc-error', 'dead'), 0, 'a silent slave is a timeout, not a crc error');
  assert.equal(count('timeout', 'noisy'), 0, 'a corrupted reply is a crc error, not a timeout');
  assert.deepEqual(statusOf('healthy'), ['online']);
  assert.ok(sim.stats().units[3]!.crc >= 3);
  assert.ok(sim.stats().units[2]!.silent >= 3);

  // Clear the dead slave's fault: it is probed in its slow cadence and comes back online; the noisy
  // one is back as well once its burst is over.
  const deadSamples = samples.get('dead') ?? 0;
  sim.setFault(2, 'none');
  await waitFor(() => statusOf('dead').at(-1) === 'online', 'the dead slave back online', 30_000);
  await waitFor(() => (samples.get('dead') ?? 0) > deadSamples, 'readings from the revived slave');
  assert.deepEqual(statusOf('dead'), ['offline', 'online']);
  await waitFor(() => statusOf('noisy').at(-1) === 'online', 'the noisy slave back online', 30_000);

  // A Modbus exception is its own kind and is not retried.
  sim.setFault(1, 'exception');
  await waitFor(() => count('exception', 'healthy') >= 1, 'an exception fault');
  sim.setFault(1, 'none');
  const exc = sim.stats().units[1]!.exception;
  assert.ok(exc >= 1 && exc <= count('exception', 'healthy') + 1, 'each exception answered once (no retry)');
});
