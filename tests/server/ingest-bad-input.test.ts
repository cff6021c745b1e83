// Bad input over real MQTT never crashes the server: a real mqtt.js gateway publishes malformed
// JSON, non-finite values, unknown sensors and metrics, future timestamps, an oversized payload, a
// mixed batch and another site's topic; a client with a wrong password is refused. The counters in
// /api/health name each reason, and exactly the good readings are stored (read back over HTTP).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { startTestServer, DEMO_GATEWAY, OTHER_GATEWAY } from '../helpers/server-process.ts';

interface Health {
  status: string;
  ingest: Record<string, { accepted: number; rejected: Record<string, number> }> & {
    accepted: number;
    rejected: Record<string, number>;
  };
}

test('bad MQTT input is counted by reason and the good readings are stored exactly', async (t) => {
  const server = await startTestServer({ maxPayload: 4096 });
  t.onTestFinished(() => server.stop());
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));
  const topic = 'hallmon/v1/demo/telemetry';
  const pub = (payload: unknown, to = topic) =>
    gw.publishAsync(to, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });

  const base = Date.now() - 10 * 60_000;
  const r = (i: number, extra: Record<string, unknown> = {}) => ({
    sensor: 'mr-th-1',
    metric: 'temperature',
    value: 20 + i / 10,
    ts: base + i * 1000,
    ...extra,
  });
  const good: { ts: number; value: number }[] = [];
  const keep = (x: ReturnType<typeof r>) => (good.push({ ts: x.ts, value: x.value }), x);

  await pub(keep(r(0)));
  await pub('{"sensor":"mr-th-1","metric":');
  await pub(r(1, { value: 'NaN' }));
  await pub(r(2, { value: 'Infinity' }));
  await pub('{"sensor":"mr-th-1","metric":"temperature","value":1e999,"ts":' + (base + 3000) + '}');
  await pub(r(4, { sensor: 'no-such-sensor' }));
  await pub(r(5, { metric: 'co2' }));
  await pub(r(6, { metric: 'pressure' }));
  await pub(r(7, { ts: Date.now() + 60 * 60_000 }));
  await pub(Array.from({ length: 100 }, (_, i) => r(1000 + i))); // > 4096 bytes
  await pub([keep(r(8)), r(9, { sensor: 'ghost' }), keep(r(10)), r(11, { value: 'NaN' }), keep(r(12))]);
  // demo's gateway publishing for the other site: acknowledged, refused, not stored anywhere.
  await pub({ sensor: 'other-th-1', metric: 'temperature', value: 99, ts: base }, 'hallmon/v1/other/telemetry');

  // A wrong password is refused at CONNECT (CONNACK 4).
  await assert.rejects(
    mqtt.connectAsync(server.mqttUrl!, {
      username: 'demo-gateway',
      password: 'wrong',
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    }),
    /Bad username or password|Not authorized/i,
  );
  // An unknown gateway too.
  await assert.rejects(
    mqtt.connectAsync(server.mqttUrl!, {
      username: 'nobody',
      password: 'x',
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    }),
    /Bad username or password|Not authorized/i,
  );

  const health = (await server.get<Health>('/api/health')).body;
  assert.equal(health.status, 'ok');
  assert.deepEqual(health.ingest.telemetry!.rejected, {
    'malformed-json': 1,
    'not-finite': 4,
    'unknown-sensor': 2,
    'unknown-metric': 2,
    'future-timestamp': 1,
    oversized: 1,
    'wrong-site': 1,
  });
  assert.equal(health.ingest.telemetry!.accepted, good.length);
  assert.equal(health.ingest.unrouted!.rejected.auth, 2);

  const token = await server.login();
  const q = (site: string, sensor: string) =>
    server.get<{ points: [string, number][] }>(
      `/api/readings?site=${site}&sensor=${sensor}&metric=temperature&from=${base - 60_000}&to=${Date.now() + 3_600_000}`,
      token,
    );
  const stored = (await q('demo', 'mr-th-1')).body.points;
  assert.deepEqual(
    stored,
    good.map((g) => [new Date(g.ts).toISOString(), g.value]),
  );
  assert.deepEqual((await q('other', 'other-th-1')).body.points, []);

  // Still serving: the other site's own gateway can publish for its site.
  const other = await mqtt.connectAsync(server.mqttUrl!, { ...OTHER_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => other.endAsync(true));
  await other.publishAsync(
    'hallmon/v1/other/telemetry',
    JSON.stringify({ sensor: 'other-th-1', metric: 'temperature', value: 21.5, ts: base }),
    { qos: 1 },
  );
  assert.deepEqual((await q('other', 'other-th-1')).body.points, [[new Date(base).toISOString(), 21.5]]);
});
