// Live push: a socket.io client with a valid token, subscribed to `demo`, receives a reading that a
// gateway published over MQTT (arrival only, no latency assertion); clients without a valid token
// are refused; a client subscribed to another site does not get demo's readings. Every message and
// subscribe answer conforms to its contract schema (@hallmon/contract live.ts) with objects closed.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { LIVE_MESSAGES, SubscribeAck, contractProblems } from '@hallmon/contract';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';

function connect(url: string, auth: Record<string, unknown>): Socket {
  return io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
}

test('socket.io pushes stored readings to authenticated subscribers only', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const token = await server.login();

  const refused = connect(server.url, {});
  const forged = connect(server.url, { token: `${token.slice(0, -3)}abc` });
  t.onTestFinished(() => {
    refused.close();
    forged.close();
  });
  const refusal = (s: Socket) =>
    new Promise<string>((resolve) => s.once('connect_error', (err) => resolve(err.message)));
  assert.match(await refusal(refused), /unauthorized/);
  assert.match(await refusal(forged), /unauthorized/);
  assert.equal(refused.connected, false);

  const client = connect(server.url, { token });
  const otherSite = connect(server.url, { token });
  t.onTestFinished(() => {
    client.close();
    otherSite.close();
  });
  const got: { site: string; sensor: string; metric: string; value: number; ts: string }[] = [];
  const gotOther: unknown[] = [];
  client.on('reading', (m) => got.push(m));
  otherSite.on('reading', (m) => gotOther.push(m));
  assert.deepEqual(await client.timeout(20_000).emitWithAck('subscribe', { site: 'demo' }), { ok: true, site: 'demo' });
  assert.deepEqual(await otherSite.timeout(20_000).emitWithAck('subscribe', { site: 'other' }), {
    ok: true,
    site: 'other',
  });
  const bad = await client.timeout(20_000).emitWithAck('subscribe', { site: 'nowhere' });
  assert.equal(bad.ok, false);
  assert.deepEqual(contractProblems(SubscribeAck, bad), []);

  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));
  const ts = Date.now() - 1000;
  await gw.publishAsync(
    'hallmon/v1/demo/telemetry',
    JSON.stringify({ sensor: 'mr-th-1', metric: 'humidity', value: 48.2, ts }),
    { qos: 1 },
  );
  await waitFor(() => got.length > 0, 'live reading over socket.io');
  assert.deepEqual(got[0], {
    site: 'demo',
    sensor: 'mr-th-1',
    metric: 'humidity',
    value: 48.2,
    ts: new Date(ts).toISOString(),
    quality: 'ok',
  });
  assert.deepEqual(contractProblems(LIVE_MESSAGES.reading, got[0]), []);

  // Status changes are pushed too; the other site's subscriber got nothing of demo's.
  const statuses: { device: string; status: string }[] = [];
  client.on('status', (m) => statuses.push(m));
  await gw.publishAsync('hallmon/v1/demo/status/edge-demo', 'online', { qos: 1, retain: true });
  await waitFor(() => statuses.length > 0, 'live status over socket.io');
  assert.deepEqual([statuses[0]!.device, statuses[0]!.status], ['edge-demo', 'online']);
  assert.deepEqual(contractProblems(LIVE_MESSAGES.status, statuses[0]), []);

  // Events and alarms as they are pushed: the contract's shapes, nothing more.
  const pushed: { event: unknown[]; alarm: unknown[] } = { event: [], alarm: [] };
  client.on('event', (m) => pushed.event.push(m));
  client.on('alarm', (m) => pushed.alarm.push(m));
  await gw.publishAsync(
    'hallmon/v1/demo/events',
    JSON.stringify({ device: 'eval-w01', type: 'rating', score: 4, window: 'W01', ts }),
    { qos: 1 },
  );
  await gw.publishAsync(
    'hallmon/v1/demo/alarms',
    JSON.stringify({
      id: `demo:mr-gap:mr-th-1:${ts}`,
      site: 'demo',
      clause: '5.2.2',
      rule: 'mr-gap',
      sensor: 'mr-th-1',
      severity: 'critical',
      state: 'raised',
      ts,
      startedAt: ts - 300_000,
      limit: 300,
    }),
    { qos: 1 },
  );
  await waitFor(() => pushed.event.length > 0 && pushed.alarm.length > 0, 'live event and alarm over socket.io');
  assert.deepEqual(contractProblems(LIVE_MESSAGES.event, pushed.event[0]), []);
  assert.deepEqual(contractProblems(LIVE_MESSAGES.alarm, pushed.alarm[0]), []);
  assert.equal((pushed.alarm[0] as { startedAt: string }).startedAt, new Date(ts - 300_000).toISOString());
  assert.deepEqual(gotOther, []);
  const health = await server.get<{ live: { clients: number; sent: number } }>('/api/health');
  assert.ok(health.body.live.sent >= 2);
});
