// The site configuration of a server group (docs/cluster.md): two servers in-process on one
// PostgreSQL state, each with its embedded broker. Started at once, one seeds the configuration and
// the other finds it; a site changed through either server's API is applied by the other (its
// /api/config, its live site map); a gateway credential made through one logs in to the other's
// broker, and revoking it through the first disconnects the client from the second; `hallmon config`
// and `hallmon credential` with --state change the group's configuration, applied by both.
import assert from 'node:assert/strict';
import { afterAll, beforeAll, test } from 'vitest';
import mqtt from 'mqtt';
import type { ConfigSite, CredentialInfo, NewCredentialAnswer } from '@hallmon/contract';
import { startTestServer, type TestServer } from '../helpers/server-process.ts';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { waitFor } from '../helpers/wait.ts';
import { run as configCli } from '../../server/src/config-cli.ts';
import { run as credentialCli } from '../../server/src/credential-cli.ts';

let pg: TestPostgres;
let a: TestServer;
let b: TestServer;
let tokens: { a: string; b: string };
let state: string;

beforeAll(async () => {
  pg = await startPostgres();
  state = await pg.createDatabase('config_group');
  [a, b] = await Promise.all([startTestServer({ state }), startTestServer({ state })]);
  tokens = { a: await a.login(), b: await b.login() };
}, 120_000);

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await pg?.stop();
});

const siteOn = async (s: TestServer, token: string, id: string) =>
  (await s.get<ConfigSite>(`/api/config/sites/${id}`, token)).body;

test('started at once, the two servers run one configuration, seeded once', async () => {
  const list = async (s: TestServer, token: string) =>
    (await s.get<{ id: string; version: number }[]>('/api/config/sites', token)).body.map((x) => [x.id, x.version]);
  const expected = [
    ['demo', 1],
    ['other', 1],
  ];
  assert.deepEqual(await list(a, tokens.a), expected);
  assert.deepEqual(await list(b, tokens.b), expected);
  assert.deepEqual(
    (await b.config.store.history('demo')).map((v) => [v.version, v.action]),
    [[1, 'seed']],
  );
});

test('a site changed through one server is applied by the other, both ways', async () => {
  const before = await siteOn(a, tokens.a, 'demo');
  const changed = await a.call<ConfigSite>(
    'PATCH',
    '/api/config/sites/demo',
    {
      settings: { openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:30', to: '18:00' }] },
      baseVersion: before.version.version,
      note: 'longer hours',
    },
    tokens.a,
  );
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
  const v = changed.body.version.version;
  assert.equal(v, before.version.version + 1);

  // B notices the new version (its poll of the change clock) and runs it.
  await waitFor(
    () => b.config.live.version('demo')?.version === v,
    "server B's live configuration at the version made through server A",
    30_000,
    100,
  );
  const seen = await siteOn(b, tokens.b, 'demo');
  assert.equal(seen.version.version, v);
  assert.equal(seen.version.actor, 'admin');
  assert.equal(seen.version.note, 'longer hours');
  assert.deepEqual(seen.config.openingHours, [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:30', to: '18:00' }]);
  assert.equal(seen.digest, changed.body.digest, 'the same message for the edge on both servers');
  assert.equal(b.config.live.sites.get('demo')!.openingHours[0]!.from, '08:30');

  // And the other way round: a change made from A's version through B is refused when stale ...
  const stale = await b.call(
    'PATCH',
    '/api/config/sites/demo',
    { settings: { renotifyAfterS: 600 }, baseVersion: v - 1 },
    tokens.b,
  );
  assert.equal(stale.status, 409);
  // ... and applied by A when made from the current one.
  const fromB = await b.call<ConfigSite>(
    'PATCH',
    '/api/config/sites/demo',
    { settings: { renotifyAfterS: 1200 }, baseVersion: v },
    tokens.b,
  );
  assert.equal(fromB.status, 200, JSON.stringify(fromB.body));
  assert.equal(fromB.body.version.version, v + 1);
  await waitFor(
    () => a.config.live.version('demo')?.version === v + 1,
    "server A's live configuration at the version made through server B",
    30_000,
    100,
  );
  assert.equal((await siteOn(a, tokens.a, 'demo')).version.version, v + 1);
  assert.equal(a.config.live.sites.get('demo')!.renotifyAfterS, 1200);
});

test("a credential made through one server logs in to the other's broker; revoked through the first, it is disconnected there", async () => {
  const made = await a.post<NewCredentialAnswer>(
    '/api/config/credentials',
    { site: 'demo', note: 'edge on B' },
    tokens.a,
  );
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const { credential, password } = made.body;

  // B takes the new credential within its poll: connect to B's broker until it admits it.
  const client = await waitFor(
    () =>
      mqtt
        .connectAsync(b.mqttUrl!, { username: credential.username, password, reconnectPeriod: 0 })
        .catch(() => undefined),
    "server B's broker admitting the credential made through A",
    30_000,
    200,
  );
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  try {
    const listed = await b.get<CredentialInfo[]>('/api/config/credentials?site=demo', tokens.b);
    assert.equal(listed.body.find((c) => c.id === credential.id)?.connected, true, 'connected to B');

    const revoked = await a.call<CredentialInfo>(
      'DELETE',
      `/api/config/credentials/${credential.id}`,
      undefined,
      tokens.a,
    );
    assert.equal(revoked.status, 200);
    await closed;
    await assert.rejects(
      mqtt.connectAsync(b.mqttUrl!, { username: credential.username, password, reconnectPeriod: 0 }),
      /Bad username or password|Not authorized/i,
    );
    const after = await b.get<CredentialInfo[]>('/api/config/credentials?site=demo&all=true', tokens.b);
    assert.equal(after.body.find((c) => c.id === credential.id)?.revokedBy, 'admin');
  } finally {
    await client.endAsync(true);
  }
});

test('hallmon config and hallmon credential with --state change the configuration of both servers', async () => {
  const lines: string[] = [];
  const out = (l: string) => void lines.push(l);
  const cur = (await a.config.store.current('demo'))!.version;
  assert.equal(await configCli(['list', '--state', state], out), 0);
  assert.ok(
    lines.some((l) => l.startsWith('demo') && l.includes(` v${cur} `)),
    lines.join('\n'),
  );
  lines.length = 0;
  assert.equal(
    await configCli(['rollback', '--site', 'demo', '--version', '1', '--note', 'back', '--state', state], out),
    0,
  );
  assert.deepEqual(lines, [`site demo: version ${cur + 1} has the content of version 1`]);
  for (const s of [a, b])
    await waitFor(() => s.config.live.version('demo')?.version === cur + 1, 'both servers at the rolled-back version');
  assert.equal(a.config.live.sites.get('demo')!.renotifyAfterS, 900);
  assert.equal(b.config.live.sites.get('demo')!.openingHours[0]!.from, '09:00');
  assert.equal((await b.config.store.current('demo'))!.actor.startsWith('cli:'), true);

  lines.length = 0;
  assert.equal(await credentialCli(['new', '--site', 'other', '--username', 'other-cli-gw', '--state', state], out), 0);
  const id = /\((cred-[0-9a-f]+)\)/.exec(lines[0]!)?.[1];
  assert.ok(id, lines.join('\n'));
  for (const s of [a, b])
    await waitFor(
      () => s.config.live.activeCredentials().some((c) => c.id === id),
      'both servers holding the credential made on the command line',
    );
  assert.equal(await credentialCli(['revoke', id, '--state', state], out), 0);
  for (const s of [a, b])
    await waitFor(
      () => !s.config.live.activeCredentials().some((c) => c.id === id),
      'both servers dropping the credential revoked on the command line',
    );
});
