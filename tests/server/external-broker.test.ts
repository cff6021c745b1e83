// --broker: the server ingests from an external broker (a real mosquitto) instead of its embedded
// one. Readings published to mosquitto are stored; after a mosquitto restart ingest carries on;
// QoS 1 messages published while the server was down are delivered when it comes back (fixed
// client id, clean: false, PUBACK only after the store committed).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startMosquitto } from '../helpers/brokers.ts';
import { freePort } from '../helpers/ports.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { startTestServer, type TestServer } from '../helpers/server-process.ts';

test('ingest from an external mosquitto survives broker and server restarts', async (t) => {
  const dir = tempDir('hallmon-ext-');
  t.onTestFinished(() => dir.remove());
  const port = await freePort();
  let mosq = await startMosquitto(dir.path, port);
  t.onTestFinished(() => mosq.stop());
  const dataDir = join(dir.path, 'server-data');
  let server: TestServer = await startTestServer({ broker: mosq.url, dataDir });
  t.onTestFinished(() => server.stop());
  const token = await server.login();

  const base = Date.now() - 30 * 60_000;
  const reading = (i: number) => ({ sensor: 'mr-th-2', metric: 'temperature', value: 22 + i, ts: base + i * 1000 });
  const publish = async (items: object[]) => {
    const c = await mqtt.connectAsync(mosq.url, { reconnectPeriod: 0 });
    try {
      await c.publishAsync('hallmon/v1/demo/telemetry', JSON.stringify(items), { qos: 1 });
      // Unknown sites are refused by the server (the broker's ACL is not ours to enforce).
      await c.publishAsync('hallmon/v1/elsewhere/telemetry', JSON.stringify(items), { qos: 1 });
    } finally {
      await c.endAsync();
    }
  };
  const storedValues = async () => {
    const r = await server.get<{ points: [string, number][] }>(
      `/api/readings?site=demo&sensor=mr-th-2&metric=temperature&from=${base - 1000}&to=${base + 3_600_000}`,
      token,
    );
    return r.body.points.map((p) => p[1]);
  };

  await publish([reading(0), reading(1)]);
  await waitFor(async () => (await storedValues()).length === 2, 'readings from mosquitto stored', 30_000);

  // Restart mosquitto on the same port: the server reconnects and resubscribes by itself.
  await mosq.stop();
  mosq = await startMosquitto(dir.path, port);
  await waitFor(
    async () => (await server.get<{ broker: { connected: boolean } }>('/api/health')).body.broker.connected,
    'server reconnected to mosquitto',
    60_000,
    100,
  );
  // The subscription may land a moment after CONNACK; publish until the reading shows up.
  await waitFor(
    async () => {
      await publish([reading(2)]);
      return (await storedValues()).includes(24);
    },
    'reading after mosquitto restart stored',
    60_000,
    500,
  );

  // Server down, messages published meanwhile (QoS 1): mosquitto queues them for our session.
  await server.stop();
  await publish([reading(3), reading(4)]);
  server = await startTestServer({ broker: mosq.url, dataDir });
  const token2 = await server.login();
  await waitFor(
    async () => {
      const r = await server.get<{ points: [string, number][] }>(
        `/api/readings?site=demo&sensor=mr-th-2&metric=temperature&from=${base - 1000}&to=${base + 3_600_000}`,
        token2,
      );
      return r.body.points.length === 5 && r.body.points.map((p) => p[1]);
    },
    'readings queued while the server was down',
    30_000,
  );
  const health = await server.get<{ ingest: { telemetry: { rejected: Record<string, number> } } }>('/api/health');
  assert.ok((health.body.ingest.telemetry.rejected['unknown-site'] ?? 0) >= 1);
});
