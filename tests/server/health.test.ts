// GET /api/health says when the server cannot do its job (docs/operations.md, "Health"): 503 with
// the failing part and what to do, and 200 again once the part is back. Real parts fail here: a real
// influxd stopped and restarted under an InfluxDB server (a reading published meanwhile is stored
// after the restart, acknowledged only then), a real mosquitto stopped and restarted under a server
// ingesting from it, a real PostgreSQL (--state) stopped and restarted under a server keeping its
// state there, and a data dir disk running full (statfs is the one thing faked: no test fills
// a real disk), which also raises and clears the disk-space alarms.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import type { Health } from '@hallmon/contract';
import { startInfluxd } from '../helpers/influxd.ts';
import { startMosquitto } from '../helpers/brokers.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

test('health goes 503 naming the store while influxd is stopped, and back to 200 when it returns', async (t) => {
  const influx = await startInfluxd();
  t.onTestFinished(() => influx.stop());
  const server = await startTestServer({ store: 'influxdb', influxUrl: `${influx.url}/hallmon_health` });
  t.onTestFinished(() => server.stop());

  const ok = await server.get<Health>('/api/health');
  assert.equal(ok.status, 200);
  assert.equal(ok.body.status, 'ok');
  assert.deepEqual(ok.body.failing, []);
  assert.equal(ok.body.node, process.version);
  assert.equal(ok.body.built, null, 'this server runs from the TypeScript sources');

  await influx.halt();
  const down = await server.get<Health>('/api/health');
  assert.equal(down.status, 503);
  assert.equal(down.body.status, 'failing');
  assert.deepEqual(
    down.body.failing.map((f) => f.part),
    ['store'],
  );
  assert.match(down.body.failing[0]!.message, /InfluxDB/);

  // A reading published while the store is down is not acknowledged until it is stored.
  // The server refuses the publish (the client is disconnected); its automatic resend after a
  // reconnect is what gets stored once influxd is back.
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 200 });
  t.onTestFinished(() => gw.endAsync(true));
  const ts = Date.now() - 60_000;
  let acked = false;
  const published = gw.publishAsync(
    'hallmon/v1/demo/telemetry',
    JSON.stringify({ sensor: 'mr-th-1', metric: 'temperature', value: 23.5, ts }),
    { qos: 1 },
  );
  void published.then(
    () => (acked = true),
    () => undefined,
  );
  await waitFor(
    async () => ((await server.get<Health>('/api/health')).body.ingest.telemetry.rejected['store-error'] ?? 0) > 0,
    'a failed store write',
    30_000,
    100,
  );
  assert.equal(acked, false, 'no PUBACK while the reading is not stored');

  await influx.restart();
  const back = await waitFor(
    async () => {
      const h = await server.get<Health>('/api/health');
      return h.status === 200 ? h : undefined;
    },
    'health 200 after influxd returned',
    60_000,
    200,
  );
  assert.equal(back.body.status, 'ok');
  await published;
  const token = await server.login();
  const r = await server.get<{ points: [string, number][] }>(
    `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=${ts}&to=${ts + 1}`,
    token,
  );
  assert.deepEqual(
    r.body.points.map(([, v]) => v),
    [23.5],
  );
});

test('health goes 503 naming the broker while the external broker is down', async (t) => {
  const dir = tempDir('hallmon-health-mosq-');
  t.onTestFinished(() => dir.remove());
  let mosq = await startMosquitto(dir.path);
  t.onTestFinished(() => mosq.stop());
  const server = await startTestServer({ broker: mosq.url });
  t.onTestFinished(() => server.stop());
  await waitFor(async () => (await server.get<Health>('/api/health')).status === 200, 'connected', 30_000);

  await mosq.stop();
  const down = await waitFor(
    async () => {
      const h = await server.get<Health>('/api/health');
      return h.status === 503 ? h : undefined;
    },
    'health 503 with the broker down',
    30_000,
    100,
  );
  assert.deepEqual(
    down.body.failing.map((f) => f.part),
    ['broker'],
  );
  assert.match(down.body.failing[0]!.message, /external broker mqtt:\/\/127\.0\.0\.1/);

  mosq = await startMosquitto(dir.path, mosq.port);
  await waitFor(async () => (await server.get<Health>('/api/health')).status === 200, 'health 200 again', 60_000, 200);
});

test('health goes 503 naming the state while its PostgreSQL is stopped, and back to 200 when it returns', async (t) => {
  const pgs = await startPostgres();
  t.onTestFinished(() => pgs.stop());
  const server = await startTestServer({ state: pgs.url });
  t.onTestFinished(() => server.stop());
  const ok = await server.get<Health>('/api/health');
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body.failing, []);

  await pgs.halt();
  const down = await server.get<Health>('/api/health');
  assert.equal(down.status, 503);
  assert.equal(down.body.status, 'failing');
  assert.deepEqual(
    down.body.failing.map((f) => f.part),
    ['state'],
  );
  assert.match(
    down.body.failing[0]!.message,
    new RegExp(`PostgreSQL state postgres://hallmon@127\\.0\\.0\\.1:${pgs.port}/hallmon`),
  );

  await pgs.restart();
  const back = await waitFor(
    async () => {
      const h = await server.get<Health>('/api/health');
      return h.status === 200 ? h : undefined;
    },
    'health 200 after PostgreSQL returned',
    60_000,
    200,
  );
  assert.deepEqual(back.body.failing, []);
  // The server works on it again: a sign-in reads the account from PostgreSQL.
  assert.match(await server.login(), /\./);
});

test('a filling data dir disk raises warning then critical alarms and fails health; freed, all clear', async (t) => {
  let freeShare = 0.5;
  const BLOCKS = 1_000_000;
  const server = await startTestServer({
    diskStatfs: () => ({ blocks: BLOCKS, bsize: 4096, bavail: Math.round(BLOCKS * freeShare) }),
    diskCheckMs: 3_600_000, // checked by hand below
  });
  t.onTestFinished(() => server.stop());
  const token = await server.login();
  const diskAlarms = async () =>
    (
      await server.get<{ rule: string; severity: string; state: string; site: string }[]>(
        '/api/alarms?site=demo&state=all',
        token,
      )
    ).body.filter((a) => a.rule === 'disk-space');

  assert.equal((await server.get<Health>('/api/health')).body.disk?.level, 'ok');
  freeShare = 0.1;
  server.ops.disk.check();
  await waitFor(async () => (await diskAlarms()).some((a) => a.severity === 'warning'), 'a warning alarm');
  assert.equal((await server.get<Health>('/api/health')).status, 200, 'a warning is not a failure yet');

  freeShare = 0.02;
  server.ops.disk.check();
  await waitFor(async () => (await diskAlarms()).some((a) => a.severity === 'critical'), 'a critical alarm');
  const h = await server.get<Health>('/api/health');
  assert.equal(h.status, 503);
  assert.deepEqual(
    h.body.failing.map((f) => f.part),
    ['disk'],
  );
  // every site the server holds is told: its data is at risk too
  const other = (await server.get<{ rule: string }[]>('/api/alarms?site=other&state=active', token)).body;
  assert.ok(other.some((a) => a.rule === 'disk-space'));

  freeShare = 0.6;
  server.ops.disk.check();
  await waitFor(async () => (await diskAlarms()).every((a) => a.state === 'cleared'), 'every disk alarm cleared');
  assert.equal((await server.get<Health>('/api/health')).status, 200);
});
