// GET /api/latest, GET /api/devices and the `summer` field of GET /api/sites against a real server
// (SQLite, data published over MQTT as the demo gateway): the latest map is warmed from the store
// and then follows the live path; device rows carry status and fault figures; bad queries are
// 400 naming the field, unknown sites 404, no token 401.
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { startTestServer, DEMO_GATEWAY, type TestServer } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';

type Latest = { site: string; sensor: string; metric: string; value: number; quality: string; ts: string };
type Device = {
  site: string;
  id: string;
  zone: string;
  window: string | null;
  status: string;
  lastSeen: string | null;
  errors: Record<string, number>;
  faultsThisMonth: number;
  openFaultSince: string | null;
  lastRepairWorkingDays: number | null;
};
type Err = { error: string; message: string };

// One server for these tests, which run in order: the latest map is read warm from the store
// before the gateway connects, then follows what the gateway publishes.
describe('GET /api/latest, /api/devices and /api/sites summer', () => {
  let server: TestServer;
  let gw: MqttClient;
  let token = '';
  let now = 0;

  beforeAll(async () => {
    server = await startTestServer();
    token = await server.login();
    now = Date.now();
    // Stored before anyone asked (as after a restart): the warm-up must find it in the store.
    await server.store.writeReadings([
      { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: now - 120_000, value: 24.1, quality: 'ok' },
      { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: now - 60_000, value: 24.6, quality: 'ok' },
      { site: 'other', sensor: 'other-th-1', metric: 'temperature', ts: now - 60_000, value: 19.5, quality: 'ok' },
    ]);
  });
  afterAll(async () => {
    await gw?.endAsync(true);
    await server?.stop();
  });

  test('auth, validation and unknown sites', async () => {
    assert.equal((await server.get('/api/latest')).status, 401);
    assert.equal((await server.get('/api/devices')).status, 401);
    const bad = await server.get<Err>('/api/latest?site=Not_A_Site', token);
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /querystring\/site/);
    const badDev = await server.get<Err>('/api/devices?site=a%20b', token);
    assert.equal(badDev.status, 400);
    assert.match(badDev.body.message, /querystring\/site must be a site id/);
    const unknown = await server.get<Err>('/api/latest?site=nowhere', token);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.message, /nowhere/);
    assert.equal((await server.get<Err>('/api/devices?site=nowhere', token)).status, 404);
  });

  test('latest: warmed from the store, one row per series, filtered by site', async () => {
    const demo = await server.get<Latest[]>('/api/latest?site=demo', token);
    assert.equal(demo.status, 200);
    assert.deepEqual(
      demo.body.map((r) => [r.site, r.sensor, r.metric, r.value, r.ts]),
      [['demo', 'mr-th-1', 'temperature', 24.6, new Date(now - 60_000).toISOString()]],
    );
    const all = await server.get<Latest[]>('/api/latest', token);
    assert.deepEqual(all.body.map((r) => `${r.site}/${r.sensor}/${r.value}`).sort(), [
      'demo/mr-th-1/24.6',
      'other/other-th-1/19.5',
    ]);
  });

  test('latest follows live data; an older reading arriving late does not replace a newer one', async () => {
    gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
    await gw.publishAsync(
      'hallmon/v1/demo/telemetry',
      JSON.stringify([
        { sensor: 'mr-th-1', metric: 'temperature', value: 35, ts: now - 1000 },
        { sensor: 'mr-th-1', metric: 'humidity', value: 48, ts: now - 1000 },
        { sensor: 'hall-slm-1', metric: 'noise_laeq', value: 63.2, ts: now - 500, dur: 1 },
      ]),
      { qos: 1 },
    );
    await gw.publishAsync(
      'hallmon/v1/demo/telemetry',
      JSON.stringify([{ sensor: 'mr-th-1', metric: 'temperature', value: 10, ts: now - 90_000 }]),
      { qos: 1 },
    );
    const rows = await waitFor(async () => {
      const r = await server.get<Latest[]>('/api/latest?site=demo', token);
      return r.body.length === 3 ? r.body : undefined;
    }, 'three series in /api/latest');
    assert.deepEqual(
      rows.map((r) => [r.sensor, r.metric, r.value]),
      [
        ['hall-slm-1', 'noise_laeq', 63.2],
        ['mr-th-1', 'humidity', 48],
        ['mr-th-1', 'temperature', 35],
      ],
    );
  });

  test('devices: every configured device with status, last seen and fault figures', async () => {
    const faultStart = now - 10 * 60_000;
    await gw.publishAsync(
      'hallmon/v1/demo/events',
      JSON.stringify([
        {
          device: 'mr-th-2',
          type: 'device_fault',
          ts: faultStart,
          start: faultStart,
          end: faultStart + 30_000,
          fault: 'timeout',
          count: 12,
        },
        { device: 'eval-w01', type: 'rating', ts: now - 2000, score: 5, window: 'W01' },
      ]),
      { qos: 1 },
    );
    await gw.publishAsync('hallmon/v1/demo/status/eval-w02', JSON.stringify({ status: 'offline', ts: now - 5000 }), {
      qos: 1,
    });
    const rows = await waitFor(async () => {
      const r = await server.get<Device[]>('/api/devices?site=demo', token);
      const w02 = r.body.find((d) => d.id === 'eval-w02');
      const th2 = r.body.find((d) => d.id === 'mr-th-2');
      return w02?.status === 'offline' && th2?.errors.timeout === 12 ? r.body : undefined;
    }, 'eval-w02 offline and mr-th-2 timeouts in /api/devices');
    // Every device of firmware-config/sites/demo.json, in config order.
    assert.deepEqual(
      rows.map((d) => d.id),
      [
        'hall-noise-1',
        'hall-slm-1',
        'hall-co2-1',
        'hall-th-1',
        'hall-lux-1',
        'eval-w01',
        'eval-w02',
        'eval-w03',
        'eval-w04',
        'queue-1',
        'mr-th-1',
        'mr-th-2',
        'mr-di-1',
        'mr-ups-1',
        'ar-th-1',
      ],
    );
    const by = new Map(rows.map((d) => [d.id, d]));
    const mr1 = by.get('mr-th-1')!;
    assert.equal(mr1.status, 'online');
    assert.equal(mr1.lastSeen, new Date(now - 1000).toISOString());
    assert.equal(mr1.zone, 'machine-room');
    const mr2 = by.get('mr-th-2')!;
    assert.deepEqual(mr2.errors, { timeout: 12, 'crc-error': 0, exception: 0, disconnected: 0, 'parse-error': 0 });
    assert.equal(mr2.lastRepairWorkingDays, 0);
    assert.equal(mr2.status, 'unknown', 'never sent a reading');
    const w01 = by.get('eval-w01')!;
    assert.equal(w01.status, 'online', 'sent a rating just now');
    assert.equal(w01.window, 'W01');
    const w02 = by.get('eval-w02')!;
    assert.equal(w02.openFaultSince, new Date(now - 5000).toISOString());
    assert.equal(by.get('eval-w03')!.status, 'unknown');
    // Month boundaries are site-local; the fault of 10 min ago is this month unless a month began since.
    const monthNow = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
    }).format(now);
    const monthFault = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
    }).format(faultStart);
    if (monthNow === monthFault) assert.equal(mr2.faultsThisMonth, 1);
    const all = await server.get<Device[]>('/api/devices', token);
    assert.ok(all.body.some((d) => d.site === 'other' && d.id === 'other-th-1'));
  });

  test('sites: summer season from the config', async () => {
    const sites = await server.get<{ id: string; summer: { from: string; to: string } }[]>('/api/sites', token);
    assert.deepEqual(sites.body.find((s) => s.id === 'demo')?.summer, { from: '05-01', to: '09-30' });
    // The fixture site has none: the default season is filled in.
    assert.deepEqual(sites.body.find((s) => s.id === 'other')?.summer, { from: '05-01', to: '09-30' });
  });
});
