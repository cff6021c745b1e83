// The machine-room entry register (机房登记, clause 5.2.2): who may write it and who may read it, the
// audit trail of every entry, and the check of door openings against it over real MQTT: an opening
// covered by an open visit raises nothing, one without raises "未登记进入机房" once the grace has
// passed, which clears when the door closes or when a visit covering it is written after the fact.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { topics } from '@hallmon/firmware-config';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';

const RULE = 'mr-unregistered-entry';
const GRACE = 300_000;

async function setup(t: { onTestFinished(fn: () => unknown): void }) {
  // The event-time clock of the server's checks: the test moves it.
  let now = Date.parse('2026-03-02T10:00:00+08:00');
  const clock = { now: () => now };
  const server = await startTestServer({ clock });
  t.onTestFinished(() => server.stop());
  const admin = await server.login();
  server.addUser('net1', 'netadmin', ['demo']);
  server.addUser('hall1', 'hall', ['demo']);
  const net = await server.login('net1', 'net1-password');
  const hall = await server.login('hall1', 'hall1-password');
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync());
  const door = async (value: number, ts: number) =>
    gw.publishAsync(
      topics.telemetry('demo'),
      JSON.stringify({ sensor: 'mr-di-1', metric: 'door_open', value, ts: new Date(ts).toISOString() }),
      { qos: 1 },
    );
  const alarms = async () =>
    (await server.get<any[]>('/api/alarms?site=demo&state=all', admin)).body.filter((a) => a.rule === RULE);
  return {
    server,
    admin,
    net,
    hall,
    door,
    alarms,
    at: () => now,
    set: (t: number) => {
      now = t;
    },
  };
}

test('the register: netadmin writes, other roles of the site read, every entry is in the audit trail', async (t) => {
  const s = await setup(t);
  const body = {
    site: 'demo',
    visitor: '张工',
    organisation: '电信青浦分公司',
    reason: '更换光猫',
    escort: '李网管',
  };
  const created = await s.server.post<any>('/api/visits', body, s.net);
  assert.equal(created.status, 201);
  assert.equal(created.body.state, 'inside');
  assert.equal(created.body.zone, 'machine-room');
  assert.equal(created.body.inAt, new Date(s.at()).toISOString(), 'inAt defaults to now');
  assert.equal(created.body.createdBy, 'net1');
  assert.equal((await s.server.post('/api/visits', body, s.hall)).status, 403, 'a hall manager does not');
  const bad = await s.server.post<any>('/api/visits', { ...body, visitor: '' }, s.net);
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /visitor/);
  const notRoom = await s.server.post<any>('/api/visits', { ...body, zone: 'hall' }, s.net);
  assert.equal(notRoom.status, 400);
  assert.match(notRoom.body.message, /not a machine room/);
  const list = await s.server.get<any[]>('/api/visits?site=demo', s.hall);
  assert.equal(list.status, 200);
  assert.deepEqual(
    list.body.map((v) => v.visitor),
    ['张工'],
  );
  const out = await s.server.post<any>(`/api/visits/${created.body.id}/out`, {}, s.net);
  assert.equal(out.status, 200);
  assert.equal(out.body.state, 'left');
  assert.equal(out.body.closedBy, 'net1');
  assert.equal((await s.server.post(`/api/visits/${created.body.id}/out`, {}, s.net)).status, 409);
  assert.equal((await s.server.post('/api/visits/v-nope/out', {}, s.net)).status, 404);
  assert.deepEqual((await s.server.get<any[]>('/api/visits?site=demo&state=inside', s.hall)).body, []);
  const audit = (await s.server.get<any[]>('/api/audit?site=demo', s.admin)).body.filter((e) => e.action === 'visit');
  assert.deepEqual(audit.map((e) => [e.actor, e.target, e.detail.step]).sort(), [
    ['net1', created.body.id, 'in'],
    ['net1', created.body.id, 'out'],
  ]);
  assert.equal(audit.find((e) => e.detail.step === 'in').detail.visitor, '张工');
});

test('a door opening with an open visit raises nothing; without one it raises the 5.2.2 alarm', async (t) => {
  const s = await setup(t);
  const t0 = s.at();
  await s.door(0, t0 - 60_000);
  // 1. Escorted: the visit is registered first, then the door opens.
  const v = await s.server.post<any>(
    '/api/visits',
    { site: 'demo', visitor: '王师傅', organisation: '空调维保', reason: '精密空调保养', escort: '李网管' },
    s.net,
  );
  assert.equal(v.status, 201);
  await s.door(1, t0 + 10_000);
  await s.door(0, t0 + 120_000);
  s.set(t0 + 130_000);
  await s.server.post(`/api/visits/${v.body.id}/out`, {}, s.net);
  // 2. Nobody registered: the door opens again an hour later and stays open.
  const t1 = t0 + 3_600_000;
  s.set(t1);
  await s.door(1, t1 + 5_000);
  s.set(t1 + GRACE - 1_000);
  // Past the first opening's grace, and the second's not yet: a check now raises nothing at all.
  const q = `/api/readings?site=demo&sensor=mr-di-1&metric=door_open&from=${t0 - 3_600_000}&to=${t1 + 3_600_000}`;
  await waitFor(
    async () => (await s.server.get<{ points: unknown[] }>(q, s.admin)).body.points.length === 4,
    'the four door readings stored',
  );
  await s.server.visits.register.check();
  assert.deepEqual(await s.alarms(), []);
  s.set(t1 + 5_000 + GRACE + 1_000);
  const raised = await waitFor(async () => (await s.alarms())[0], 'the 未登记进入机房 alarm', 20_000, 200);
  assert.equal(raised.clause, '5.2.2');
  assert.equal(raised.sensor, 'mr-di-1');
  assert.equal(raised.state, 'raised');
  assert.equal(raised.startedAt, new Date(t1 + 5_000).toISOString());
  assert.match(raised.message, /未登记进入机房/);
  // The door closes: the alarm clears, the record keeps how long it was open.
  await s.door(0, t1 + 8 * 60_000);
  const cleared = await waitFor(
    async () => (await s.alarms()).find((a) => a.state === 'cleared'),
    'the alarm cleared when the door closed',
    20_000,
    200,
  );
  assert.equal(cleared.id, raised.id);
  assert.equal(cleared.clearedAt, new Date(t1 + 8 * 60_000).toISOString());
  assert.equal((await s.alarms()).length, 1, 'the escorted opening never raised anything');
});

test('a visit written after the fact clears the alarm of the opening it covers', async (t) => {
  const s = await setup(t);
  const t0 = s.at();
  await s.door(0, t0);
  await s.door(1, t0 + 60_000);
  s.set(t0 + 60_000 + GRACE + 1_000);
  const raised = await waitFor(async () => (await s.alarms())[0], 'the alarm', 20_000, 200);
  const late = await s.server.post<any>(
    '/api/visits',
    {
      site: 'demo',
      visitor: '赵工',
      organisation: '区大数据中心',
      reason: '巡检',
      escort: '李网管',
      inAt: new Date(t0 + 30_000).toISOString(),
    },
    s.net,
  );
  assert.equal(late.status, 201);
  assert.equal(late.body.createdAt, new Date(s.at()).toISOString(), 'written now, for a visit that began earlier');
  const cleared = await waitFor(
    async () => (await s.alarms()).find((a) => a.state === 'cleared'),
    'the alarm cleared by the late entry',
    20_000,
    200,
  );
  assert.equal(cleared.id, raised.id);
  assert.match(cleared.message, /补录登记/);
});
