// MQTT over WebSocket at /mqtt on the HTTP port (for browsers and networks that only pass HTTP):
// a gateway publishes through it and the reading is stored; socket.io on the same port still works
// and credentials are checked the same way.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';

test('MQTT over WebSocket shares the HTTP port with the API and socket.io', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/mqtt`;
  const gw = await mqtt.connectAsync(wsUrl, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));
  const ts = Date.now() - 2_000;
  await gw.publishAsync(
    'hallmon/v1/demo/telemetry',
    JSON.stringify({ sensor: 'hall-co2-1', metric: 'co2', value: 812, ts }),
    { qos: 1 },
  );
  const token = await server.login();
  const r = await server.get<{ points: [string, number][] }>(
    `/api/readings?site=demo&sensor=hall-co2-1&metric=co2&from=${ts - 1}&to=${ts + 1}`,
    token,
  );
  assert.deepEqual(r.body.points, [[new Date(ts).toISOString(), 812]]);

  await assert.rejects(
    mqtt.connectAsync(wsUrl, { username: 'demo-gateway', password: 'wrong', reconnectPeriod: 0 }),
    /Bad username or password/i,
  );

  const sock = io(server.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  t.onTestFinished(() => {
    sock.close();
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('connect_error', reject);
  });
  assert.equal(sock.connected, true);
});
