// A simulated RS-232 sound level meter streaming ASCII lines over a real pty into the edge's
// AsciiLineDriver: values, junk and overlong lines as parse errors, and an unplugged adapter.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { loadProfiles, createLogger, type DeviceStatus, type SerialMeter } from '@hallmon/firmware-config';
import { AsciiLineDriver, LineSplitter } from '@hallmon/edge';
import type { DriverSink, FaultKind, RawSample } from '@hallmon/edge';
import { AsciiMeter } from '@hallmon/simulators';
import { ptyPair } from '../helpers/socat.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const profile = loadProfiles().get('slm-ascii-rs232')!;

function collector() {
  const samples: RawSample[] = [];
  const faults: { kind: FaultKind; device: string | undefined; detail: string }[] = [];
  const statuses: DeviceStatus[] = [];
  let polled = 0;
  const sink: DriverSink = {
    sample: (s) => samples.push(s),
    event: () => undefined,
    status: (_d, status) => statuses.push(status),
    fault: (kind, device, detail) => faults.push({ kind, device, detail }),
    polled: () => void polled++,
  };
  return { sink, samples, faults, statuses, polled: () => polled };
}

test('line splitter: delimiter split across chunks, overlong lines dropped whole, memory bounded', () => {
  const lines: string[] = [];
  const overlong: number[] = [];
  const sp = new LineSplitter(
    Buffer.from('\r\n'),
    16,
    (l) => lines.push(l),
    (n) => overlong.push(n),
  );
  sp.push(Buffer.from('abc\r'));
  sp.push(Buffer.from('\ndef\r\n'));
  sp.push(Buffer.from('x'.repeat(40)));
  sp.push(Buffer.from('y'.repeat(40)));
  sp.push(Buffer.from('z\r\nok\r\n'));
  sp.push(Buffer.from('q'.repeat(20) + '\r\n'));
  assert.deepEqual(lines, ['abc', 'def', 'ok']);
  assert.deepEqual(overlong, [81, 20]);
});

test('ascii-line: values parsed; junk and overlong lines are parse errors; later lines still parsed', async (t) => {
  const dir = tempDir();
  const pair = await ptyPair(dir.path, 'slm');
  let level = 72.4;
  const meterSim = new AsciiMeter({ path: pair.device, baudRate: 9600, intervalMs: 100, value: () => level });
  const meter: SerialMeter = { id: 'hall-slm-1', profile: profile.id, port: pair.host, zone: 'hall' };
  const c = collector();
  const driver = new AsciiLineDriver({ meter, profile, sink: c.sink, log: createLogger('test-ascii-line') });
  t.onTestFinished(async () => {
    await driver.stop();
    await meterSim.stop();
    await pair.close();
    dir.remove();
  });
  await meterSim.start();
  await driver.start();

  await waitFor(() => c.samples.length >= 3, 'three readings');
  const first = c.samples[0]!;
  assert.equal(first.sensor, 'hall-slm-1');
  assert.equal(first.metric, 'noise_laeq');
  assert.equal(first.value, 72.4);
  assert.equal(first.dur, 1);
  assert.ok(Math.abs(first.ts - Date.now()) < 60_000, 'sample time is the arrival time');
  assert.deepEqual(c.statuses, ['online']);
  assert.equal(c.faults.length, 0, 'no faults while the meter is healthy');

  meterSim.setFault('garbage');
  await waitFor(() => c.faults.filter((f) => f.kind === 'parse-error').length >= 3, 'junk lines reported');
  meterSim.setFault('none');
  // Junk lines already on the wire may still be reported after this; wait for the overlong one itself.
  meterSim.writeRaw(`LAeq,1s= ${'9'.repeat(300)} dB\r\n`); // longer than maxLineLength 128
  await waitFor(() => c.faults.some((f) => /longer than/.test(f.detail)), 'the overlong line reported');
  assert.ok(c.faults.every((f) => f.kind === 'parse-error' && f.device === 'hall-slm-1'));
  assert.ok(!c.samples.some((s) => s.value > 140), 'nothing from the junk or overlong lines became a reading');

  level = 58.1;
  const n = c.samples.length;
  await waitFor(() => c.samples.slice(n).some((s) => s.value === 58.1), 'good lines parsed after the junk');
  assert.deepEqual(c.statuses, ['online'], 'junk for a moment does not take the meter offline');
  assert.ok(c.polled() >= c.samples.length - 1);
});

test('ascii-line: adapter unplugged and back', async (t) => {
  const dir = tempDir();
  const pair = await ptyPair(dir.path, 'slm2');
  const meterSim = new AsciiMeter({ path: pair.device, baudRate: 9600, intervalMs: 100, value: () => 66.6 });
  const meter: SerialMeter = { id: 'slm-2', profile: profile.id, port: pair.host, zone: 'hall' };
  const c = collector();
  const driver = new AsciiLineDriver({ meter, profile, sink: c.sink, log: createLogger('test-ascii-unplug') });
  t.onTestFinished(async () => {
    await driver.stop();
    await meterSim.stop();
    await pair.close();
    dir.remove();
  });
  await meterSim.start();
  await driver.start();
  await waitFor(() => c.samples.length > 0, 'readings');
  await pair.unplug();
  await waitFor(() => c.faults.some((f) => f.kind === 'disconnected'), 'disconnected reported');
  await waitFor(() => c.statuses.at(-1) === 'offline', 'offline');
  await meterSim.stop();
  const plugged = Date.now();
  await pair.plug();
  await meterSim.start();
  await waitFor(() => c.samples.some((s) => s.ts > plugged), 'readings after replug', 30_000);
  await waitFor(() => c.statuses.at(-1) === 'online', 'online again');
  assert.deepEqual(c.statuses, ['online', 'offline', 'online']);
});

test('ascii-line: a backlog of lines in one read becomes one reading per line, an interval apart', async (t) => {
  const dir = tempDir();
  const pair = await ptyPair(dir.path, 'slm-backlog');
  // The meter's own stream is silenced: only the backlog written below reaches the driver.
  const meterSim = new AsciiMeter({
    path: pair.device,
    baudRate: 9600,
    intervalMs: 1000,
    value: () => 50,
    fault: () => 'silent',
  });
  const meter: SerialMeter = { id: 'hall-slm-1', profile: profile.id, port: pair.host, zone: 'hall' };
  const c = collector();
  const driver = new AsciiLineDriver({
    meter,
    profile,
    sink: c.sink,
    log: createLogger('test-ascii-backlog', 'silent'),
  });
  t.onTestFinished(async () => {
    await driver.stop();
    await meterSim.stop();
    await pair.close();
    dir.remove();
  });
  await meterSim.start();
  await driver.start();
  // Opening a port discards what was already waiting in it, so first prove the driver is
  // reading: one line, one sample (resent until it lands, in case it raced the open).
  await waitFor(
    () => {
      if (c.samples.length === 0) meterSim.writeRaw('LAeq,1s= 060.0 dB\r\n');
      return c.samples.length > 0;
    },
    'the driver reading the port',
    10_000,
    500,
  );
  // A stalled reader finds three measurements waiting: one write, so one read on the host side.
  meterSim.writeRaw('LAeq,1s= 061.0 dB\r\nLAeq,1s= 062.0 dB\r\nLAeq,1s= 063.0 dB\r\n');
  const backlogOf = () => c.samples.filter((s) => s.value !== 60);
  await waitFor(() => backlogOf().length >= 3, 'three samples', 10_000);
  const backlog = backlogOf();
  assert.deepEqual(
    backlog.map((s) => s.value),
    [61, 62, 63],
  );
  const ts = backlog.map((s) => s.ts);
  // Three readings, not one: distinct, increasing sample times (one interval apart when they
  // arrived in one read, as they do here).
  assert.ok(ts[0]! < ts[1]! && ts[1]! < ts[2]!, `sample times ${ts.join(', ')}`);
  if (ts[2]! - ts[0]! >= 2000) assert.deepEqual([ts[1]! - ts[0]!, ts[2]! - ts[1]!], [1000, 1000]);
});
