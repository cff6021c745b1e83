// The uplink against a real aedes broker: records leave the outbox only after PUBACK, a broker
// restart replays from the oldest unacknowledged record in order, and the edge's retained status
// topic says online after connecting and offline through the last will.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import type { PublishPacket } from 'aedes';
import { Outbox, type OutboxInput, Uplink } from '@hallmon/edge';
import { createLogger, topics } from '@hallmon/firmware-config';
import { tempDir } from '../helpers/tmp.ts';
import { startAedes } from '../helpers/brokers.ts';
import { waitFor } from '../helpers/wait.ts';

const SITE = 'demo';
const T0 = Date.parse('2025-05-01T01:00:00Z');
const log = createLogger('uplink-test', 'silent');

function readings(n: number, from = 0, sensor = 'mr-th-1'): OutboxInput[] {
  return Array.from({ length: n }, (_, i) => {
    const ts = T0 + (from + i) * 1000;
    return {
      key: sensor,
      ts,
      body: JSON.stringify({
        sensor,
        metric: 'temperature',
        value: (from + i) / 10,
        ts: new Date(ts).toISOString(),
        quality: 'ok',
      }),
    };
  });
}

type Held = () => void;

/** A subscriber collecting every telemetry reading and status payload, in arrival order. */
async function subscriber(url: string) {
  const got: { sensor: string; ts: string; value: number }[] = [];
  const status: string[] = [];
  const c = await mqtt.connectAsync(url, {
    clientId: `sub-${Math.random().toString(16).slice(2)}`,
    reconnectPeriod: 200,
  });
  c.on('message', (topic, payload) => {
    if (topic === topics.telemetry(SITE)) got.push(...(JSON.parse(payload.toString()) as typeof got));
    else if (topic === topics.status(SITE, 'edge')) status.push(payload.toString());
  });
  await c.subscribeAsync([topics.telemetry(SITE), topics.status(SITE, 'edge')], { qos: 1 });
  return { got, status, close: () => c.endAsync(true) };
}

function setup(t: { onTestFinished(fn: () => unknown): void }, batchSize = 50) {
  const dir = tempDir();
  const outbox = new Outbox({ dataDir: dir.path });
  outbox.open();
  const make = (url: string) =>
    new Uplink({
      site: SITE,
      uplink: { url, username: 'demo-gateway', password: 'x', batchSize, inflight: 4 },
      outbox,
      log,
      reconnectMs: 200,
      maxReconnectMs: 500,
    });
  t.onTestFinished(() => (outbox.close(), dir.remove()));
  return { outbox, make };
}

test('records leave the outbox only when the broker has sent PUBACK', async (t) => {
  const broker = await startAedes();
  t.onTestFinished(() => broker.stop());
  const held: Held[] = [];
  broker.broker.authorizePublish = (_client, packet: PublishPacket, cb) => {
    if (packet.topic === topics.telemetry(SITE)) held.push(() => cb(null));
    else cb(null);
  };
  const { outbox, make } = setup(t, 10);
  const up = make(broker.url);
  t.onTestFinished(() => up.stop());
  outbox.append('telemetry', readings(25));
  await up.start();
  // 25 readings in batches of 10 = 3 messages, all in the window of 4
  await waitFor(() => held.length === 3, 'three telemetry messages at the broker');
  assert.equal(outbox.stats().streams.telemetry.count, 25, 'nothing removed before PUBACK');
  assert.equal(up.stats().forwarded, 0);
  assert.equal(up.stats().inflight, 3);

  held.shift()!();
  await waitFor(() => outbox.stats().streams.telemetry.count === 15, 'first batch removed after its PUBACK');
  assert.deepEqual(
    outbox.peek('telemetry', 100).map((r) => r.ts),
    readings(15, 10).map((r) => r.ts),
    'the acknowledged head went, the rest stays in order',
  );
  for (const release of held.splice(0)) release();
  await waitFor(() => outbox.stats().count === 0, 'outbox empty after all PUBACKs');
  assert.equal(up.stats().forwarded, 25);
});

test('after the broker restarts, the replay starts from the oldest unacknowledged record, in order', async (t) => {
  const first = await startAedes();
  const port = first.port;
  // the first broker never acknowledges telemetry: everything sent to it stays in flight
  first.broker.authorizePublish = (_c, packet: PublishPacket, cb) => {
    if (packet.topic !== topics.telemetry(SITE)) cb(null);
  };
  const { outbox, make } = setup(t, 20);
  const up = make(first.url);
  t.onTestFinished(() => up.stop());
  outbox.append('telemetry', readings(100));
  await up.start();
  await waitFor(() => up.stats().inflight === 4, 'window full at the first broker');
  await first.stop();
  await waitFor(() => !up.stats().connected, 'uplink notices the broker is gone');
  outbox.append('telemetry', readings(50, 100)); // buffered while the broker is down
  assert.equal(outbox.stats().streams.telemetry.count, 150);

  const second = await startAedes(port);
  t.onTestFinished(() => second.stop());
  const sub = await subscriber(second.url);
  t.onTestFinished(() => sub.close());
  await waitFor(() => outbox.stats().count === 0, 'outbox drained to the restarted broker', 30_000);
  await waitFor(() => sub.got.length >= 150, 'subscriber has every reading');
  assert.deepEqual(
    sub.got.map((r) => Date.parse(r.ts)),
    readings(150).map((r) => r.ts),
    'all 150, oldest first, none twice on a clean replay',
  );
  assert.ok(up.stats().reconnects >= 1);
  assert.equal(up.stats().forwarded, 150);
});

test('retained status: online after connecting, offline by the last will, offline on a graceful stop', async (t) => {
  const broker = await startAedes();
  t.onTestFinished(() => broker.stop());
  const { make } = setup(t);
  const up = make(broker.url);
  t.onTestFinished(() => up.stop());
  await up.start();
  await waitFor(() => up.stats().connected, 'uplink connected');

  const late = await subscriber(broker.url); // subscribes after the fact: sees the retained value
  t.onTestFinished(() => late.close());
  await waitFor(() => late.status.includes('online'), 'retained online');

  // drop the edge's connection without a DISCONNECT: the broker publishes the will
  // aedes keeps connected clients in `clients` (not in its type declarations)
  const clients = (broker.broker as unknown as { clients: Record<string, { id: string; conn: { destroy(): void } }> })
    .clients;
  const edgeClient = Object.values(clients).find((c) => c.id.startsWith('hallmon-edge-'));
  assert.ok(edgeClient, 'edge client connected to the broker');
  edgeClient.conn.destroy();
  await waitFor(() => late.status.includes('offline'), 'will: offline');
  await waitFor(
    () => late.status.lastIndexOf('online') > late.status.indexOf('offline'),
    'online again after reconnecting',
  );

  await up.stop();
  const after = await subscriber(broker.url);
  t.onTestFinished(() => after.close());
  await waitFor(() => after.status.at(-1) === 'offline', 'retained offline after a graceful stop');
});
