// At-least-once from gateway to store on the embedded broker: the PUBACK is held until the store
// committed. With the store really closed, a QoS 1 publish is not acknowledged (the client is
// disconnected); once the store is open again the client's automatic resend is stored and acked.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';

test('a publish is acknowledged only once it is stored', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 200 });
  t.onTestFinished(() => gw.endAsync(true));
  let disconnects = 0;
  gw.on('close', () => disconnects++);

  await server.store.close();
  const ts = Date.now() - 1_000;
  let acked = false;
  const published = gw.publishAsync(
    'hallmon/v1/demo/telemetry',
    JSON.stringify({ sensor: 'mr-th-1', metric: 'temperature', value: 31.5, ts }),
    { qos: 1 },
  );
  void published.then(
    () => (acked = true),
    () => undefined,
  );
  await waitFor(() => disconnects > 0, 'the server refusing the publish while the store is down');
  assert.equal(acked, false);

  await server.store.open();
  await published;
  const token = await server.login();
  const r = await server.get<{ points: [string, number][] }>(
    `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=${ts - 1}&to=${ts + 1}`,
    token,
  );
  assert.deepEqual(r.body.points, [[new Date(ts).toISOString(), 31.5]]);
  const h = await server.get<{ ingest: { telemetry: { rejected: Record<string, number>; accepted: number } } }>(
    '/api/health',
  );
  assert.ok((h.body.ingest.telemetry.rejected['store-error'] ?? 0) >= 1);
  assert.equal(h.body.ingest.telemetry.accepted, 1);
});
