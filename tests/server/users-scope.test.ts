// People and permissions against a real server with two sites (demo and the fixture `other`), data
// published over MQTT by each site's gateway: accounts made through POST /api/users; a hall manager
// of demo is refused every read and write of `other` (403, or 404 for an alarm id) and sees only
// demo in lists and on socket.io; a network administrator cannot acknowledge a hall alarm, nor a
// hall manager a machine-room one; the district office reads both sites and changes nothing; an
// expired assessor cannot sign in; a password change ends the old token and its live socket;
// logout ends one token; and the audit trail holds each of these, scoped like everything else.
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { Alarm, AuditEntry, Me, SiteInfo, User } from '@hallmon/contract';
import { startTestServer, DEMO_GATEWAY, OTHER_GATEWAY, type TestServer } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';

const connect = (url: string, token: string, query?: Record<string, string>): Socket =>
  io(url, { auth: { token }, query, transports: ['websocket'], reconnection: false, forceNew: true });

describe('users, site scopes and the audit trail', () => {
  let server: TestServer;
  let admin = '';
  const tokens: Record<string, string> = {};
  const sockets: Socket[] = [];
  const gateways: mqtt.MqttClient[] = [];
  const now = Date.now();
  const range = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
  const alarmOf = (site: string, rule: string, sensor: string, clause: string) => ({
    id: `${site}:${rule}:${sensor}:${now - 600_000}`,
    site,
    clause,
    rule,
    sensor,
    severity: 'critical',
    state: 'raised',
    ts: new Date(now - 300_000).toISOString(),
    startedAt: new Date(now - 600_000).toISOString(),
    peak: 83,
    limit: 80,
    message: 'test alarm',
  });
  const hallAlarm = alarmOf('demo', 'hall-noise', 'hall-noise-1', '4.1');
  const roomAlarm = alarmOf('demo', 'mr-temperature', 'mr-th-1', '5.2.2');
  const otherAlarm = alarmOf('other', 'mr-temperature', 'other-th-1', '5.2.2');
  const ackPath = (a: { id: string }) => `/api/alarms/${encodeURIComponent(a.id)}/ack`;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.login();
    const accounts = [
      { username: 'zhang', password: 'zhang-password', role: 'hall', sites: ['demo'], name: '张经理' },
      { username: 'wang', password: 'wang-password', role: 'netadmin', sites: ['demo'] },
      { username: 'qu', password: 'qu-password!', role: 'district', sites: ['demo', 'other'] },
      { username: 'ping', password: 'ping-password', role: 'assessor', sites: ['demo'], expires: '2099-12-31' },
    ];
    for (const a of accounts) {
      const r = await server.post<User>('/api/users', a, admin);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      tokens[a.username] = await server.login(a.username, a.password);
    }
    for (const [creds, site, sensor] of [
      [DEMO_GATEWAY, 'demo', 'mr-th-1'],
      [OTHER_GATEWAY, 'other', 'other-th-1'],
    ] as const) {
      const gw = await mqtt.connectAsync(server.mqttUrl!, { ...creds, reconnectPeriod: 0 });
      gateways.push(gw);
      await gw.publishAsync(
        `hallmon/v1/${site}/telemetry`,
        JSON.stringify([{ sensor, metric: 'temperature', value: 24.5, ts: now - 120_000 }]),
        { qos: 1 },
      );
    }
    const [demoGw, otherGw] = gateways as [mqtt.MqttClient, mqtt.MqttClient];
    for (const a of [hallAlarm, roomAlarm])
      await demoGw.publishAsync('hallmon/v1/demo/alarms', JSON.stringify(a), { qos: 1 });
    await otherGw.publishAsync('hallmon/v1/other/alarms', JSON.stringify(otherAlarm), { qos: 1 });
    await demoGw.publishAsync(
      'hallmon/v1/demo/events',
      JSON.stringify([{ device: 'eval-w01', type: 'rating', score: 1, window: 'W01', ts: now - 900_000 }]),
      { qos: 1 },
    );
    await waitFor(
      async () => (await server.get<Alarm[]>('/api/alarms?state=all', admin)).body.length === 3,
      'the three alarms to be stored',
    );
    await waitFor(
      async () => (await server.get<unknown[]>('/api/followups?site=demo', admin)).body.length === 1,
      'the bad rating to open a follow-up',
    );
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const g of gateways) await g.endAsync(true);
    await server?.stop();
  });

  test("a hall manager of demo gets 403 for every read of the other site's data", async () => {
    const t = tokens.zhang!;
    const denied = [
      `/api/readings?site=other&sensor=other-th-1&metric=temperature&${range}`,
      `/api/latest?site=other`,
      `/api/alarms?site=other&state=all`,
      `/api/events?site=other&${range}`,
      `/api/status?site=other&${range}`,
      `/api/devices?site=other`,
      `/api/marks?site=other&sensor=other-th-1&${range}`,
      `/api/followups?site=other`,
      `/api/notifications?site=other`,
      `/api/selftest?site=other`,
      `/api/audit?site=other`,
      `/api/evidence?site=other&from=2025-05-01&to=2025-05-01`,
    ];
    for (const path of denied) {
      const r = await server.get<{ message: string }>(path, t);
      assert.equal(r.status, 403, `${path}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, /the account "zhang" does not cover site "other"/);
    }
    // Its own site answers.
    for (const path of [`/api/alarms?site=demo&state=all`, `/api/devices?site=demo`, `/api/followups?site=demo`])
      assert.equal((await server.get(path, t)).status, 200, path);
  });

  test("another site's alarm is 404 to acknowledge or read, as if it did not exist", async () => {
    const t = tokens.zhang!;
    const ack = await server.post<{ message: string }>(ackPath(otherAlarm), { note: 'x' }, t);
    assert.equal(ack.status, 404);
    assert.match(ack.body.message, /no alarm with id/);
    const notes = await server.get(`/api/alarms/${encodeURIComponent(otherAlarm.id)}/notifications`, t);
    assert.equal(notes.status, 404);
    // The admin reaches it.
    assert.equal(
      (await server.get(`/api/alarms/${encodeURIComponent(otherAlarm.id)}/notifications`, admin)).status,
      200,
    );
  });

  test('lists without a site filter hold only the account’s sites', async () => {
    const t = tokens.zhang!;
    const sites = await server.get<SiteInfo[]>('/api/sites', t);
    assert.deepEqual(
      sites.body.map((s) => s.id),
      ['demo'],
    );
    const alarms = await server.get<Alarm[]>('/api/alarms?state=all', t);
    assert.deepEqual([...new Set(alarms.body.map((a) => a.site))], ['demo']);
    assert.equal(alarms.body.length, 2);
    const latest = await server.get<{ site: string }[]>('/api/latest', t);
    assert.ok(latest.body.length > 0);
    assert.deepEqual([...new Set(latest.body.map((r) => r.site))], ['demo']);
    const devices = await server.get<{ site: string }[]>('/api/devices', t);
    assert.deepEqual([...new Set(devices.body.map((d) => d.site))], ['demo']);
    // The same lists for the district office hold both sites.
    const district = await server.get<SiteInfo[]>('/api/sites', tokens.qu!);
    assert.deepEqual(district.body.map((s) => s.id).sort(), ['demo', 'other']);
    const all = await server.get<Alarm[]>('/api/alarms?state=all', tokens.qu!);
    assert.equal(all.body.length, 3);
  });

  test('socket.io: another site is refused and none of its messages reach the hall manager', async () => {
    const hall = connect(server.url, tokens.zhang!, { site: 'other' });
    const watcher = connect(server.url, admin);
    sockets.push(hall, watcher);
    const hallGot: { site: string }[] = [];
    const watcherGot: { site: string }[] = [];
    for (const name of ['reading', 'alarm', 'event', 'status'] as const) {
      hall.on(name, (m: { site: string }) => hallGot.push(m));
      watcher.on(name, (m: { site: string }) => watcherGot.push(m));
    }
    const denied = await hall.timeout(20_000).emitWithAck('subscribe', { site: 'other' });
    assert.deepEqual(denied, { ok: false, error: 'the account "zhang" does not cover site "other"' });
    assert.deepEqual(await hall.timeout(20_000).emitWithAck('subscribe', { site: 'demo' }), {
      ok: true,
      site: 'demo',
    });
    for (const site of ['demo', 'other'])
      assert.deepEqual(await watcher.timeout(20_000).emitWithAck('subscribe', { site }), { ok: true, site });

    const [demoGw, otherGw] = gateways as [mqtt.MqttClient, mqtt.MqttClient];
    const ts = Date.now() - 1000;
    await otherGw.publishAsync(
      'hallmon/v1/other/telemetry',
      JSON.stringify({ sensor: 'other-th-1', metric: 'humidity', value: 51, ts }),
      { qos: 1 },
    );
    await otherGw.publishAsync('hallmon/v1/other/status/other-th-1', JSON.stringify({ status: 'offline', ts }), {
      qos: 1,
    });
    await otherGw.publishAsync(
      'hallmon/v1/other/alarms',
      JSON.stringify({ ...otherAlarm, id: `${otherAlarm.id}-2`, ts: new Date(ts).toISOString() }),
      { qos: 1 },
    );
    await demoGw.publishAsync(
      'hallmon/v1/demo/telemetry',
      JSON.stringify({ sensor: 'mr-th-1', metric: 'humidity', value: 47, ts }),
      { qos: 1 },
    );
    // The watcher saw the other site's three messages and the demo reading; by then the hall
    // manager had every demo message it was going to get, and nothing of `other`.
    await waitFor(
      () => watcherGot.filter((m) => m.site === 'other').length >= 3 && watcherGot.some((m) => m.site === 'demo'),
      "the admin's socket to see both sites' messages",
    );
    await waitFor(() => hallGot.some((m) => m.site === 'demo'), 'the demo reading on the hall socket');
    assert.deepEqual(
      hallGot.filter((m) => m.site !== 'demo'),
      [],
    );
  });

  test('acknowledging by zone: the network administrator not a hall alarm, the hall manager not a machine-room one', async () => {
    const netOnHall = await server.post<{ message: string }>(ackPath(hallAlarm), { note: '' }, tokens.wang!);
    assert.equal(netOnHall.status, 403);
    assert.match(netOnHall.body.message, /may not acknowledge alarms of the hall zone/);
    const hallOnRoom = await server.post(ackPath(roomAlarm), { note: '' }, tokens.zhang!);
    assert.equal(hallOnRoom.status, 403);
    for (const who of ['qu', 'ping'])
      assert.equal((await server.post(ackPath(hallAlarm), { note: '' }, tokens[who])).status, 403, who);
    const net = await server.post<Alarm>(ackPath(roomAlarm), { note: '空调已重启' }, tokens.wang!);
    assert.equal(net.status, 200);
    assert.equal(net.body.ackedBy, 'wang');
    const hall = await server.post<Alarm>(ackPath(hallAlarm), { note: '已提醒群众小声' }, tokens.zhang!);
    assert.equal(hall.status, 200);
    assert.equal(hall.body.ackedBy, 'zhang');
  });

  test('the district office reads and builds evidence but changes nothing', async () => {
    const t = tokens.qu!;
    const [fu] = (await server.get<{ id: string }[]>('/api/followups?site=demo', t)).body;
    assert.ok(fu);
    assert.equal(
      (await server.post(`/api/followups/${encodeURIComponent(fu.id)}`, { action: 'respond', note: '' }, t)).status,
      403,
    );
    assert.equal((await server.post('/api/selftest?site=demo', undefined, t)).status, 403);
    assert.equal((await server.get('/api/users', t)).status, 403);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
    const ev = await server.get<{ site: string }>(`/api/evidence?site=other&from=${day}&to=${day}`, t);
    assert.equal(ev.status, 200);
    assert.equal(ev.body.site, 'other');
  });

  test('an expired assessor cannot sign in, and a token issued before the expiry stops working', async () => {
    const before = tokens.ping!;
    assert.equal((await server.get('/api/me', before)).status, 200);
    const past = new Date(now - 86_400_000).toISOString();
    assert.equal((await server.call('PATCH', '/api/users/ping', { expires: past }, admin)).status, 200);
    const login = await server.post<{ message: string }>('/api/login', {
      username: 'ping',
      password: 'ping-password',
    });
    assert.equal(login.status, 401);
    assert.match(login.body.message, /the account "ping" expired on .*; ask an administrator to extend it/);
    const me = await server.get<{ message: string }>('/api/me', before);
    assert.equal(me.status, 401);
    assert.match(me.body.message, /has expired/);
    // An assessor account always needs an end date.
    const none = await server.call<{ message: string }>('PATCH', '/api/users/ping', { expires: null }, admin);
    assert.equal(none.status, 400);
    assert.match(none.body.message, /assessor account needs an expiry date/);
  });

  test('a password change ends the old token and its live socket; the new password signs in', async () => {
    const old = tokens.zhang!;
    const live = connect(server.url, old);
    sockets.push(live);
    await waitFor(() => live.connected, 'the socket to connect');
    const closed = new Promise<string>((resolve) => live.once('disconnect', (why) => resolve(why)));
    const short = await server.post<{ message: string }>(
      '/api/me/password',
      { oldPassword: 'zhang-password', newPassword: 'zhang' },
      old,
    );
    assert.equal(short.status, 400);
    assert.match(short.body.message, /at least 10 characters/);
    const same = await server.post<{ message: string }>(
      '/api/me/password',
      { oldPassword: 'zhang-password', newPassword: 'Zhang' },
      old,
    );
    assert.equal(same.status, 400);
    const changed = await server.post(
      '/api/me/password',
      { oldPassword: 'zhang-password', newPassword: 'zhang-new-password' },
      old,
    );
    assert.equal(changed.status, 204);
    const after = await server.get<{ message: string }>('/api/me', old);
    assert.equal(after.status, 401);
    assert.match(after.body.message, /password was changed/);
    // The server re-judges live sockets every few seconds: this one is closed by the server.
    assert.equal(await closed, 'io server disconnect');
    assert.equal((await server.post('/api/login', { username: 'zhang', password: 'zhang-password' })).status, 401);
    tokens.zhang = await server.login('zhang', 'zhang-new-password');
    const me = await server.get<Me>('/api/me', tokens.zhang);
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.sites, ['demo']);
    assert.deepEqual(me.body.rights, ['ack', 'followup']);
  });

  test('logout ends that token only', async () => {
    const second = await server.login('wang', 'wang-password');
    assert.equal((await server.post('/api/logout', undefined, second)).status, 204);
    assert.equal((await server.get('/api/me', second)).status, 401);
    assert.equal((await server.get('/api/me', tokens.wang)).status, 200, 'the other session of wang goes on');
  });

  test('the audit trail holds each of these, and each person reads only their sites’ entries', async () => {
    const trail = (await server.get<AuditEntry[]>('/api/audit', admin)).body;
    const has = (pred: (e: AuditEntry) => boolean, what: string) => assert.ok(trail.some(pred), what);
    has((e) => e.action === 'user-create' && e.target === 'zhang' && e.actor === 'admin', 'zhang created by admin');
    has((e) => e.action === 'login' && e.actor === 'zhang' && e.ip === '127.0.0.1', 'zhang signed in, with address');
    has(
      (e) => e.action === 'login-failed' && e.actor === 'ping' && !e.ok && e.detail.reason === 'expired',
      'the expired assessor refused',
    );
    has(
      (e) => e.action === 'login-failed' && e.actor === 'zhang' && e.detail.reason === 'wrong-password',
      'the old password refused',
    );
    has(
      (e) => e.action === 'alarm-ack' && e.actor === 'wang' && e.target === roomAlarm.id && e.site === 'demo',
      'the machine-room acknowledgement',
    );
    has((e) => e.action === 'password-change' && e.actor === 'zhang' && e.ok, 'the password change');
    has((e) => e.action === 'logout' && e.actor === 'wang', 'the logout');
    has((e) => e.action === 'evidence' && e.actor === 'qu' && e.site === 'other', "the district's evidence download");
    has((e) => e.action === 'user-update' && e.target === 'ping' && e.detail.expires !== undefined, 'the new expiry');
    // The hall manager reads demo's entries and its own sign-ins, never another site's nor others' sign-ins.
    const own = (await server.get<AuditEntry[]>('/api/audit', tokens.zhang)).body;
    assert.ok(own.some((e) => e.action === 'alarm-ack' && e.actor === 'wang'));
    assert.ok(own.some((e) => e.action === 'login' && e.actor === 'zhang'));
    assert.deepEqual(
      own.filter((e) => e.site === 'other' || (e.site === null && e.actor !== 'zhang')),
      [],
    );
    // Filters: by person and by site.
    const byWang = (await server.get<AuditEntry[]>('/api/audit?actor=wang', admin)).body;
    assert.ok(byWang.length > 0 && byWang.every((e) => e.actor === 'wang'));
    const other = (await server.get<AuditEntry[]>('/api/audit?site=other', admin)).body;
    assert.ok(other.length > 0 && other.every((e) => e.site === 'other'));
  });
});
