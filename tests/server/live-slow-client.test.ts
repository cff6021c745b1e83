// A slow socket.io client must not slow ingest: while its transport is backed up, its readings are
// coalesced to the latest value per (sensor, metric) and sent when it drains. The client here stops
// reading its TCP socket (a real stall, not a mock) while a gateway publishes a burst; every
// publish is still acknowledged (= stored), the server counts coalesced messages, and once the
// client reads again it ends up with the latest value of each series.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';

test('a stalled socket.io client gets coalesced latest values; ingest carries on', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const token = await server.login();
  const sock = io(server.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  t.onTestFinished(() => {
    sock.close();
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('connect_error', reject);
  });
  await sock.timeout(20_000).emitWithAck('subscribe', { site: 'demo' });
  const latest = new Map<string, number>();
  let received = 0;
  sock.on('reading', (m: { sensor: string; metric: string; value: number }) => {
    received++;
    latest.set(`${m.sensor}/${m.metric}`, m.value);
  });
  // The engine.io websocket transport's raw TCP socket (ws package): stop reading from it.
  const raw = (sock.io.engine as unknown as { transport: { ws: { _socket: { pause(): void; resume(): void } } } })
    .transport.ws._socket;
  raw.pause();

  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));
  const base = Date.now() - 86_400_000;
  const MESSAGES = 60;
  const PER = 5_000;
  let i = 0;
  for (let m = 0; m < MESSAGES; m++) {
    const batch = Array.from({ length: PER }, () => {
      const k = i++;
      return { sensor: k % 2 ? 'mr-th-1' : 'ar-th-1', metric: 'temperature', value: k, ts: base + Math.floor(k / 2) };
    });
    await gw.publishAsync('hallmon/v1/demo/telemetry', JSON.stringify(batch), { qos: 1 });
  }
  const total = MESSAGES * PER;
  const health = await server.get<{ ingest: { accepted: number }; live: { coalesced: number } }>('/api/health');
  assert.equal(health.body.ingest.accepted, total);
  assert.ok(health.body.live.coalesced > 0, `coalesced ${health.body.live.coalesced}`);

  raw.resume();
  await waitFor(
    () => latest.get('mr-th-1/temperature') === total - 1 && latest.get('ar-th-1/temperature') === total - 2,
    'latest values after drain',
    60_000,
    50,
  );
  assert.ok(received < total, `received ${received} of ${total}`);
});
