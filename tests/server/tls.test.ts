// TLS: with --tls-cert/--tls-key the API is HTTPS and the broker is mqtts. A certificate made by the
// test for 127.0.0.1 is the only trusted CA: an mqtts publish is stored, HTTPS GET /api/health works,
// and a client that does not trust the certificate is refused.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { startTestServer, DEMO_GATEWAY, ADMIN_PASSWORD } from '../helpers/server-process.ts';
import { selfSigned, httpsGetJson } from '../helpers/tls.ts';
import { tempDir } from '../helpers/tmp.ts';
import { request } from 'node:https';

test('mqtts publish and HTTPS API with a self-signed certificate', async (t) => {
  const dir = tempDir('hallmon-tls-');
  t.onTestFinished(() => dir.remove());
  const tls = selfSigned(dir.path);
  const server = await startTestServer({ tls: { cert: tls.certFile, key: tls.keyFile } });
  t.onTestFinished(() => server.stop());
  assert.match(server.url, /^https:/);
  assert.match(server.mqttUrl!, /^mqtts:/);

  const health = await httpsGetJson<{ status: string }>(`${server.url}/api/health`, tls.cert);
  assert.equal(health.status, 200);
  assert.equal(health.body.status, 'ok');

  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, ca: tls.cert, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));
  const ts = Date.now() - 5_000;
  await gw.publishAsync(
    'hallmon/v1/demo/telemetry',
    JSON.stringify({ sensor: 'ar-th-1', metric: 'humidity', value: 55.5, ts }),
    { qos: 1 },
  );

  // Log in over HTTPS and read the reading back.
  const login = await new Promise<{ token: string }>((resolve, reject) => {
    const req = request(
      `${server.url}/api/login`,
      { method: 'POST', ca: tls.cert, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { token: string }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }));
  });
  const readings = await httpsGetJson<{ points: [string, number][] }>(
    `${server.url}/api/readings?site=demo&sensor=ar-th-1&metric=humidity&from=${ts - 1000}&to=${ts + 1000}`,
    tls.cert,
    { authorization: `Bearer ${login.token}` },
  );
  assert.deepEqual(readings.body.points, [[new Date(ts).toISOString(), 55.5]]);

  // Without the CA the certificate is not trusted (no silent downgrade or skipped verification).
  await assert.rejects(
    mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0, connectTimeout: 10_000 }),
    /self[- ]signed|certificate/i,
  );
  await assert.rejects(httpsGetJson(`${server.url}/api/health`, Buffer.from('')), /self[- ]signed|certificate/i);
});
