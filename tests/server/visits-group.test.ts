// The machine-room entry register in a server group (docs/cluster.md): two servers on one
// mosquitto (shared subscription) and one PostgreSQL state database. A visit written through the
// server that does not own the site covers a door opening judged by the site's owner, so no
// "未登记进入机房"; an opening with no visit is raised once by the owner and cleared when the door
// closes. The other server never judges the site's openings.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { topics } from '@hallmon/firmware-config';
import { startMosquitto } from '../helpers/brokers.ts';
import { startPostgres } from '../helpers/postgres.ts';
import { startTestServer, type TestServer } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const RULE = 'mr-unregistered-entry';
const GRACE = 300_000;
const DOOR = 'mr-di-1';

test('a visit written through one server covers an opening judged by the site owner; none: one alarm', async (t) => {
  const dir = tempDir('hallmon-visits-group-');
  t.onTestFinished(() => dir.remove());
  const mosq = await startMosquitto(dir.path);
  t.onTestFinished(() => mosq.stop());
  const pgs = await startPostgres();
  t.onTestFinished(() => pgs.stop());
  // One event-time clock for both servers' checks (whole seconds, a few hours back): the test moves it.
  let now = Math.floor((Date.now() - 3 * 3_600_000) / 1000) * 1000;
  const clock = { now: () => now };
  const common = { broker: mosq.url, shareGroup: 'visits', state: pgs.url, leaseTtlMs: 3_000, clock };
  const s1 = await startTestServer(common);
  t.onTestFinished(() => s1.stop());
  const s2 = await startTestServer(common);
  t.onTestFinished(() => s2.stop());

  // The sites (demo, other and the server-wide `*`) spread over both; demo has exactly one owner.
  await waitFor(
    () =>
      s1.leases.owned().length > 0 &&
      s2.leases.owned().length > 0 &&
      s1.leases.owned().length + s2.leases.owned().length === 3 &&
      s1.leases.owns('demo') !== s2.leases.owns('demo'),
    'the leases spread over both servers',
    30_000,
    100,
  );
  const owner = s1.leases.owns('demo') ? s1 : s2;
  const writer = owner === s1 ? s2 : s1;

  const gw = await mqtt.connectAsync(mosq.url, { reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync());
  const door = (value: number, ts: number) =>
    gw.publishAsync(
      topics.telemetry('demo'),
      JSON.stringify({ sensor: DOOR, metric: 'door_open', value, ts: new Date(ts).toISOString() }),
      { qos: 1 },
    );
  /** Whether the server applied the door's reading of `ts` (or a later one). */
  const seen = (s: TestServer, ts: number) =>
    s.visits.register.doorStates().some((d) => d.site === 'demo' && d.sensor === DOOR && d.at !== null && d.at >= ts);
  const pending = (s: TestServer) => s.visits.register.openings.filter((o) => o.site === 'demo');

  // The owner follows the site's own stream: a closed door it sees once that subscription is live.
  const t0 = now;
  let k = 0;
  await waitFor(
    async () => {
      k++;
      await door(0, t0 - 600_000 + k * 1_000);
      // A reading published well after the lease was taken (not one its store held when it took it).
      return k > 3 && seen(owner, t0 - 600_000 + (k - 1) * 1_000);
    },
    "the owner following the site's stream",
    30_000,
    200,
  );

  const token = await writer.login();
  const alarms = async () =>
    (
      await writer.get<{ id: string; rule: string; state: string }[]>('/api/alarms?site=demo&state=all', token)
    ).body.filter((a) => a.rule === RULE);

  // 1. The visit is written through the server that does not own the site; the door opens and closes.
  const v = await writer.post<{ id: string }>(
    '/api/visits',
    { site: 'demo', visitor: '王师傅', organisation: '空调维保', reason: '精密空调保养', escort: '李网管' },
    token,
  );
  assert.equal(v.status, 201);
  await door(1, t0 + 10_000);
  await door(0, t0 + 120_000);
  await waitFor(() => seen(owner, t0 + 120_000), 'the owner saw the door close');
  assert.deepEqual(
    pending(owner).map((o) => [o.start, o.raised]),
    [[t0 + 10_000, false]],
    'the owner waits for the grace of the opening',
  );
  assert.deepEqual(pending(writer), [], 'the other server does not judge the site');
  now = t0 + GRACE + 20_000;
  await writer.visits.register.check();
  await owner.visits.register.check();
  assert.deepEqual(pending(owner), [], 'judged: covered by the visit written through the other server');
  assert.deepEqual(await alarms(), []);
  now = t0 + GRACE + 30_000;
  assert.equal((await writer.post(`/api/visits/${v.body.id}/out`, {}, token)).status, 200);

  // 2. An hour later the door opens with nobody registered: the owner raises the alarm, once.
  const t1 = t0 + 3_600_000;
  now = t1;
  await door(1, t1 + 5_000);
  await waitFor(() => seen(owner, t1 + 5_000), 'the owner saw the door open');
  assert.deepEqual(pending(writer), []);
  now = t1 + 5_000 + GRACE + 1_000;
  await owner.visits.register.check();
  await writer.visits.register.check();
  const raised = await waitFor(async () => {
    const a = await alarms();
    return a.length && a.every((x) => x.state === 'raised') ? a : undefined;
  }, 'the 5.2.2 alarm raised');
  assert.deepEqual(
    raised.map((a) => a.id),
    [`demo:${RULE}:${DOOR}:${t1 + 5_000}`],
  );
  await owner.visits.register.check();
  assert.equal((await alarms()).length, 1, 'raised once');

  // The door closes: cleared by the owner.
  await door(0, t1 + GRACE + 60_000);
  const cleared = await waitFor(async () => {
    const a = await alarms();
    return a.length && a.every((x) => x.state === 'cleared') ? a : undefined;
  }, 'the alarm cleared when the door closed');
  assert.deepEqual(
    cleared.map((a) => a.id),
    [`demo:${RULE}:${DOOR}:${t1 + 5_000}`],
  );
  assert.deepEqual([pending(owner), pending(writer)], [[], []]);
});
