// Four simulated Modbus RTU slaves on one real pty bus, polled by the edge's ModbusRtuDriver:
// signed negatives, function 03 and 04, a 32-bit register, and calibration applied by the normaliser.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import {
  loadProfiles,
  createLogger,
  type Bus,
  type DeviceStatus,
  type Metric,
  type NormalisedReading,
  type RegisterSpec,
} from '@hallmon/firmware-config';
import { ModbusRtuDriver, decodeRegister, planReads, createNormaliser } from '@hallmon/edge';
import type { DriverSink, FaultKind, RawSample } from '@hallmon/edge';
import { ModbusSlaveBus, encodeValue } from '@hallmon/simulators';
import { ptyPair } from '../helpers/socat.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const profiles = loadProfiles();
const profile = (id: string) => {
  const p = profiles.get(id);
  assert.ok(p, `profile ${id} is shipped`);
  return p;
};

function collector() {
  const samples: RawSample[] = [];
  const faults: { kind: FaultKind; device: string | undefined; detail: string }[] = [];
  const statuses: { device: string; status: DeviceStatus }[] = [];
  const polled = new Map<string, number>();
  const sink: DriverSink = {
    sample: (s) => samples.push(s),
    event: () => undefined,
    status: (device, status) => statuses.push({ device, status }),
    fault: (kind, device, detail) => faults.push({ kind, device, detail }),
    polled: (d) => polled.set(d, (polled.get(d) ?? 0) + 1),
  };
  return { sink, samples, faults, statuses, polled };
}

test('register encode (simulator) and decode (edge) agree for every spec shape', () => {
  const cases: { spec: RegisterSpec; value: number }[] = [
    { spec: { function: 3, address: 0, signed: true, scale: 0.1 }, value: -5.3 },
    { spec: { function: 3, address: 0, scale: 0.1 }, value: 6553.5 },
    { spec: { function: 4, address: 0, words: 2, wordOrder: 'big' }, value: 70123 },
    { spec: { function: 4, address: 0, words: 2, wordOrder: 'little' }, value: 70123 },
    { spec: { function: 3, address: 0, words: 2, signed: true, scale: 0.01 }, value: -123456.78 },
    { spec: { function: 3, address: 0, type: 'float32', wordOrder: 'little' }, value: 21.75 },
    { spec: { function: 3, address: 0, type: 'float32' }, value: -0.5 },
  ];
  for (const { spec, value } of cases) {
    const decoded = decodeRegister(spec, encodeValue(spec, value), 0);
    assert.ok(Math.abs(decoded - value) < 1e-6, `${JSON.stringify(spec)}: ${value} came back as ${decoded}`);
  }
  // Big and little word order really differ on the wire.
  assert.deepEqual(encodeValue({ function: 3, address: 2, words: 2, wordOrder: 'big' }, 70123), [1, 4587]);
  assert.deepEqual(encodeValue({ function: 3, address: 2, words: 2, wordOrder: 'little' }, 70123), [4587, 1]);
});

test('read plan: one read per contiguous range and function code', () => {
  assert.deepEqual(
    planReads(profile('th-modbus-f03')).map((r) => [r.fn, r.address, r.count, r.metrics.length]),
    [[3, 0, 2, 2]],
  );
  assert.deepEqual(
    planReads(profile('lux-modbus-f03')).map((r) => [r.fn, r.address, r.count]),
    [[3, 2, 2]],
  );
  const gappy = {
    ...profile('th-modbus-f03'),
    metrics: [
      {
        metric: 'temperature' as const,
        plausible: { min: -40, max: 80 },
        register: { function: 3 as const, address: 0 },
      },
      { metric: 'humidity' as const, plausible: { min: 0, max: 100 }, register: { function: 3 as const, address: 5 } },
      { metric: 'co2' as const, plausible: { min: 0, max: 9000 }, register: { function: 4 as const, address: 5 } },
    ],
  };
  assert.deepEqual(
    planReads(gappy).map((r) => [r.fn, r.address, r.count]),
    [
      [3, 0, 1],
      [3, 5, 1],
      [4, 5, 1],
    ],
  );
});

test('modbus-rtu: four slaves on one bus, decoded, calibrated and normalised', async (t) => {
  const dir = tempDir();
  const pair = await ptyPair(dir.path, 'rtu');
  const values: Record<number, Partial<Record<Metric, number>>> = {
    1: { temperature: -5.3, humidity: 45.6 },
    2: { temperature: 21.7, humidity: 38.2 },
    3: { noise_laeq: 63.4 },
    4: { illuminance: 70123 },
  };
  const units = { 1: 'th-modbus-f03', 2: 'th-modbus-f04', 3: 'noise-modbus-f03', 4: 'lux-modbus-f03' } as const;
  const sim = new ModbusSlaveBus({
    path: pair.device,
    baudRate: 9600,
    slaves: Object.entries(units).map(([u, p]) => ({
      unitId: Number(u),
      profile: profile(p),
      value: (m: Metric) => values[Number(u)]?.[m],
    })),
  });
  const bus: Bus = {
    port: pair.host,
    baudRate: 9600,
    pollMs: 200,
    devices: Object.entries(units).map(([u, p]) => ({
      id: `dev-${u}`,
      profile: p,
      unitId: Number(u),
      zone: 'machine-room',
    })),
  };
  const c = collector();
  const driver = new ModbusRtuDriver({ bus, profiles, sink: c.sink, log: createLogger('test-modbus-rtu') });
  t.onTestFinished(async () => {
    await driver.stop();
    await sim.stop();
    await pair.close();
    dir.remove();
  });
  await sim.start();
  await driver.start();

  const metricsOf = (u: string) => profile(units[Number(u) as 1]).metrics.map((m) => m.metric);
  await waitFor(
    () =>
      Object.keys(units).every((u) =>
        metricsOf(u).every((m) => c.samples.some((s) => s.sensor === `dev-${u}` && s.metric === m)),
      ),
    'a sample of every metric of every slave',
  );
  // Let a few more rounds through: every device is polled repeatedly, none fails.
  await waitFor(
    () => Object.keys(units).every((u) => (c.polled.get(`dev-${u}`) ?? 0) >= 3),
    'three polls of every slave',
  );
  assert.deepEqual(c.faults, []);
  for (const u of Object.keys(units))
    assert.deepEqual(
      c.statuses.filter((s) => s.device === `dev-${u}`).map((s) => s.status),
      ['online'],
    );

  const normalise = createNormaliser({
    devices: new Map(
      bus.devices.map((d) => [
        d.id,
        {
          profile: profile(d.profile),
          calibration:
            d.id === 'dev-2' ? { temperature: { offset: -0.5, scale: 1.0 }, humidity: { scale: 1.02 } } : undefined,
        },
      ]),
    ),
  });
  const latest = (sensor: string, metric: Metric): NormalisedReading => {
    const s = c.samples.findLast((x) => x.sensor === sensor && x.metric === metric);
    assert.ok(s, `a sample of ${sensor} ${metric}`);
    return normalise(s);
  };
  const near = (r: NormalisedReading, expected: number) =>
    assert.ok(Math.abs(r.value - expected) < 0.01, `${r.sensor} ${r.metric}: expected ${expected}, got ${r.value}`);

  near(latest('dev-1', 'temperature'), -5.3); // signed 16-bit negative
  near(latest('dev-1', 'humidity'), 45.6);
  near(latest('dev-2', 'temperature'), 21.2); // 21.7 × 1.0 − 0.5 (function 04)
  near(latest('dev-2', 'humidity'), 38.96); // 38.2 × 1.02 = 38.964
  const noise = latest('dev-3', 'noise_laeq');
  near(noise, 63.4);
  assert.equal(noise.unit, 'dB(A)');
  assert.equal(noise.dur, 1);
  const lux = latest('dev-4', 'illuminance');
  assert.equal(lux.value, 70123); // 32-bit, above 65535
  assert.equal(lux.unit, 'lx');
  for (const r of [noise, lux, latest('dev-1', 'temperature')]) {
    assert.equal(r.quality, 'ok');
    assert.match(r.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }

  // The simulator saw only well-formed requests for its own units.
  const st = sim.stats();
  assert.equal(st.otherUnits, 0);
  assert.equal(st.droppedBytes, 0);
  for (const u of [1, 2, 3, 4]) assert.ok((st.units[u]?.ok ?? 0) >= 3, `unit ${u} answered`);
});
