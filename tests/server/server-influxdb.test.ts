// The server with --store influxdb against a real influxd (InfluxDB 1.6): readings published over
// MQTT are stored there and read back through the API (raw and 1m); users and the token secret
// still live in the data dir (users.db), since InfluxDB holds only time series.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startInfluxd } from '../helpers/influxd.ts';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';

test('server on InfluxDB: MQTT in, API out', async (t) => {
  const influx = await startInfluxd();
  t.onTestFinished(() => influx.stop());
  const server = await startTestServer({ store: 'influxdb', influxUrl: `${influx.url}/hallmon_server_test` });
  t.onTestFinished(() => server.stop());
  assert.equal(server.store.kind, 'influxdb');
  assert.ok(existsSync(join(server.dataDir, 'users.db')));

  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));
  const minute = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
  const rows = [
    { sensor: 'mr-th-1', metric: 'temperature', value: 20, ts: minute + 1_000 },
    { sensor: 'mr-th-1', metric: 'temperature', value: 24, ts: minute + 2_000 },
  ];
  await gw.publishAsync('hallmon/v1/demo/telemetry', JSON.stringify(rows), { qos: 1 });

  const token = await server.login();
  const q = `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=${minute}&to=${minute + 60_000}`;
  const raw = await server.get<{ points: [string, number][] }>(q, token);
  assert.deepEqual(
    raw.body.points,
    rows.map((r) => [new Date(r.ts).toISOString(), r.value]),
  );
  const agg = await server.get<{ points: [string, number][] }>(`${q}&step=1m`, token);
  assert.deepEqual(agg.body.points, [[new Date(minute).toISOString(), 22]]);
  const health = await server.get<{ store: string }>('/api/health');
  assert.equal(health.body.store, 'influxdb');
});
