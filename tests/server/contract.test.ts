// Every documented /api route against a real server with data in it (SQLite store, data published
// over MQTT as a gateway would): each real answer must conform to its contract schema with every
// object closed (a property the server sends and the schema lacks fails), each error answer to
// ApiError under a status the route declares, and every route of the contract's API table must be
// called. The server runs in strict-responses mode (tests/helpers/server-process.ts), so an answer
// that fastify's serialiser would have changed (a dropped property, a coerced type) is a 500 here.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import type { TSchema } from '@sinclair/typebox';
import { API, ApiError, contractProblems, type ApiRoute } from '@hallmon/contract';
import { SigningKeys, dayLinkText } from '@hallmon/server';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

interface Call {
  route: ApiRoute;
  path: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  token?: string;
  status?: number;
}

const schemaOf = (route: ApiRoute, status: number): TSchema | undefined => {
  const entry = (API[route].response as Record<number, TSchema | { content: Record<string, { schema: TSchema }> }>)[
    status
  ];
  if (!entry) return undefined;
  return 'content' in entry ? entry.content['application/json']!.schema : entry;
};

test('every /api route answers what its contract schema says, errors included', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  await server.addUser('hall1', 'hall');
  await server.addUser('assessor1', 'assessor');
  await server.addUser('net1', 'netadmin');
  await server.addUser('pw1', 'hall');
  await server.addUser('demo-hall', 'hall', ['demo']);
  const admin = await server.login();
  const hall = await server.login('hall1', 'hall1-password');
  const assessor = await server.login('assessor1', 'assessor1-password');
  const net = await server.login('net1', 'net1-password');
  const pw1 = await server.login('pw1', 'pw1-password');
  const spare = await server.login('hall1', 'hall1-password');
  const demoHall = await server.login('demo-hall', 'demo-hall-password');
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));

  // Two hours of machine-room climate and hall noise, a minute apart, ending a few minutes ago.
  const end = Math.floor((Date.now() - 5 * 60_000) / 60_000) * 60_000;
  const start = end - 2 * 3_600_000;
  const readings: { sensor: string; metric: string; value: number; ts: number; dur?: number }[] = [];
  for (let ts = start; ts <= end; ts += 60_000) {
    readings.push({ sensor: 'mr-th-1', metric: 'temperature', value: 22 + ((ts / 60_000) % 7) / 10, ts });
    readings.push({ sensor: 'mr-th-1', metric: 'humidity', value: 45, ts });
    readings.push({ sensor: 'hall-noise-1', metric: 'noise_laeq', value: 62.5, ts, dur: 1 });
  }
  await gw.publishAsync('hallmon/v1/demo/telemetry', JSON.stringify(readings), { qos: 1 });
  const ratedAt = end - 30 * 60_000;
  await gw.publishAsync(
    'hallmon/v1/demo/events',
    JSON.stringify([
      { device: 'eval-w01', type: 'rating', score: 1, window: 'W01', ts: ratedAt },
      { device: 'queue-1', type: 'ticket_called', ticket: 'A012', window: 'W03', ts: ratedAt + 1000 },
      {
        device: 'mr-th-2',
        type: 'device_fault',
        fault: 'timeout',
        count: 3,
        start: ratedAt - 60_000,
        end: ratedAt,
        ts: ratedAt,
      },
    ]),
    { qos: 1 },
  );
  await gw.publishAsync('hallmon/v1/demo/status/eval-w02', JSON.stringify({ status: 'offline', ts: ratedAt + 2000 }), {
    qos: 1,
  });
  const alarm = {
    id: `demo:mr-temperature:mr-th-1:${start}`,
    site: 'demo',
    clause: '5.2.2',
    rule: 'mr-temperature',
    sensor: 'mr-th-1',
    severity: 'warning',
    state: 'raised',
    ts: new Date(start + 600_000).toISOString(),
    startedAt: new Date(start).toISOString(),
    peak: 27.4,
    limit: 27,
    message: '机房温度高于 27 °C',
  };
  await gw.publishAsync('hallmon/v1/demo/alarms', JSON.stringify(alarm), { qos: 1 });
  await gw.publishAsync('hallmon/v1/demo/clock/edge', JSON.stringify({ sentAt: Date.now(), synced: true }), { qos: 1 });
  await waitFor(
    async () => (await server.get<unknown[]>('/api/latest?site=demo', admin)).body.length >= 3,
    'the readings to be stored',
  );
  const followupId = await waitFor(
    async () => (await server.get<{ id: string }[]>('/api/followups?site=demo', admin)).body[0]?.id,
    'the bad rating to open a follow-up',
  );
  const visitBody = {
    site: 'demo',
    visitor: '张工',
    organisation: '电信青浦分公司',
    reason: '更换光猫',
    escort: '李网管',
  };
  const visit = await server.post<{ id: string }>('/api/visits', visitBody, net);
  assert.equal(visit.status, 201, JSON.stringify(visit.body));
  const alarmPath = `/api/alarms/${encodeURIComponent(alarm.id)}`;
  // A day digest as a hall publishes it, signed with a key of its own.
  const keyDir = tempDir('hallmon-contract-keys-');
  t.onTestFinished(() => keyDir.remove());
  const digestOf = (site: string) => {
    const k = new SigningKeys(keyDir.path).forSite(site);
    const chain = 'a'.repeat(64);
    return {
      format: 'hallmon-day-digest/1',
      site,
      day: '2025-05-06',
      digest: 'b'.repeat(64),
      rollupDigest: null,
      recordsDigest: null,
      auditDigest: null,
      chain,
      sealedAt: new Date(start).toISOString(),
      keyId: k.keyId,
      publicKey: k.publicKey,
      signature: k.sign(dayLinkText(site, '2025-05-06', chain)),
    };
  };
  // Site configuration: a third site to change, and a credential to revoke.
  const third = {
    id: 'third',
    name: '第三中心',
    timezone: 'Asia/Shanghai',
    openingHours: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
    zones: [{ id: 'hall', kind: 'hall', name: '大厅', devices: [] }],
  };
  const spareCredential = await server.config.editor.newCredential({ site: 'demo', username: 'spare-gw' }, 'admin');
  const importText = JSON.stringify({ ...third, id: 'fourth', name: '第四中心' });
  const range = `from=${start}&to=${end + 60_000}`;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(end);

  const ok: Call[] = [
    { route: 'GET /api/health', path: '/api/health' },
    {
      route: 'POST /api/login',
      path: '/api/login',
      method: 'POST',
      body: { username: 'hall1', password: 'hall1-password' },
    },
    { route: 'GET /api/sites', path: '/api/sites', token: assessor },
    { route: 'GET /api/log-level', path: '/api/log-level', token: admin },
    // The level this test process already logs at, so the change is visible only in the answer.
    { route: 'PUT /api/log-level', path: '/api/log-level', method: 'PUT', body: { level: 'warn' }, token: admin },
    { route: 'GET /api/clocks', path: '/api/clocks?site=demo', token: assessor },
    { route: 'GET /api/me', path: '/api/me', token: demoHall },
    { route: 'POST /api/logout', path: '/api/logout', method: 'POST', token: spare, status: 204 },
    {
      route: 'POST /api/me/password',
      path: '/api/me/password',
      method: 'POST',
      body: { oldPassword: 'pw1-password', newPassword: 'pw1-new-password' },
      token: pw1,
      status: 204,
    },
    { route: 'GET /api/users', path: '/api/users', token: admin },
    {
      route: 'POST /api/users',
      path: '/api/users',
      method: 'POST',
      body: {
        username: 'visitor',
        password: 'visitor-password',
        role: 'assessor',
        sites: ['demo'],
        expires: '2099-12-31',
      },
      token: admin,
      status: 201,
    },
    {
      route: 'PATCH /api/users/:username',
      path: '/api/users/visitor',
      method: 'PATCH',
      body: { name: '第三方测评', sites: '*' },
      token: admin,
    },
    { route: 'DELETE /api/users/:username', path: '/api/users/visitor', method: 'DELETE', token: admin, status: 204 },
    { route: 'GET /api/audit', path: '/api/audit', token: admin },
    { route: 'GET /api/audit', path: '/api/audit?site=demo', token: demoHall },
    {
      route: 'GET /api/readings',
      path: `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&${range}`,
      token: assessor,
    },
    {
      route: 'GET /api/readings',
      path: `/api/readings?site=demo&sensor=hall-noise-1&metric=noise_laeq&${range}&step=1m`,
      token: assessor,
    },
    {
      route: 'GET /api/readings',
      path: `/api/readings?site=demo&sensor=mr-th-1&metric=humidity&${range}&step=1h`,
      token: assessor,
    },
    { route: 'GET /api/latest', path: '/api/latest', token: assessor },
    { route: 'GET /api/alarms', path: '/api/alarms?site=demo&state=all', token: assessor },
    {
      route: 'POST /api/alarms/:id/ack',
      path: `${alarmPath}/ack`,
      method: 'POST',
      body: { note: '空调已报修' },
      token: net,
    },
    { route: 'GET /api/alarms/:id/notifications', path: `${alarmPath}/notifications`, token: assessor },
    { route: 'GET /api/notifications', path: '/api/notifications?site=demo', token: assessor },
    { route: 'GET /api/events', path: `/api/events?site=demo&${range}`, token: assessor },
    { route: 'GET /api/status', path: `/api/status?site=demo&${range}`, token: assessor },
    { route: 'GET /api/devices', path: '/api/devices', token: assessor },
    { route: 'GET /api/marks', path: `/api/marks?site=demo&sensor=mr-th-1&${range}`, token: assessor },
    { route: 'GET /api/noise', path: '/api/noise?site=demo&sensor=hall-noise-1', token: hall },
    { route: 'GET /api/noise', path: `/api/noise?site=demo&sensor=hall-slm-1&window=15m&to=${end}`, token: hall },
    { route: 'GET /api/followups', path: '/api/followups?site=demo&state=all', token: assessor },
    {
      route: 'POST /api/followups/:id',
      path: `/api/followups/${encodeURIComponent(followupId)}`,
      method: 'POST',
      body: { action: 'respond', note: '已电话回复' },
      token: hall,
    },
    { route: 'POST /api/selftest', path: '/api/selftest?site=demo', method: 'POST', token: admin },
    { route: 'GET /api/selftest', path: '/api/selftest?site=demo', token: assessor },
    { route: 'POST /api/visits', path: '/api/visits', method: 'POST', body: visitBody, token: net, status: 201 },
    { route: 'GET /api/visits', path: '/api/visits?site=demo', token: assessor },
    { route: 'GET /api/visits', path: `/api/visits?site=demo&${range}&state=inside`, token: hall },
    {
      route: 'POST /api/visits/:id/out',
      path: `/api/visits/${visit.body.id}/out`,
      method: 'POST',
      body: {},
      token: net,
    },
    {
      route: 'GET /api/evidence',
      path: `/api/evidence?site=demo&from=${today}&to=${today}&format=json`,
      token: assessor,
    },
    { route: 'GET /api/scorecard', path: `/api/scorecard?site=demo&from=${today}&to=${today}`, token: assessor },
    { route: 'GET /api/district', path: '/api/district?period=month', token: assessor },
    {
      route: 'POST /api/reports',
      path: '/api/reports',
      method: 'POST',
      body: { plan: 'monthly' },
      token: admin,
      status: 202,
    },
    { route: 'GET /api/reports', path: '/api/reports', token: assessor },
    { route: 'POST /api/digests', path: '/api/digests', method: 'POST', body: [digestOf('demo')] },
    { route: 'GET /api/digests', path: '/api/digests?site=demo&from=2025-05-01&to=2025-05-31', token: assessor },
    {
      route: 'POST /api/followups/:id',
      path: `/api/followups/${encodeURIComponent(followupId)}`,
      method: 'POST',
      body: { action: 'callback', note: '满意', outcome: 'reached', satisfied: true },
      token: hall,
    },
    { route: 'GET /api/config/profiles', path: '/api/config/profiles', token: admin },
    { route: 'GET /api/config/sites', path: '/api/config/sites', token: admin },
    { route: 'GET /api/config/sites/:site', path: '/api/config/sites/demo', token: admin },
    {
      route: 'POST /api/config/sites',
      path: '/api/config/sites',
      method: 'POST',
      body: { config: third, note: 'new centre' },
      token: admin,
      status: 201,
    },
    {
      route: 'PUT /api/config/sites/:site',
      path: '/api/config/sites/third',
      method: 'PUT',
      body: { config: { ...third, name: '第三社区事务受理服务中心' }, baseVersion: 1 },
      token: admin,
    },
    {
      route: 'PATCH /api/config/sites/:site',
      path: '/api/config/sites/third',
      method: 'PATCH',
      body: { settings: { renotifyAfterS: 600, summer: { from: '05-15', to: '09-30' } } },
      token: admin,
    },
    {
      route: 'POST /api/config/sites/:site/zones',
      path: '/api/config/sites/third/zones',
      method: 'POST',
      body: { zone: { id: 'store', kind: 'archive-room', name: '库房' } },
      token: admin,
      status: 201,
    },
    {
      route: 'PATCH /api/config/sites/:site/zones/:zone',
      path: '/api/config/sites/third/zones/store',
      method: 'PATCH',
      body: { zone: { name: '档案库房' } },
      token: admin,
    },
    {
      route: 'POST /api/config/sites/:site/devices',
      path: '/api/config/sites/third/devices',
      method: 'POST',
      body: { zone: 'store', device: { id: 'st-th-1', profile: 'th-modbus-f03' } },
      token: admin,
      status: 201,
    },
    {
      route: 'PUT /api/config/sites/:site/devices/:device',
      path: '/api/config/sites/third/devices/st-th-1',
      method: 'PUT',
      body: { zone: 'store', device: { id: 'st-th-1', profile: 'th-modbus-f03', name: '库房温湿度' } },
      token: admin,
    },
    {
      route: 'GET /api/config/sites/:site/devices/:device/commissioning',
      path: '/api/config/sites/third/devices/st-th-1/commissioning',
      token: admin,
    },
    {
      route: 'DELETE /api/config/sites/:site/devices/:device',
      path: '/api/config/sites/third/devices/st-th-1',
      method: 'DELETE',
      token: admin,
    },
    {
      route: 'DELETE /api/config/sites/:site/zones/:zone',
      path: '/api/config/sites/third/zones/store',
      method: 'DELETE',
      token: admin,
    },
    { route: 'GET /api/config/sites/:site/versions', path: '/api/config/sites/third/versions', token: admin },
    {
      route: 'GET /api/config/sites/:site/versions/:version',
      path: '/api/config/sites/third/versions/1',
      token: admin,
    },
    {
      route: 'POST /api/config/sites/:site/rollback',
      path: '/api/config/sites/third/rollback',
      method: 'POST',
      body: { version: 2 },
      token: admin,
    },
    { route: 'GET /api/config/sites/:site/export', path: '/api/config/sites/demo/export?format=json', token: admin },
    {
      route: 'POST /api/config/import',
      path: '/api/config/import',
      method: 'POST',
      body: { text: importText },
      token: admin,
    },
    { route: 'GET /api/config/credentials', path: '/api/config/credentials?all=true', token: admin },
    {
      route: 'POST /api/config/credentials',
      path: '/api/config/credentials',
      method: 'POST',
      body: { site: 'demo', device: 'eval-w02' },
      token: admin,
      status: 201,
    },
    {
      route: 'DELETE /api/config/credentials/:id',
      path: `/api/config/credentials/${spareCredential.credential.id}`,
      method: 'DELETE',
      token: admin,
    },
    {
      route: 'DELETE /api/config/sites/:site',
      path: '/api/config/sites/third',
      method: 'DELETE',
      token: admin,
      status: 204,
    },
  ];
  const errors: Call[] = [
    { route: 'GET /api/health', path: '/api/health', status: 200 },
    { route: 'POST /api/login', path: '/api/login', method: 'POST', body: { username: 'admin' }, status: 400 },
    {
      route: 'POST /api/login',
      path: '/api/login',
      method: 'POST',
      body: { username: 'admin', password: 'wrong' },
      status: 401,
    },
    { route: 'GET /api/sites', path: '/api/sites', status: 401 },
    { route: 'GET /api/log-level', path: '/api/log-level', token: hall, status: 403 },
    {
      route: 'PUT /api/log-level',
      path: '/api/log-level',
      method: 'PUT',
      body: { level: 'loud' },
      token: admin,
      status: 400,
    },
    { route: 'GET /api/clocks', path: '/api/clocks?site=nowhere', token: admin, status: 404 },
    { route: 'POST /api/logout', path: '/api/logout', method: 'POST', token: spare, status: 401 },
    { route: 'GET /api/me', path: '/api/me', token: pw1, status: 401 },
    {
      route: 'POST /api/me/password',
      path: '/api/me/password',
      method: 'POST',
      body: { oldPassword: 'not-the-password', newPassword: 'another-password' },
      token: hall,
      status: 403,
    },
    {
      route: 'POST /api/me/password',
      path: '/api/me/password',
      method: 'POST',
      body: { oldPassword: 'hall1-password', newPassword: 'short' },
      token: hall,
      status: 400,
    },
    { route: 'GET /api/users', path: '/api/users', token: hall, status: 403 },
    {
      route: 'POST /api/users',
      path: '/api/users',
      method: 'POST',
      body: { username: 'hall1', password: 'hall1-password', role: 'hall', sites: ['demo'] },
      token: admin,
      status: 409,
    },
    {
      route: 'POST /api/users',
      path: '/api/users',
      method: 'POST',
      body: { username: 'x1', password: 'x1-password-long', role: 'hall', sites: ['nowhere'] },
      token: admin,
      status: 400,
    },
    {
      route: 'PATCH /api/users/:username',
      path: '/api/users/nobody',
      method: 'PATCH',
      body: { disabled: true },
      token: admin,
      status: 404,
    },
    {
      route: 'PATCH /api/users/:username',
      path: '/api/users/admin',
      method: 'PATCH',
      body: { role: 'hall' },
      token: admin,
      status: 409,
    },
    { route: 'DELETE /api/users/:username', path: '/api/users/admin', method: 'DELETE', token: admin, status: 409 },
    { route: 'GET /api/audit', path: '/api/audit?site=other', token: demoHall, status: 403 },
    {
      route: 'GET /api/readings',
      path: `/api/readings?site=demo&sensor=mr-th-1&metric=pressure&${range}`,
      token: admin,
      status: 400,
    },
    {
      route: 'GET /api/readings',
      path: `/api/readings?site=nowhere&sensor=mr-th-1&metric=temperature&${range}`,
      token: admin,
      status: 404,
    },
    { route: 'GET /api/latest', path: '/api/latest?site=nowhere', token: admin, status: 404 },
    { route: 'GET /api/alarms', path: '/api/alarms?state=open', token: admin, status: 400 },
    {
      route: 'POST /api/alarms/:id/ack',
      path: `${alarmPath}/ack`,
      method: 'POST',
      body: { note: 'x' },
      token: assessor,
      status: 403,
    },
    {
      route: 'POST /api/alarms/:id/ack',
      path: '/api/alarms/nope/ack',
      method: 'POST',
      body: { note: 'x' },
      token: hall,
      status: 404,
    },
    { route: 'GET /api/alarms/:id/notifications', path: `${alarmPath}/notifications`, status: 401 },
    { route: 'GET /api/notifications', path: '/api/notifications?site=nowhere', token: admin, status: 404 },
    { route: 'GET /api/events', path: `/api/events?site=demo&${range}&type=bogus`, token: admin, status: 400 },
    { route: 'GET /api/status', path: `/api/status?site=nowhere&${range}`, token: admin, status: 404 },
    { route: 'GET /api/devices', path: '/api/devices?site=nowhere', token: admin, status: 404 },
    { route: 'GET /api/marks', path: `/api/marks?site=demo&sensor=eval-w01&${range}`, token: admin, status: 404 },
    {
      route: 'GET /api/marks',
      path: `/api/marks?site=demo&sensor=mr-th-1&from=${end}&to=${start}`,
      token: admin,
      status: 400,
    },
    { route: 'GET /api/noise', path: '/api/noise?site=demo&sensor=mr-th-1', token: admin, status: 404 },
    { route: 'GET /api/noise', path: '/api/noise?site=demo&sensor=hall-noise-1&window=2m', token: admin, status: 400 },
    { route: 'GET /api/followups', path: '/api/followups?site=demo&state=closed', token: admin, status: 400 },
    {
      route: 'POST /api/followups/:id',
      path: '/api/followups/nope',
      method: 'POST',
      body: { action: 'respond', note: '' },
      token: admin,
      status: 404,
    },
    { route: 'POST /api/selftest', path: '/api/selftest?site=demo', method: 'POST', token: assessor, status: 403 },
    { route: 'GET /api/selftest', path: '/api/selftest?site=nowhere', token: admin, status: 404 },
    { route: 'GET /api/visits', path: '/api/visits?site=nowhere', token: admin, status: 404 },
    { route: 'GET /api/visits', path: '/api/visits?site=demo&state=gone', token: admin, status: 400 },
    { route: 'POST /api/visits', path: '/api/visits', method: 'POST', body: visitBody, token: hall, status: 403 },
    {
      route: 'POST /api/visits',
      path: '/api/visits',
      method: 'POST',
      body: { ...visitBody, inAt: '2001-01-01T00:00:00Z' },
      token: net,
      status: 400,
    },
    {
      route: 'POST /api/visits/:id/out',
      path: `/api/visits/${visit.body.id}/out`,
      method: 'POST',
      body: {},
      token: net,
      status: 409,
    },
    {
      route: 'POST /api/visits/:id/out',
      path: '/api/visits/v-nope/out',
      method: 'POST',
      body: {},
      token: admin,
      status: 404,
    },
    {
      route: 'GET /api/evidence',
      path: `/api/evidence?site=demo&from=${today}&to=2000-01-01`,
      token: admin,
      status: 400,
    },
    {
      route: 'GET /api/scorecard',
      path: `/api/scorecard?site=other&from=${today}&to=${today}`,
      token: demoHall,
      status: 403,
    },
    {
      route: 'GET /api/scorecard',
      path: `/api/scorecard?site=demo&from=${today}&to=2000-01-01`,
      token: admin,
      status: 400,
    },
    { route: 'GET /api/district', path: '/api/district?period=week', token: admin, status: 400 },
    { route: 'GET /api/district', path: '/api/district', status: 401 },
    { route: 'GET /api/reports', path: '/api/reports', status: 401 },
    {
      route: 'POST /api/reports',
      path: '/api/reports',
      method: 'POST',
      body: { plan: 'hourly' },
      token: admin,
      status: 400,
    },
    {
      route: 'POST /api/reports',
      path: '/api/reports',
      method: 'POST',
      body: { plan: 'monthly' },
      token: hall,
      status: 403,
    },
    { route: 'GET /api/reports/:id/file/*', path: '/api/reports/nope/file/evidence.pdf', token: admin, status: 404 },
    { route: 'GET /api/reports/:id/file/*', path: '/api/reports/nope/file/evidence.pdf?exp=1&sig=abc', status: 403 },
    { route: 'POST /api/digests', path: '/api/digests', method: 'POST', body: { site: 'demo' }, status: 400 },
    { route: 'POST /api/digests', path: '/api/digests', method: 'POST', body: digestOf('nowhere'), status: 404 },
    {
      route: 'POST /api/digests',
      path: '/api/digests',
      method: 'POST',
      body: { ...digestOf('demo'), chain: 'c'.repeat(64) },
      status: 400,
    },
    { route: 'GET /api/digests', path: '/api/digests?site=demo', status: 401 },
    { route: 'GET /api/config/profiles', path: '/api/config/profiles', token: hall, status: 403 },
    { route: 'GET /api/config/sites', path: '/api/config/sites', status: 401 },
    {
      route: 'POST /api/config/sites',
      path: '/api/config/sites',
      method: 'POST',
      body: { config: { ...third, id: 'fifth', zones: [] } },
      token: admin,
      status: 400,
    },
    {
      route: 'POST /api/config/sites',
      path: '/api/config/sites',
      method: 'POST',
      body: { config: { ...third, id: 'demo' } },
      token: admin,
      status: 409,
    },
    { route: 'GET /api/config/sites/:site', path: '/api/config/sites/nowhere', token: admin, status: 404 },
    {
      route: 'PUT /api/config/sites/:site',
      path: '/api/config/sites/fourth',
      method: 'PUT',
      body: { config: { ...third, id: 'fourth' }, baseVersion: 99 },
      token: admin,
      status: 409,
    },
    {
      route: 'PATCH /api/config/sites/:site',
      path: '/api/config/sites/demo',
      method: 'PATCH',
      body: { settings: { zones: [] } },
      token: admin,
      status: 400,
    },
    {
      route: 'DELETE /api/config/sites/:site',
      path: '/api/config/sites/nowhere',
      method: 'DELETE',
      token: admin,
      status: 404,
    },
    {
      route: 'POST /api/config/sites/:site/zones',
      path: '/api/config/sites/demo/zones',
      method: 'POST',
      body: { zone: { id: 'hall', kind: 'hall', name: '又一个大厅' } },
      token: admin,
      status: 409,
    },
    {
      route: 'PATCH /api/config/sites/:site/zones/:zone',
      path: '/api/config/sites/demo/zones/garage',
      method: 'PATCH',
      body: { zone: { name: 'x' } },
      token: admin,
      status: 404,
    },
    {
      route: 'DELETE /api/config/sites/:site/zones/:zone',
      path: '/api/config/sites/demo/zones/hall',
      method: 'DELETE',
      token: admin,
      status: 409,
    },
    {
      route: 'POST /api/config/sites/:site/devices',
      path: '/api/config/sites/demo/devices',
      method: 'POST',
      body: { zone: 'hall', device: { id: 'h-x', profile: 'noise-modbus-f03', unitId: 0 } },
      token: admin,
      status: 400,
    },
    {
      route: 'PUT /api/config/sites/:site/devices/:device',
      path: '/api/config/sites/demo/devices/nope',
      method: 'PUT',
      body: { zone: 'hall', device: { id: 'nope', profile: 'noise-modbus-f03' } },
      token: admin,
      status: 404,
    },
    {
      route: 'DELETE /api/config/sites/:site/devices/:device',
      path: '/api/config/sites/demo/devices/nope',
      method: 'DELETE',
      token: admin,
      status: 404,
    },
    {
      route: 'GET /api/config/sites/:site/versions',
      path: '/api/config/sites/nowhere/versions',
      token: admin,
      status: 404,
    },
    {
      route: 'GET /api/config/sites/:site/versions/:version',
      path: '/api/config/sites/demo/versions/99',
      token: admin,
      status: 404,
    },
    {
      route: 'POST /api/config/sites/:site/rollback',
      path: '/api/config/sites/demo/rollback',
      method: 'POST',
      body: { version: 99 },
      token: admin,
      status: 404,
    },
    {
      route: 'GET /api/config/sites/:site/export',
      path: '/api/config/sites/nowhere/export',
      token: admin,
      status: 404,
    },
    {
      route: 'POST /api/config/import',
      path: '/api/config/import',
      method: 'POST',
      body: { text: '{ not json' },
      token: admin,
      status: 400,
    },
    { route: 'GET /api/config/credentials', path: '/api/config/credentials', token: net, status: 403 },
    {
      route: 'POST /api/config/credentials',
      path: '/api/config/credentials',
      method: 'POST',
      body: { site: 'demo', device: 'mr-th-1' },
      token: admin,
      status: 400,
    },
    {
      route: 'DELETE /api/config/credentials/:id',
      path: '/api/config/credentials/nope',
      method: 'DELETE',
      token: admin,
      status: 404,
    },
    {
      route: 'POST /api/config/sites/:site/devices/:device/sheet',
      path: '/api/config/sites/demo/devices/nope/sheet',
      method: 'POST',
      body: {},
      token: admin,
      status: 404,
    },
    {
      route: 'GET /api/config/sites/:site/devices/:device/commissioning',
      path: '/api/config/sites/demo/devices/nope/commissioning',
      token: admin,
      status: 404,
    },
  ];

  const call = (c: Call) => server.call<unknown>(c.method ?? 'GET', c.path, c.body, c.token);

  // Step: 200 answers conform to their closed schemas
  {
    for (const c of ok) {
      const res = await call(c);
      const status = c.status ?? 200;
      assert.equal(res.status, status, `${c.route} ${c.path}: ${JSON.stringify(res.body)}`);
      if (status === 204) assert.equal(res.body, undefined, `${c.route} answers no body`);
      else assert.deepEqual(contractProblems(schemaOf(c.route, status)!, res.body), [], `${c.route} ${c.path}`);
    }
  }

  // Step: errors are ApiError bodies under a status the route declares
  {
    for (const c of errors) {
      const res = await call(c);
      assert.equal(res.status, c.status, `${c.route} ${c.path}: ${JSON.stringify(res.body)}`);
      const schema = schemaOf(c.route, res.status);
      assert.ok(schema, `${c.route} declares status ${res.status}`);
      if (res.status >= 400) assert.deepEqual(contractProblems(ApiError, res.body), [], `${c.route} ${c.path}`);
    }
  }

  // Step: the answers carry the data that was published
  {
    const acked = await server.get<
      { id: string; ackedBy: string | null; ackNote: string | null; limit: number | null; message: string | null }[]
    >('/api/alarms?site=demo', admin);
    const a = acked.body.find((x) => x.id === alarm.id)!;
    assert.deepEqual([a.ackedBy, a.ackNote, a.limit, a.message], ['net1', '空调已报修', 27, '机房温度高于 27 °C']);
    const events = await server.get<{ type: string; start?: string; end?: string; count?: number }[]>(
      `/api/events?site=demo&${range}&type=device_fault`,
      admin,
    );
    assert.deepEqual(
      events.body.map((e) => [e.type, e.start, e.end, e.count]),
      [['device_fault', new Date(ratedAt - 60_000).toISOString(), new Date(ratedAt).toISOString(), 3]],
    );
    const raw = await server.get<{ points: [string, number][] }>(
      `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&${range}`,
      admin,
    );
    assert.deepEqual(
      raw.body.points.slice(0, 2),
      readings
        .filter((r) => r.metric === 'temperature')
        .slice(0, 2)
        .map((r) => [new Date(r.ts).toISOString(), r.value]),
    );
    const evidence = await fetch(`${server.url}/api/evidence?site=demo&from=${today}&to=${today}&format=csv`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(evidence.status, 200);
    assert.match(evidence.headers.get('content-type') ?? '', /^text\/csv/);
    const sheet = await fetch(`${server.url}/api/config/sites/demo/devices/mr-th-1/sheet`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(sheet.status, 200);
    assert.equal(sheet.headers.get('content-type'), 'application/pdf');
    assert.equal(
      Buffer.from(await sheet.arrayBuffer())
        .subarray(0, 5)
        .toString(),
      '%PDF-',
    );
  }

  // Step: a report queued above builds in the background; its PDF downloads with a token
  {
    const done = await waitFor(
      async () =>
        (
          await server.get<{ reports: Array<{ id: string; state: string; scope: string }> }>('/api/reports', admin)
        ).body.reports.find((r) => r.scope === 'demo' && r.state === 'done'),
      'the demo monthly pack to be built',
    );
    const file = await fetch(`${server.url}/api/reports/${encodeURIComponent(done.id)}/file/evidence.pdf`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-type') ?? '', /^application\/pdf/);
    ok.push({ route: 'GET /api/reports/:id/file/*', path: '' });
  }

  // Step: every route of the contract was called
  {
    const called = new Set([...ok, ...errors].map((c) => c.route));
    assert.deepEqual(
      Object.keys(API).filter((k) => !called.has(k as ApiRoute)),
      [],
    );
  }
});
