// The serial simulators on the wire, read with a bare serialport (not modbus-serial), so they are
// checked against the Modbus RTU spec itself rather than against the edge's own client library.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { SerialPort } from 'serialport';
import { loadProfiles } from '@hallmon/firmware-config';
import { ModbusSlaveBus, AsciiMeter, crc16, formatLaeqLine } from '@hallmon/simulators';
import { ptyPair } from '../helpers/socat.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const profiles = loadProfiles();

function request(unit: number, fn: number, addr: number, count: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(unit, 0);
  b.writeUInt8(fn, 1);
  b.writeUInt16BE(addr, 2);
  b.writeUInt16BE(count, 4);
  b.writeUInt16LE(crc16(b.subarray(0, 6)), 6);
  return b;
}

async function openHost(path: string) {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  let rx = Buffer.alloc(0);
  port.on('data', (d: Buffer) => (rx = Buffer.concat([rx, d])));
  port.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  return {
    port,
    /** Waits for `n` bytes and takes them off the receive buffer. */
    take: async (n: number) => {
      await waitFor(() => rx.length >= n, `${n} bytes from the simulator`, 10_000, 5);
      const out = rx.subarray(0, n);
      rx = rx.subarray(n);
      return out;
    },
    text: () => rx.toString('latin1'),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

test('crc16 matches the Modbus spec example (01 03 00 00 00 0A → C5 CD)', () => {
  assert.equal(crc16(Buffer.from([0x01, 0x03, 0x00, 0x00, 0x00, 0x0a])), 0xcdc5);
});

test('modbus slave bus: replies, exceptions, silence for other units, resync after noise, crc fault', async (t) => {
  const dir = tempDir();
  const pair = await ptyPair(dir.path, 'sim');
  const sim = new ModbusSlaveBus({
    path: pair.device,
    baudRate: 9600,
    slaves: [
      { unitId: 1, profile: profiles.get('th-modbus-f03')!, value: (m) => (m === 'temperature' ? -5.3 : 45.6) },
      { unitId: 4, profile: profiles.get('lux-modbus-f03')!, value: () => 70123 },
    ],
  });
  await sim.start();
  const host = await openHost(pair.host);
  t.onTestFinished(async () => {
    await host.close();
    await sim.stop();
    await pair.close();
    dir.remove();
  });
  const verify = (frame: Buffer) =>
    assert.equal(frame.readUInt16LE(frame.length - 2), crc16(frame.subarray(0, -2)), 'reply CRC');

  // Unit 1, fn 03, registers 0-1: RH×10 = 456, temperature×10 = -53 as two's complement.
  host.port.write(request(1, 3, 0, 2));
  const r1 = await host.take(9);
  verify(r1);
  assert.deepEqual([...r1.subarray(0, 3)], [1, 3, 4]);
  assert.equal(r1.readUInt16BE(3), 456);
  assert.equal(r1.readInt16BE(5), -53);

  // Unit 4, a range wider than the 32-bit value: unmapped registers read 0, high word first.
  host.port.write(request(4, 3, 0, 4));
  const r4 = await host.take(13);
  verify(r4);
  assert.deepEqual([r4.readUInt16BE(3), r4.readUInt16BE(5), r4.readUInt32BE(7)], [0, 0, 70123]);

  // Out of the register map → exception 02; an unsupported function → exception 01.
  host.port.write(request(1, 3, 1, 5));
  const e2 = await host.take(5);
  verify(e2);
  assert.deepEqual([...e2.subarray(0, 3)], [1, 0x83, 2]);
  host.port.write(request(1, 6, 0, 1));
  const e1 = await host.take(5);
  assert.deepEqual([...e1.subarray(0, 3)], [1, 0x86, 1]);

  // Noise, then a request for a unit not on the bus, then a good one: only the good one is answered.
  host.port.write(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42]));
  host.port.write(request(9, 3, 0, 2));
  host.port.write(request(1, 4, 0, 1)); // th-modbus-f03 has no input registers → exception 02
  const after = await host.take(5);
  assert.deepEqual([...after.subarray(0, 3)], [1, 0x84, 2]);
  const st = sim.stats();
  assert.equal(st.otherUnits, 1);
  assert.ok(st.droppedBytes >= 5);

  // Injected faults: a corrupted CRC, an injected exception.
  sim.setFault(1, 'crc');
  host.port.write(request(1, 3, 0, 2));
  const bad = await host.take(9);
  assert.notEqual(bad.readUInt16LE(7), crc16(bad.subarray(0, 7)));
  sim.setFault(1, 'exception');
  host.port.write(request(1, 3, 0, 2));
  assert.deepEqual([...(await host.take(5)).subarray(0, 3)], [1, 0x83, 2]);
  sim.setFault(1, 'none');
  host.port.write(request(1, 3, 0, 2));
  verify(await host.take(9));
  const u1 = sim.stats().units[1]!;
  assert.deepEqual({ ok: u1.ok, crc: u1.crc }, { ok: 2, crc: 1 });
  assert.equal(u1.exception, 4);
});

test('ascii meter: one formatted line per interval; garbage lines', async (t) => {
  assert.equal(formatLaeqLine(72.43), 'LAeq,1s= 072.4 dB\r\n');
  assert.equal(formatLaeqLine(101.25), 'LAeq,1s= 101.3 dB\r\n');
  const dir = tempDir();
  const pair = await ptyPair(dir.path, 'slm');
  let mode: 'none' | 'garbage' = 'none';
  const meter = new AsciiMeter({
    path: pair.device,
    baudRate: 9600,
    intervalMs: 50,
    value: () => 64.2,
    fault: () => mode,
  });
  await meter.start();
  const host = await openHost(pair.host);
  t.onTestFinished(async () => {
    await host.close();
    await meter.stop();
    await pair.close();
    dir.remove();
  });
  await waitFor(() => host.text().split('\r\n').length > 3, 'three lines');
  assert.ok(host.text().startsWith('LAeq,1s= 064.2 dB\r\n'));
  mode = 'garbage';
  await waitFor(() => meter.stats().garbage >= 2, 'junk lines');
  await waitFor(
    () =>
      host
        .text()
        .split('\r\n')
        .some((l) => l && !l.startsWith('LAeq,1s= 064.2 dB')),
    'a junk line on the wire',
  );
  assert.ok(meter.stats().lines >= 3);
});
