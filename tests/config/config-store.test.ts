// The server's site configuration store and editor on a real SQLite file: the seed rule (an empty
// store takes the site files; later only a --config file whose content changed is imported), every
// change a version with who/when/previous, roll back to any version, refusals that name the field,
// the audit trail, and credentials kept as scrypt hashes only.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  createLogger,
  loadCatalogue,
  loadProfiles,
  loadSites,
  verifySecret,
  type SiteConfig,
} from '@hallmon/firmware-config';
import { AuditLog } from '../../server/src/audit/audit-log.ts';
import { ConfigStore } from '../../server/src/config/config-store.ts';
import { ConfigEditor, EditorError } from '../../server/src/config/config-editor.ts';
import { seedConfig } from '../../server/src/config/config-seed.ts';
import { SqliteConfig } from '../../server/src/config/sqlite-config.ts';
import { tempDir } from '../helpers/tmp.ts';
import { DEMO_SITE_FILE } from '../helpers/server-process.ts';

const log = createLogger('test', 'silent');

function open(dir: string) {
  const file = new ConfigStore(dir).open();
  const store = new SqliteConfig(file);
  const audit = new AuditLog(dir).open();
  const editor = new ConfigEditor(store, audit, loadProfiles(), loadCatalogue());
  return { store, audit, editor, close: () => (file.close(), audit.close()) };
}

test('first start seeds from the site files; later only a changed --config file is imported', async (t) => {
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const file = join(dir.path, 'demo.json');
  copyFileSync(DEMO_SITE_FILE, file);

  let c = open(dir.path);
  const first = await seedConfig(c.editor, { files: [file] }, log);
  assert.deepEqual(first.seeded, ['demo']);
  const v1 = (await c.store.current('demo'))!;
  assert.equal(v1.version, 1);
  assert.equal(v1.action, 'seed');
  assert.equal(v1.previous, null);
  assert.equal(v1.config.gateway, undefined, 'the stored version carries no credential');
  const gw = await c.store.credentials({ site: 'demo', active: true });
  assert.equal(gw.length, 1);
  assert.equal(gw[0]!.username, 'demo-gateway');
  assert.ok(verifySecret('demo-gateway-secret', gw[0]!.passwordHash), 'the file credential moved to the store');

  // A change made from the dashboard (here: the editor) ...
  await c.editor.edit('demo', (s) => (s.name = '演示中心（改）'), 'admin');
  c.close();

  // ... survives a restart with the same --config file (unchanged content: not imported again).
  c = open(dir.path);
  const again = await seedConfig(c.editor, { files: [file] }, log);
  assert.deepEqual(again.imported, []);
  assert.equal((await c.store.current('demo'))!.config.name, '演示中心（改）');
  assert.equal((await c.store.current('demo'))!.version, 2);

  // An edited file is imported as a new version on the next start.
  const edited = JSON.parse(readFileSync(file, 'utf8')) as SiteConfig;
  edited.openingHours = [{ days: [1, 2, 3, 4, 5, 6, 7], from: '08:30', to: '17:30' }];
  writeFileSync(file, JSON.stringify(edited));
  const third = await seedConfig(c.editor, { files: [file] }, log);
  assert.deepEqual(third.imported, ['demo v3']);
  const v3 = (await c.store.current('demo'))!;
  assert.equal(v3.action, 'import');
  assert.equal(v3.previous, 2);
  assert.match(v3.summary, /openingHours/);
  assert.equal(v3.config.openingHours[0]!.from, '08:30');
  // The file's content wins for what it says, as a new version; the dashboard's name change is in v2.
  assert.equal(v3.config.name, edited.name);

  // Without --config the store is the source: the shipped files are not read again.
  const fourth = await seedConfig(c.editor, {}, log);
  assert.deepEqual(fourth, { seeded: [], imported: [], unchanged: [] });
  assert.deepEqual([...(await c.store.latest()).keys()], ['demo']);
  c.close();
});

test('every change is a version with who, when and the previous one; roll back to any version; audited', async (t) => {
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const c = open(dir.path);
  t.onTestFinished(() => c.close());
  await seedConfig(c.editor, { sites: loadSites([DEMO_SITE_FILE]) }, log);
  const add = await c.editor.edit(
    'demo',
    (s) =>
      s.zones
        .find((z) => z.id === 'machine-room')!
        .devices.push({ id: 'mr-th-3', profile: 'th-modbus-f03', name: '机房第三路' }),
    'admin',
    { note: 'new transmitter', ip: '127.0.0.1' },
  );
  assert.equal(add.version, 2);
  assert.equal(add.previous, 1);
  assert.equal(add.actor, 'admin');
  assert.equal(add.note, 'new transmitter');
  assert.equal(add.summary, 'devices +mr-th-3');
  const rename = await c.editor.edit('demo', (s) => (s.zones[0]!.name = '大厅'), 'admin');
  assert.equal(rename.version, 3);
  assert.match(rename.summary, /zones ~hall/);

  // An identical replace makes no version.
  assert.equal((await c.editor.replace('demo', rename.config, 'admin')).version, 3);
  // A change made from an older version is refused (someone else changed the site meanwhile).
  await assert.rejects(
    () => c.editor.edit('demo', (s) => (s.name = 'x'), 'other', { expected: 2 }),
    (e: unknown) => e instanceof EditorError && e.code === 'conflict',
  );

  const back = await c.editor.rollback('demo', 1, 'admin');
  assert.equal(back.version, 4);
  assert.equal(back.action, 'rollback');
  assert.equal(back.previous, 3);
  assert.deepEqual(back.config, (await c.store.version('demo', 1))!.config, 'version 4 has the content of version 1');
  assert.match(back.summary, /-mr-th-3/);
  assert.deepEqual(
    (await c.store.history('demo')).map((v) => [v.version, v.action]),
    [
      [1, 'seed'],
      [2, 'update'],
      [3, 'update'],
      [4, 'rollback'],
    ],
  );
  // Removing is a version too, and a roll back brings the site back.
  const gone = await c.editor.remove('demo', 'admin');
  assert.equal(gone.deleted, true);
  await assert.rejects(
    () => c.editor.live('demo'),
    (e: unknown) => e instanceof EditorError && e.code === 'unknown',
  );
  const revived = await c.editor.rollback('demo', 2, 'admin');
  assert.equal(revived.deleted, false);
  assert.ok(revived.config.zones.some((z) => z.devices.some((d) => d.id === 'mr-th-3')));

  const trail = (await c.audit.list({ sites: ['demo'], global: false })).filter((e) => e.action === 'config-change');
  assert.deepEqual(
    trail.map((e) => [e.actor, e.target, e.detail.change]),
    [
      ['system', 'v1', 'seed'],
      ['admin', 'v2', 'update'],
      ['admin', 'v3', 'update'],
      ['admin', 'v4', 'rollback'],
      ['admin', 'v5', 'delete'],
      ['admin', 'v6', 'rollback'],
    ],
  );
  assert.equal(trail[1]!.ip, '127.0.0.1');
  assert.equal(trail[1]!.detail.summary, 'devices +mr-th-3');
});

test('a refused change names every field and leaves the store as it was', async (t) => {
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const c = open(dir.path);
  t.onTestFinished(() => c.close());
  await seedConfig(c.editor, { sites: loadSites([DEMO_SITE_FILE]) }, log);
  const problems = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      assert.ok(err instanceof ConfigError, String(err));
      return err.problems.map((p) => `${p.path}: ${p.message}`);
    }
    assert.fail('the change was accepted');
  };
  const got = await problems(() =>
    c.editor.edit(
      'demo',
      (s) => {
        s.edge = { buses: [{ id: 'mr-bus', port: '/dev/ttyUSB0' }] };
        const mr = s.zones.find((z) => z.id === 'machine-room')!;
        mr.devices[0]!.bus = 'mr-bus';
        mr.devices[0]!.unitId = 1;
        mr.devices[1]!.bus = 'mr-bus';
        mr.devices[1]!.unitId = 1;
        mr.devices.push({ id: 'x1', profile: 'no-such-profile' });
        s.limitProfiles = [{ profile: 'nope' }];
        s.openingHours[0]!.to = '08:00';
      },
      'admin',
    ),
  );
  const text = got.join('\n');
  // mr-th-2 (th-modbus-f04) on the same bus at unit 1: the slave address clash is named.
  assert.match(text, /\/zones\/\d\/devices\/1\/unitId: slave address 1 is already used on bus "mr-bus" by "mr-th-1"/);
  // The machine room holds mr-th-1, mr-th-2, the DI module and the UPS: the new device is the fifth.
  assert.match(text, /\/zones\/\d\/devices\/4\/profile: unknown profile "no-such-profile"/);
  assert.match(text, /\/limitProfiles\/0\/profile: unknown limit profile "nope"/);
  assert.match(text, /\/openingHours\/0\/to: closing time 08:00 must be after opening time 09:00/);
  // Schema problems name the path too.
  const schema = await problems(() =>
    c.editor.edit('demo', (s) => ((s.zones[0]! as { kind: string }).kind = 'garage'), 'admin'),
  );
  assert.ok(
    schema.some((p) => p.startsWith('/zones/0/kind')),
    schema.join('\n'),
  );
  assert.equal((await c.store.current('demo'))!.version, 1, 'nothing was stored');
});

test('credentials: the secret is answered once and only its scrypt hash is kept; revoking is audited', async (t) => {
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const c = open(dir.path);
  t.onTestFinished(() => c.close());
  await seedConfig(c.editor, { sites: loadSites([DEMO_SITE_FILE]) }, log);
  const gw = await c.editor.newCredential({ site: 'demo', username: 'demo-edge-2' }, 'admin');
  assert.equal(gw.credential.device, null);
  assert.ok(gw.password.length >= 20);
  const stored = (await c.store.credential(gw.credential.id))!;
  assert.match(stored.passwordHash, /^scrypt\$/);
  assert.ok(verifySecret(gw.password, stored.passwordHash));
  const raw = readFileSync(join(dir.path, 'config.db'));
  assert.equal(raw.includes(Buffer.from(gw.password)), false, 'the secret itself is nowhere in config.db');

  const dev = await c.editor.newCredential({ site: 'demo', device: 'eval-w01' }, 'admin');
  assert.equal(dev.credential.username, 'eval-w01', 'a device logs in with its id');
  await assert.rejects(
    () => c.editor.newCredential({ site: 'demo', device: 'mr-th-1' }, 'admin'),
    (e: unknown) => e instanceof EditorError && /only MQTT devices/.test(e.message),
  );
  await assert.rejects(
    () => c.editor.newCredential({ site: 'demo', username: 'demo-edge-2' }, 'admin'),
    (e: unknown) => e instanceof EditorError && e.code === 'exists',
  );
  await c.editor.revoke(gw.credential.id, 'admin');
  assert.equal(
    (await c.store.credentials({ site: 'demo', active: true })).some((x) => x.id === gw.credential.id),
    false,
  );
  await assert.rejects(
    () => c.editor.revoke(gw.credential.id, 'admin'),
    (e: unknown) => e instanceof EditorError,
  );
  const actions = (await c.audit.list({ sites: ['demo'], global: false })).map((e) => `${e.action} ${e.target}`);
  assert.ok(actions.includes('credential-create demo-edge-2'));
  assert.ok(actions.includes('credential-create eval-w01'));
  assert.ok(actions.includes('credential-revoke demo-edge-2'));
});
