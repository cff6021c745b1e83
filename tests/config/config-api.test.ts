// /api/config against a real server (in-process, embedded aedes, SQLite) over HTTP and MQTT: admin
// only; a device added through the API is known to ingest at once (no restart); an invalid change
// answers 400 naming the field; roll back restores an earlier version; what a removed device measured
// before its removal is still accepted; export gives today's site file format and import takes it
// back; a new gateway credential logs in and a revoked one is disconnected at once; the install
// sheet is a Chinese PDF whose QR code decodes to the device's settings; every change is audited.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { checkSite, parseDataText } from '@hallmon/firmware-config';
import type {
  ApiError,
  AuditEntry,
  ConfigSite,
  ConfigVersionInfo,
  CredentialInfo,
  NewCredentialAnswer,
} from '@hallmon/contract';
import { startTestServer, DEMO_GATEWAY, type TestServer } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';

async function publishReadings(server: TestServer, readings: unknown[]) {
  const c = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  try {
    await c.publishAsync('hallmon/v1/demo/telemetry', JSON.stringify(readings), { qos: 1 });
  } finally {
    await c.endAsync();
  }
}

async function points(server: TestServer, token: string, sensor: string, metric: string) {
  const from = new Date(Date.now() - 3_600_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const r = await server.get<{ points: [string, number][] }>(
    `/api/readings?site=demo&sensor=${sensor}&metric=${metric}&from=${from}&to=${to}`,
    token,
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.points;
}

test('sites, zones and devices through the API apply at once, versioned, refused with the field named, audited', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const admin = await server.login();
  server.addUser('hall1', 'hall');
  const hall = await server.login('hall1', 'hall1-password');

  // Admin only.
  assert.equal((await server.get('/api/config/sites', hall)).status, 403);
  assert.equal((await server.get('/api/config/sites')).status, 401);
  const list = await server.get<{ id: string; version: number }[]>('/api/config/sites', admin);
  assert.deepEqual(
    list.body.map((s) => [s.id, s.version]),
    [
      ['demo', 1],
      ['other', 1],
    ],
  );
  const profiles = await server.get<{ id: string; metrics: { register?: { address: number } }[] }[]>(
    '/api/config/profiles',
    admin,
  );
  assert.ok(profiles.body.some((p) => p.id === 'th-modbus-f03' && p.metrics.every((m) => m.register)));

  // An unknown sensor is rejected by ingest before it is configured ...
  const rejected = () => server.pipeline.counters.snapshot().telemetry.rejected['unknown-sensor'] ?? 0;
  const before = rejected();
  await publishReadings(server, [{ sensor: 'mr-th-9', metric: 'temperature', value: 23.1, ts: Date.now() - 5000 }]);
  assert.equal(rejected(), before + 1);
  assert.equal(
    (
      await server.get(
        `/api/readings?site=demo&sensor=mr-th-9&metric=temperature&from=2025-01-01T00:00:00Z&to=2025-01-02T00:00:00Z`,
        admin,
      )
    ).status,
    404,
  );

  // ... an invalid device is refused naming its field, and nothing changes ...
  const bad = await server.post<ApiError>(
    '/api/config/sites/demo/devices',
    { zone: 'machine-room', device: { id: 'mr-th-9', profile: 'th-modbus-f03', unitId: 3 } },
    admin,
  );
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /body\/device\/bus: unitId is set but no bus/);
  assert.deepEqual(bad.body.problems?.[0]?.path, '/device/bus');
  const badProfile = await server.post<ApiError>(
    '/api/config/sites/demo/devices',
    { zone: 'machine-room', device: { id: 'mr-th-9', profile: 'th-modbus-f99' } },
    admin,
  );
  assert.equal(badProfile.status, 400);
  assert.match(badProfile.body.message, /body\/device\/profile: unknown profile "th-modbus-f99"/);
  const noZone = await server.post<ApiError>(
    '/api/config/sites/demo/devices',
    { zone: 'garage', device: { id: 'mr-th-9', profile: 'th-modbus-f03' } },
    admin,
  );
  assert.equal(noZone.status, 400);
  assert.match(noZone.body.message, /body\/zone: site "demo" has no zone "garage"/);
  assert.equal((await server.get<ConfigSite>('/api/config/sites/demo', admin)).body.version.version, 1);

  // ... a valid one is a new version that ingest knows at once, without a restart.
  const added = await server.post<ConfigSite>(
    '/api/config/sites/demo/devices',
    {
      zone: 'machine-room',
      device: { id: 'mr-th-9', profile: 'th-modbus-f03', name: '机房新增温湿度' },
      note: 'rack 9',
    },
    admin,
  );
  assert.equal(added.status, 201, JSON.stringify(added.body));
  assert.equal(added.body.version.version, 2);
  assert.equal(added.body.version.previous, 1);
  assert.equal(added.body.version.actor, 'admin');
  assert.equal(added.body.version.summary, 'devices +mr-th-9');
  const sites = await server.get<{ id: string; zones: { sensors: { id: string }[] }[] }[]>('/api/sites', hall);
  assert.ok(sites.body.find((s) => s.id === 'demo')!.zones.some((z) => z.sensors.some((x) => x.id === 'mr-th-9')));
  const t1 = Date.now();
  await publishReadings(server, [{ sensor: 'mr-th-9', metric: 'temperature', value: 23.4, ts: t1 - 1000 }]);
  assert.deepEqual(
    (await points(server, admin, 'mr-th-9', 'temperature')).map(([, v]) => v),
    [23.4],
  );

  // A change made from an older version is a conflict.
  const stale = await server.call<ApiError>(
    'PATCH',
    '/api/config/sites/demo',
    { settings: { renotifyAfterS: 600 }, baseVersion: 1 },
    admin,
  );
  assert.equal(stale.status, 409);
  // Site settings: limits (the legacy class C machine room) and opening hours, with bad fields named.
  const badHours = await server.call<ApiError>(
    'PATCH',
    '/api/config/sites/demo',
    { settings: { openingHours: [{ days: [1], from: '18:00', to: '09:00' }] } },
    admin,
  );
  assert.equal(badHours.status, 400);
  assert.match(badHours.body.message, /body\/settings\/openingHours\/0\/to: closing time 09:00 must be after/);
  const limits = await server.call<ConfigSite>(
    'PATCH',
    '/api/config/sites/demo',
    {
      settings: {
        limitProfiles: [{ profile: 'machine-room-legacy-2008-class-c', zone: 'machine-room' }],
        openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '09:00', to: '17:00' }],
      },
      baseVersion: 2,
    },
    admin,
  );
  assert.equal(limits.status, 200, JSON.stringify(limits.body));
  assert.equal(limits.body.version.version, 3);
  assert.match(limits.body.version.summary, /settings limitProfiles, openingHours/);

  // Roll back to version 1: the device is gone from the config ...
  const back = await server.post<ConfigSite>('/api/config/sites/demo/rollback', { version: 1 }, admin);
  assert.equal(back.status, 200);
  assert.equal(back.body.version.version, 4);
  assert.equal(back.body.version.change, 'rollback');
  assert.ok(!back.body.config.zones.some((z) => z.devices.some((d) => d.id === 'mr-th-9')));
  assert.equal(back.body.config.limitProfiles, undefined);
  const history = await server.get<ConfigVersionInfo[]>('/api/config/sites/demo/versions', admin);
  assert.deepEqual(
    history.body.map((v) => [v.version, v.change, v.previous]),
    [
      [4, 'rollback', 3],
      [3, 'update', 2],
      [2, 'update', 1],
      [1, 'seed', null],
    ],
  );
  // ... what it measured before its removal (buffered on an edge, say) is still accepted; a reading
  // taken long after is not.
  await publishReadings(server, [
    { sensor: 'mr-th-9', metric: 'temperature', value: 23.5, ts: t1 },
    { sensor: 'mr-th-9', metric: 'temperature', value: 99, ts: Date.now() + 4 * 60_000 },
  ]);
  const after = await points(server, admin, 'mr-th-9', 'temperature');
  assert.deepEqual(
    after.map(([, v]) => v),
    [23.4, 23.5],
  );

  // Every change is in the audit trail, admin only, with who and what.
  const audit = await server.get<AuditEntry[]>('/api/audit?site=demo', admin);
  const changes = audit.body
    .filter((e) => e.action === 'config-change')
    .map((e) => `${e.actor} ${e.target} ${e.detail.change}`);
  assert.deepEqual(changes, ['system v1 seed', 'admin v2 update', 'admin v3 update', 'admin v4 rollback']);
});

test('export gives a site file today’s loader reads; import takes it back as a new version', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const admin = await server.login();
  const res = await fetch(`${server.url}/api/config/sites/demo/export?format=yaml`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /yaml/);
  const yaml = await res.text();
  const file = join(dir.path, 'demo.yaml');
  writeFileSync(file, yaml);
  const loaded = checkSite(parseDataText(readFileSync(file, 'utf8'), file), file);
  assert.equal(loaded.id, 'demo');
  assert.equal(
    loaded.gateway?.username,
    'demo-gateway',
    'the export carries the gateway credential (hash) like the shipped file',
  );

  const edited = yaml.replace(/^name: .*$/m, 'name: 导入后的名称');
  const imp = await server.post<ConfigSite>('/api/config/import', { text: edited, note: 'from git' }, admin);
  assert.equal(imp.status, 200, JSON.stringify(imp.body));
  assert.equal(imp.body.version.version, 2);
  assert.equal(imp.body.version.change, 'import');
  assert.equal(imp.body.config.name, '导入后的名称');
  const same = await server.post<ConfigSite>('/api/config/import', { text: edited }, admin);
  assert.equal(same.body.version.version, 2, 'the same file again makes no version');
  const broken = await server.post<ApiError>(
    '/api/config/import',
    { text: edited.replace(/kind: hall/, 'kind: lobby') },
    admin,
  );
  assert.equal(broken.status, 400);
  assert.match(broken.body.message, /body\/text\/zones\/0\/kind/);
});

test('a new gateway credential logs in; revoking it disconnects its client at once', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const admin = await server.login();
  const made = await server.post<NewCredentialAnswer>(
    '/api/config/credentials',
    { site: 'demo', note: 'second edge' },
    admin,
  );
  assert.equal(made.status, 201);
  const { credential, password } = made.body;
  assert.match(credential.username, /^demo-gw-[0-9a-f]{4}$/);
  const listed = await server.get<CredentialInfo[]>('/api/config/credentials?site=demo', admin);
  assert.ok(!JSON.stringify(listed.body).includes(password), 'the secret is answered once only');

  const client = await mqtt.connectAsync(server.mqttUrl!, {
    username: credential.username,
    password,
    reconnectPeriod: 0,
  });
  t.onTestFinished(() => client.endAsync(true));
  await client.publishAsync(
    'hallmon/v1/demo/telemetry',
    JSON.stringify({ sensor: 'mr-th-1', metric: 'humidity', value: 47.5, ts: Date.now() - 1000 }),
    { qos: 1 },
  );
  const from = new Date(Date.now() - 60_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const r = await server.get<{ points: [string, number][] }>(
    `/api/readings?site=demo&sensor=mr-th-1&metric=humidity&from=${from}&to=${to}`,
    admin,
  );
  assert.deepEqual(
    r.body.points.map(([, v]) => v),
    [47.5],
  );
  const connected = await server.get<CredentialInfo[]>('/api/config/credentials?site=demo', admin);
  assert.equal(connected.body.find((c) => c.id === credential.id)?.connected, true);

  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  const revoked = await server.call<CredentialInfo>(
    'DELETE',
    `/api/config/credentials/${credential.id}`,
    undefined,
    admin,
  );
  assert.equal(revoked.status, 200);
  assert.equal(revoked.body.revokedBy, 'admin');
  await closed;
  await assert.rejects(
    mqtt.connectAsync(server.mqttUrl!, { username: credential.username, password, reconnectPeriod: 0 }),
    /Bad username or password|Not authorized/i,
  );
  // The site's other credential still works.
  const other = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  await other.endAsync();
  const audit = await server.get<AuditEntry[]>('/api/audit?site=demo', admin);
  const actions = audit.body.map((e) => `${e.action} ${e.target}`);
  assert.ok(actions.includes(`credential-create ${credential.username}`));
  assert.ok(actions.includes(`credential-revoke ${credential.username}`));
});

test('install sheet: a Chinese PDF with the device, its register map and a QR code of its settings', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const admin = await server.login();
  const edge = await server.call<ConfigSite>(
    'PATCH',
    '/api/config/sites/demo',
    {
      settings: {
        edge: {
          buses: [{ id: 'mr-bus', port: '/dev/ttyUSB0', baudRate: 9600, pollMs: 1000 }],
          mqttDevices: { port: 1884 },
        },
      },
    },
    admin,
  );
  assert.equal(edge.status, 200, JSON.stringify(edge.body));
  const put = await server.call<ConfigSite>(
    'PUT',
    '/api/config/sites/demo/devices/mr-th-1',
    {
      zone: 'machine-room',
      device: { id: 'mr-th-1', profile: 'th-modbus-f03', name: '机房冷通道温湿度', bus: 'mr-bus', unitId: 7 },
    },
    admin,
  );
  assert.equal(put.status, 200, JSON.stringify(put.body));
  const res = await fetch(`${server.url}/api/config/sites/demo/devices/mr-th-1/sheet`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: '{}',
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const pdf = join(dir.path, 'sheet.pdf');
  writeFileSync(pdf, Buffer.from(await res.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  for (const want of [
    '设备安装单',
    'mr-th-1',
    '机房冷通道温湿度',
    '/dev/ttyUSB0',
    '9600 8N1',
    '从站地址',
    'humidity',
    'A+ 接总线 A',
  ])
    assert.ok(text.includes(want), `the sheet shows "${want}"`);

  execFileSync('pdftoppm', ['-r', '200', '-png', '-f', '1', '-l', '1', pdf, join(dir.path, 'page')]);
  const png = PNG.sync.read(readFileSync(join(dir.path, 'page-1.png')));
  const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(code, 'a QR code is found on the page');
  assert.deepEqual(JSON.parse(code.data), {
    site: 'demo',
    device: 'mr-th-1',
    profile: 'th-modbus-f03',
    bus: 'mr-bus',
    port: '/dev/ttyUSB0',
    baudRate: 9600,
    unitId: 7,
  });
});
