// `hallmon user` on the data dir of a running server manages the same accounts as the API: a user
// added on the command line signs in over HTTP, one made over HTTP is listed on the command line, a
// password set or an account disabled on either side ends the sessions at once, and both refuse
// the same things (short password, unknown site, the last admin). Every change is in the audit
// trail, the command line's as "cli:<os user>". A data dir written before accounts had sites keeps
// working: its admin is admin of every site.
import { describe, test, beforeAll, afterAll } from 'vitest';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createLogger, hashSecret } from '@hallmon/firmware-config';
import { startServer } from '@hallmon/server';
import type { AuditEntry, Me, User } from '@hallmon/contract';
import {
  DEMO_SITE_FILE,
  OTHER_SITE_FILE,
  startTestServer,
  testSites,
  type TestServer,
} from '../helpers/server-process.ts';
import { HALLMON } from '../helpers/edge-process.ts';
import { freePort } from '../helpers/ports.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('hallmon user and the API manage the same people', () => {
  let server: TestServer;
  let admin = '';
  // Asynchronous: the server runs in this process and must go on answering while the command runs.
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      execFile(
        process.execPath,
        [
          HALLMON,
          'user',
          ...args,
          '--data-dir',
          server.dataDir,
          '--config',
          DEMO_SITE_FILE,
          '--config',
          OTHER_SITE_FILE,
        ],
        { encoding: 'utf8', timeout: 60_000, env: { ...process.env, HALLMON_LOG_LEVEL: 'warn', ...env } },
        (err, out, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, out, err: stderr }),
      );
    });
  const users = async () => (await server.get<User[]>('/api/users', admin)).body;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.login();
  });
  afterAll(() => server?.stop());

  test('--help shows every action', () => {
    const r = spawnSync(process.execPath, [HALLMON, 'user', '--help'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /hallmon user add USERNAME --role ROLE --sites/);
    assert.match(r.stdout, /disable\|enable\|remove/);
  });

  test('a user added on the command line signs in over HTTP with its sites', async () => {
    const add = await cli(['add', 'zhao', '--role', 'hall', '--sites', 'demo', '--name', '赵主管'], {
      HALLMON_PASSWORD: 'zhao-password',
    });
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, /added zhao\s+hall\s+demo\s+"赵主管"/);
    const token = await server.login('zhao', 'zhao-password');
    const me = await server.get<Me>('/api/me', token);
    assert.deepEqual(me.body.sites, ['demo']);
    assert.equal(me.body.name, '赵主管');
    const listed = (await users()).find((u) => u.username === 'zhao');
    assert.equal(listed?.role, 'hall');
  });

  test('a user made over HTTP is listed on the command line; a generated password is shown once', async () => {
    const made = await server.post(
      '/api/users',
      { username: 'sun', password: 'sun-password', role: 'district', sites: ['demo', 'other'] },
      admin,
    );
    assert.equal(made.status, 201);
    const list = await cli(['list', '--json']);
    assert.equal(list.code, 0, list.err);
    const rows = JSON.parse(list.out) as { username: string; role: string; sites: unknown }[];
    assert.deepEqual(
      rows.find((r) => r.username === 'sun'),
      {
        username: 'sun',
        role: 'district',
        sites: ['demo', 'other'],
        name: null,
        expires: null,
        disabled: false,
        lastLoginAt: null,
      },
    );
    const gen = await cli(['add', 'kong', '--role', 'assessor', '--sites', 'other', '--expires', '2099-06-30']);
    assert.equal(gen.code, 0, gen.err);
    const pw = /password \(shown only now\): (\S+)/.exec(gen.out)?.[1];
    assert.ok(pw, gen.out);
    const token = await server.login('kong', pw);
    const me = await server.get<Me>('/api/me', token);
    assert.equal(me.body.expires, '2099-06-30T16:00:00.000Z', 'through 30 June, China time');
  });

  test('a new password or a disabled account from either side ends the sessions at once', async () => {
    const before = await server.login('zhao', 'zhao-password');
    const passwd = await cli(['passwd', 'zhao'], { HALLMON_PASSWORD: 'zhao-second-password' });
    assert.equal(passwd.code, 0, passwd.err);
    assert.equal((await server.get('/api/me', before)).status, 401, 'the command line ended the HTTP session');
    const now = await server.login('zhao', 'zhao-second-password');
    const off = await cli(['disable', 'zhao']);
    assert.equal(off.code, 0, off.err);
    const refused = await server.get<{ message: string }>('/api/me', now);
    assert.equal(refused.status, 401);
    assert.match(refused.body.message, /is disabled/);
    assert.equal((await server.post('/api/login', { username: 'zhao', password: 'zhao-second-password' })).status, 401);
    // Enabled again over HTTP: the command line sees it.
    assert.equal((await server.call('PATCH', '/api/users/zhao', { disabled: false }, admin)).status, 200);
    const listed = (await cli(['list'])).out;
    assert.doesNotMatch(listed.split('\n').find((l) => l.startsWith('zhao')) ?? '', /DISABLED/);
    // Disabled over HTTP: the session ends too.
    const again = await server.login('zhao', 'zhao-second-password');
    assert.equal((await server.call('PATCH', '/api/users/zhao', { disabled: true }, admin)).status, 200);
    assert.equal((await server.get('/api/me', again)).status, 401);
    assert.match((await cli(['list'])).out, /^zhao .*DISABLED/m);
  });

  test('both refuse the same things, in the same words', async () => {
    const short = await cli(['add', 'qian', '--role', 'hall', '--sites', 'demo'], { HALLMON_PASSWORD: 'short' });
    assert.equal(short.code, 1);
    assert.match(short.err, /the password must have at least 10 characters/);
    const api = await server.post<{ message: string }>(
      '/api/users',
      { username: 'qian', password: 'short', role: 'hall', sites: ['demo'] },
      admin,
    );
    assert.equal(api.status, 400);
    assert.match(api.body.message, /the password must have at least 10 characters/);

    const unknown = await cli(['add', 'qian', '--role', 'hall', '--sites', 'nowhere'], {
      HALLMON_PASSWORD: 'qian-password',
    });
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--sites: unknown site "nowhere" \(known: demo, other\)/);

    const assessor = await cli(['add', 'qian', '--role', 'assessor', '--sites', 'demo'], {
      HALLMON_PASSWORD: 'qian-password',
    });
    assert.equal(assessor.code, 1);
    assert.match(assessor.err, /an assessor account needs an expiry date/);

    const last = await cli(['disable', 'admin']);
    assert.equal(last.code, 1);
    assert.match(last.err, /"admin" is the last enabled admin; make another admin first/);
    const lastApi = await server.call<{ message: string }>('PATCH', '/api/users/admin', { disabled: true }, admin);
    assert.equal(lastApi.status, 409);
    assert.match(lastApi.body.message, /last enabled admin/);

    const bad = await cli(['promote', 'zhao']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /say what to do: hallmon user add\|list\|passwd\|disable\|enable\|remove/);
  });

  test('removed on the command line, gone from the API; every change in the audit trail', async () => {
    const rm = await cli(['remove', 'zhao']);
    assert.equal(rm.code, 0, rm.err);
    assert.equal(
      (await users()).some((u) => u.username === 'zhao'),
      false,
    );
    assert.match((await cli(['remove', 'zhao'])).err, /no user "zhao"/);
    const trail = (await server.get<AuditEntry[]>('/api/audit', admin)).body;
    const cliEntries = trail.filter((e) => e.actor.startsWith('cli:'));
    assert.deepEqual(
      cliEntries.map((e) => [e.action, e.target]),
      [
        ['user-create', 'zhao'],
        ['user-create', 'kong'],
        ['user-update', 'zhao'],
        ['user-update', 'zhao'],
        ['user-delete', 'zhao'],
      ],
    );
    assert.ok(cliEntries.every((e) => e.ip === null));
    assert.ok(trail.some((e) => e.actor === 'admin' && e.action === 'user-update' && e.detail.disabled === false));
  });
});

test('a data dir written before accounts had sites keeps working: its admin covers every site', async (t) => {
  const dir = tempDir('hallmon-legacy-users-');
  t.onTestFinished(() => dir.remove());
  const dataDir = join(dir.path, 'data');
  mkdirSync(dataDir, { recursive: true });
  // users.db as the first release wrote it: no sites, no token version, no expiry.
  const db = new Database(join(dataDir, 'users.db'));
  db.exec(
    `CREATE TABLE users (username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL)`,
  );
  db.prepare('INSERT INTO users VALUES (?, ?, ?, ?)').run(
    'admin',
    'admin',
    hashSecret('old-admin-password'),
    1_700_000_000_000,
  );
  db.prepare('INSERT INTO users VALUES (?, ?, ?, ?)').run(
    'wu',
    'hall',
    hashSecret('old-hall-password'),
    1_700_000_000_000,
  );
  db.close();
  const server = await startServer({
    dataDir,
    host: '127.0.0.1',
    httpPort: await freePort(),
    mqttPort: await freePort(),
    sites: testSites(),
    log: createLogger('test-server', 'warn'),
    print: () => undefined,
  });
  t.onTestFinished(() => server.stop());
  const login = async (username: string, password: string) => {
    const r = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    assert.equal(r.status, 200, `${username}: ${await r.clone().text()}`);
    return ((await r.json()) as { token: string }).token;
  };
  for (const [user, pw] of [
    ['admin', 'old-admin-password'],
    ['wu', 'old-hall-password'],
  ] as const) {
    const me = (await (
      await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${await login(user, pw)}` } })
    ).json()) as Me;
    assert.equal(me.sites, '*', `${user} keeps every site`);
  }
});
