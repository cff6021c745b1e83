// The HTTP API over the network against a real server (SQLite store, data published over MQTT):
// login, token checks (missing, forged, expired -> 401), roles (assessor acking -> 403), 400s that
// name the field, raw and 1m readings (noise as energy-mean LAeq), login rate limit, alarm ack flow.
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { TokenSigner, loadOrCreateSecret } from '../../server/src/auth/tokens.ts';
import { startTestServer, DEMO_GATEWAY, type TestServer } from '../helpers/server-process.ts';

type Err = { error: string; message: string };
type Agg = {
  step: string;
  points: [string, number][];
  buckets: { ts: string; count: number; min: number; max: number; mean: number; laeq?: number }[];
};

// One server, one gateway and one data set for these tests, which run in order against the same
// server state (the rate limit counts every login attempt made before it).
describe('HTTP API: auth, validation, readings, rate limit and alarm acknowledgement', () => {
  let server: TestServer;
  let gw: MqttClient;
  let admin = '';
  let assessor = '';
  let hall = '';
  let net = '';
  // A fixed minute in the past, so buckets are predictable.
  const minute = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
  const temps = [
    { ts: minute + 5_000, value: 20 },
    { ts: minute + 35_000, value: 22 },
    { ts: minute + 60_000 + 1_000, value: 30 },
  ];
  const range = `from=${minute - 60_000}&to=${minute + 120_000}`;

  beforeAll(async () => {
    server = await startTestServer();
    await server.addUser('assessor1', 'assessor');
    await server.addUser('hall1', 'hall');
    await server.addUser('net1', 'netadmin');
    gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
    const noise = [90, 60, 90, 60].map((v, i) => ({
      sensor: 'hall-noise-1',
      metric: 'noise_laeq',
      value: v,
      ts: minute + i * 1000,
      dur: 1,
    }));
    await gw.publishAsync(
      'hallmon/v1/demo/telemetry',
      JSON.stringify([...temps.map((x) => ({ sensor: 'mr-th-1', metric: 'temperature', ...x })), ...noise]),
      { qos: 1 },
    );
    admin = await server.login();
    assessor = await server.login('assessor1', 'assessor1-password');
    hall = await server.login('hall1', 'hall1-password');
    net = await server.login('net1', 'net1-password');
  });
  afterAll(async () => {
    await gw?.endAsync(true);
    await server?.stop();
  });

  test('login', async () => {
    const ok = await server.post<{ token: string; role: string }>('/api/login', {
      username: 'admin',
      password: 'test-admin-password',
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.role, 'admin');
    assert.match(ok.body.token, /^[\w-]+\.[\w-]+$/);
    const bad = await server.post<Err>('/api/login', { username: 'admin', password: 'nope' });
    assert.equal(bad.status, 401);
    const missing = await server.post<Err>('/api/login', { username: 'admin' });
    assert.equal(missing.status, 400);
    assert.match(missing.body.message, /body\/password/);
  });

  test('tokens: missing, forged and expired are 401', async () => {
    assert.equal((await server.get('/api/sites')).status, 401);
    const [body, sig] = admin.split('.') as [string, string];
    const forgedBody = Buffer.from(
      JSON.stringify({ sub: 'admin', role: 'admin', exp: 9_999_999_999, ver: 0, jti: 'x' }),
    ).toString('base64url');
    assert.equal((await server.get('/api/sites', `${forgedBody}.${sig}`)).status, 401);
    assert.equal((await server.get('/api/sites', `${body}.${sig.slice(0, -2)}AA`)).status, 401);
    const signer = new TokenSigner(loadOrCreateSecret(server.dataDir));
    const expired = signer.sign('admin', 'admin', 0, Date.now() - 13 * 3600_000);
    assert.equal((await server.get('/api/sites', expired)).status, 401);
    const fresh = signer.sign('admin', 'admin', 0);
    assert.equal((await server.get('/api/sites', fresh)).status, 200);
  });

  test('sites', async () => {
    const res = await server.get<
      { id: string; zones: { kind: string; sensors: { id: string; metrics: string[] }[] }[] }[]
    >('/api/sites', assessor);
    assert.equal(res.status, 200);
    const demo = res.body.find((s) => s.id === 'demo')!;
    const mr = demo.zones.find((z) => z.kind === 'machine-room')!;
    assert.deepEqual(mr.sensors.find((s) => s.id === 'mr-th-1')!.metrics.sort(), ['humidity', 'temperature']);
  });

  test('bad parameters are 400 naming the field; unknown site 404', async () => {
    const cases: [string, RegExp][] = [
      [`/api/readings?sensor=mr-th-1&metric=temperature&${range}`, /querystring\/site/],
      [`/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=yesterday&to=${minute}`, /querystring\/from/],
      [`/api/readings?site=demo&sensor=mr-th-1&metric=pressure&${range}`, /querystring\/metric/],
      [`/api/readings?site=demo&sensor=mr-th-1&metric=temperature&${range}&step=5m`, /querystring\/step/],
      [`/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=${minute}&to=${minute - 1}`, /querystring\/to/],
      [
        `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=${minute - 40 * 86_400_000}&to=${minute}`,
        /querystring\/to.*31 days/,
      ],
      [`/api/alarms?state=open`, /querystring\/state/],
    ];
    for (const [path, re] of cases) {
      const res = await server.get<Err>(path, admin);
      assert.equal(res.status, 400, path);
      assert.equal(res.body.error, 'bad-request');
      assert.match(res.body.message, re, path);
    }
    const unknown = await server.get<Err>(
      `/api/readings?site=nowhere&sensor=mr-th-1&metric=temperature&${range}`,
      admin,
    );
    assert.equal(unknown.status, 404);
    assert.equal((await server.get(`/api/alarms?site=nowhere`, admin)).status, 404);
  });

  test('readings: raw and 1m aggregates', async () => {
    const raw = await server.get<{ points: [string, number][] }>(
      `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&${range}`,
      assessor,
    );
    assert.equal(raw.status, 200);
    assert.deepEqual(
      raw.body.points,
      temps.map((x) => [new Date(x.ts).toISOString(), x.value]),
    );
    const agg = await server.get<Agg>(
      `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&${range}&step=1m`,
      assessor,
    );
    assert.equal(agg.status, 200);
    assert.equal(agg.body.step, '1m');
    assert.deepEqual(agg.body.points, [
      [new Date(minute).toISOString(), 21],
      [new Date(minute + 60_000).toISOString(), 30],
    ]);
    assert.deepEqual(
      agg.body.buckets.map((b) => [b.count, b.min, b.max]),
      [
        [2, 20, 22],
        [1, 30, 30],
      ],
    );
    const n = await server.get<Agg>(
      `/api/readings?site=demo&sensor=hall-noise-1&metric=noise_laeq&${range}&step=1m`,
      assessor,
    );
    assert.equal(n.body.points.length, 1);
    // 90 and 60 dB alternating: LAeq 87.0 dB, not the arithmetic 75.
    assert.ok(Math.abs(n.body.points[0]![1] - 87.0) < 0.05, `LAeq ${n.body.points[0]![1]}`);
    assert.equal(n.body.buckets[0]!.mean, 75);
  });

  test('alarm acknowledgement: assessor and hall 403 for a machine-room alarm, netadmin acks', async () => {
    const alarm = {
      id: 'demo:5.2.2:mr-temp-high:mr-th-1:1',
      site: 'demo',
      clause: '5.2.2',
      rule: 'mr-temp-high',
      sensor: 'mr-th-1',
      severity: 'warning',
      state: 'raised',
      ts: minute,
      startedAt: minute,
      peak: 29.5,
    };
    await gw.publishAsync('hallmon/v1/demo/alarms', JSON.stringify(alarm), { qos: 1 });
    const list = await server.get<{ id: string; state: string; ackedBy: string | null }[]>(
      '/api/alarms?site=demo&state=active',
      assessor,
    );
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.map((a) => [a.id, a.ackedBy]),
      [[alarm.id, null]],
    );
    const path = `/api/alarms/${encodeURIComponent(alarm.id)}/ack`;
    assert.equal((await server.post(path, { note: 'looking' })).status, 401);
    const denied = await server.post<Err>(path, { note: 'looking' }, assessor);
    assert.equal(denied.status, 403);
    assert.equal((await server.post(`/api/alarms/nope/ack`, { note: 'x' }, hall)).status, 404);
    // A machine-room alarm is the network administrator's, not the hall manager's.
    const hallDenied = await server.post<Err>(path, { note: 'looking' }, hall);
    assert.equal(hallDenied.status, 403);
    assert.match(hallDenied.body.message, /machine-room/);
    const ok = await server.post<{ ackedBy: string; ackNote: string }>(path, { note: '空调已报修' }, net);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.ackedBy, 'net1');
    const after = await server.get<{ id: string; ackedBy: string | null }[]>('/api/alarms?site=demo&state=all', admin);
    assert.equal(after.body.find((a) => a.id === alarm.id)!.ackedBy, 'net1');
  });

  test('events and device status history', async () => {
    const ev = [
      { device: 'eval-w01', type: 'rating', score: 2, window: 'W01', ts: minute + 1_000 },
      { device: 'queue-1', type: 'ticket_called', ticket: 'A012', window: 'W03', ts: minute + 2_000 },
    ];
    await gw.publishAsync('hallmon/v1/demo/events', JSON.stringify(ev), { qos: 1 });
    await gw.publishAsync(
      'hallmon/v1/demo/status/eval-w02',
      JSON.stringify({ status: 'offline', ts: minute + 3_000 }),
      { qos: 1 },
    );
    const all = await server.get<{ device: string; type: string; ts: string; score?: number }[]>(
      `/api/events?site=demo&${range}`,
      assessor,
    );
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.map((e) => [e.device, e.type, e.ts]),
      ev.map((e) => [e.device, e.type, new Date(e.ts).toISOString()]),
    );
    const ratings = await server.get<{ score: number }[]>(`/api/events?site=demo&${range}&type=rating`, assessor);
    assert.deepEqual(
      ratings.body.map((e) => e.score),
      [2],
    );
    const st = await server.get<{ device: string; status: string }[]>(`/api/status?site=demo&${range}`, assessor);
    assert.deepEqual(
      st.body.map((s) => [s.device, s.status]),
      [['eval-w02', 'offline']],
    );
    assert.equal((await server.get<Err>(`/api/events?site=demo&${range}&type=bogus`, assessor)).status, 400);
  });

  test('login is rate-limited per IP and username', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await server.post('/api/login', { username: 'hall1', password: `guess-${i}` })).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), [429, 429]);
    // Even the right password is refused while limited; other users are not affected.
    assert.equal((await server.post('/api/login', { username: 'hall1', password: 'hall1-password' })).status, 429);
    assert.equal(
      (await server.post('/api/login', { username: 'assessor1', password: 'assessor1-password' })).status,
      200,
    );
  });

  test('the dashboard root answers', async () => {
    const res = await fetch(`${server.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });
});
