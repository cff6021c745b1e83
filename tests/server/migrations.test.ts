// Upgrades (docs/operations.md, "Upgrades"): the migration runner every SQLite file uses (forward
// only, one transaction per step, recorded, a newer file refused), and a data dir written by the
// layout before versioned migrations (tests/fixtures/layout-0, made once and kept) opened by this
// release with every piece of its data intact: readings, the acknowledged alarm, users and their
// passwords, the audit trail, deliveries, the open follow-up, the seals (a pack still verifies),
// and the edge outbox's waiting records.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { addColumns, createLogger, migrate, MigrationError, type Migration } from '@hallmon/firmware-config';
import { startServer } from '@hallmon/server';
import { Outbox } from '@hallmon/edge';
import { run as evidenceCli } from '../../server/src/evidence-cli.ts';
import { freePort } from '../helpers/ports.ts';
import { tempDir } from '../helpers/tmp.ts';
import { REPO } from '../helpers/edge-process.ts';

const FIXTURE = join(REPO, 'tests', 'fixtures', 'layout-0');
const log = createLogger('test-migrations', 'warn');

const steps: Migration[] = [
  { version: 1, name: 'things', up: 'CREATE TABLE IF NOT EXISTS things (id INTEGER PRIMARY KEY, label TEXT NOT NULL)' },
  { version: 2, name: 'colour', up: (db) => addColumns(db, 'things', [['colour', 'TEXT']]) },
];

test('the runner applies each step once, in order, recorded; a second open applies nothing', (t) => {
  const dir = tempDir('hallmon-migrate-');
  t.onTestFinished(() => dir.remove());
  const db = new Database(join(dir.path, 'x.db'));
  t.onTestFinished(() => void db.close());
  const first = migrate(db, 'x.db', steps, () => 1234);
  assert.deepEqual(
    { from: first.from, to: first.to, applied: first.applied.map((m) => m.version) },
    { from: 0, to: 2, applied: [1, 2] },
  );
  assert.deepEqual(db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all(), [
    { version: 1, name: 'things', applied_at: 1234 },
    { version: 2, name: 'colour', applied_at: 1234 },
  ]);
  db.prepare(`INSERT INTO things (label, colour) VALUES ('a', 'red')`).run();
  const again = migrate(db, 'x.db', steps);
  assert.equal(again.applied.length, 0);
  assert.equal(again.from, 2);
});

test('the runner adopts a file made before migrations (tables and columns already there)', (t) => {
  const dir = tempDir('hallmon-migrate-');
  t.onTestFinished(() => dir.remove());
  const db = new Database(join(dir.path, 'x.db'));
  t.onTestFinished(() => void db.close());
  db.exec(`CREATE TABLE things (id INTEGER PRIMARY KEY, label TEXT NOT NULL, colour TEXT);
           INSERT INTO things (label, colour) VALUES ('kept', 'blue')`);
  const r = migrate(db, 'x.db', steps);
  assert.deepEqual(
    r.applied.map((m) => m.version),
    [1, 2],
  );
  assert.deepEqual(db.prepare('SELECT label, colour FROM things').all(), [{ label: 'kept', colour: 'blue' }]);
});

test('a failing step rolls back whole and names the file and step; a newer file is refused untouched', (t) => {
  const dir = tempDir('hallmon-migrate-');
  t.onTestFinished(() => dir.remove());
  const db = new Database(join(dir.path, 'x.db'));
  t.onTestFinished(() => void db.close());
  migrate(db, 'x.db', steps);
  const broken: Migration[] = [
    ...steps,
    {
      version: 3,
      name: 'half done',
      up: (d) => {
        d.exec('CREATE TABLE extra (id INTEGER)');
        d.exec('INSERT INTO no_such_table VALUES (1)');
      },
    },
  ];
  assert.throws(
    () => migrate(db, 'x.db', broken),
    (e: unknown) => e instanceof MigrationError && /x\.db: migration 3 \(half done\).*version 2/.test(e.message),
  );
  assert.equal(db.prepare(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'extra'`).pluck().get(), 0);
  assert.equal(migrate(db, 'x.db', steps).from, 2);

  db.prepare(`INSERT INTO schema_migrations VALUES (7, 'from a newer release', 0)`).run();
  assert.throws(
    () => migrate(db, 'x.db', steps),
    (e: unknown) => e instanceof MigrationError && /schema version 7.*newer hallmon/.test(e.message),
  );
});

/** Row counts of every table of every database in a data dir, read without hallmon. */
function counts(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.db'))) {
    const db = new Database(join(dir, f), { readonly: true });
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .pluck()
      .all() as string[];
    for (const tb of tables)
      if (tb !== 'schema_migrations')
        out[`${f}:${tb}`] = db.prepare(`SELECT COUNT(*) FROM "${tb}"`).pluck().get() as number;
    db.close();
  }
  return out;
}

test('a data dir of the layout before migrations opens with all its data, and its evidence still verifies', async (t) => {
  const dir = tempDir('hallmon-layout0-');
  t.onTestFinished(() => dir.remove());
  const dataDir = join(dir.path, 'server');
  cpSync(join(FIXTURE, 'server'), dataDir, { recursive: true });
  const before = counts(dataDir);
  assert.ok((before['hallmon.db:readings'] ?? 0) > 10_000, 'the fixture has a day of readings');

  const server = await startServer({
    dataDir,
    host: '127.0.0.1',
    httpPort: await freePort(),
    mqttPort: 0,
    mqttWs: false,
    log,
    print: () => undefined,
    strictResponses: true,
  });
  t.onTestFinished(() => server.stop());
  const login = async (username: string, password: string) => {
    const r = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return { status: r.status, body: (await r.json()) as { token: string; role: string; sites?: unknown } };
  };
  // Users keep their passwords, roles and sites.
  const admin = await login('admin', 'fixture-admin-pw');
  assert.equal(admin.status, 200);
  const wang = await login('wangwei', 'wangwei-password-1');
  assert.equal(wang.status, 200);
  assert.equal(wang.body.role, 'netadmin');
  const get = async (path: string, token = admin.body.token) =>
    (await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).json();

  const alarms = (await get('/api/alarms?site=demo&state=all&from=2025-05-01T00:00:00Z&to=2025-05-02T00:00:00Z')) as {
    id: string;
    ackedBy: string | null;
    peak: number | null;
  }[];
  const fixtureAlarm = alarms.find((a) => a.id === 'demo:5.2.2:mr-th-1:fixture');
  assert.equal(fixtureAlarm?.ackedBy, 'admin');
  assert.equal(fixtureAlarm?.peak, 31.2);
  const readings = (await get(
    '/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=2025-04-30T16:00:00Z&to=2025-05-01T16:00:00Z',
  )) as { points: unknown[] };
  assert.ok(readings.points.length > 1000, `${readings.points.length} machine-room readings`);
  const followups = (await get('/api/followups?site=demo&state=all')) as unknown[];
  assert.ok(followups.length >= 1, 'the open follow-up of the bad rating is there');
  await server.stop();

  // Nothing lost anywhere: every table has at least the rows it had (the server appends audit
  // entries and seals of its own), and every file now records its migrations.
  const after = counts(dataDir);
  for (const [k, n] of Object.entries(before)) assert.ok((after[k] ?? -1) >= n, `${k}: ${after[k]} rows, had ${n}`);
  assert.equal(after['hallmon.db:readings'], before['hallmon.db:readings']);
  assert.equal(after['users.db:users'], before['users.db:users']);
  for (const f of readdirSync(dataDir).filter((n) => n.endsWith('.db'))) {
    const db = new Database(join(dataDir, f), { readonly: true });
    const versions = db.prepare('SELECT version FROM schema_migrations').pluck().all();
    db.close();
    assert.ok(versions.length >= 1, `${f} records its migrations`);
  }

  // The seals made by the old layout still cover the data: a pack of the fixture's day verifies.
  const out = join(dir.path, 'pack');
  assert.equal(
    await evidenceCli([
      '--site',
      'demo',
      '--from',
      '2025-05-01',
      '--to',
      '2025-05-01',
      '--out',
      out,
      '--data-dir',
      dataDir,
    ]),
    0,
  );
  assert.equal(await evidenceCli(['verify', out, '--data-dir', dataDir]), 0);
});

test('an edge outbox of the layout before migrations keeps its waiting records, in order', (t) => {
  const dir = tempDir('hallmon-layout0-edge-');
  t.onTestFinished(() => dir.remove());
  cpSync(join(FIXTURE, 'edge'), dir.path, { recursive: true });
  const outbox = new Outbox({ dataDir: dir.path });
  outbox.open();
  t.onTestFinished(() => outbox.close());
  const s = outbox.stats();
  assert.deepEqual(
    { telemetry: s.streams.telemetry.count, events: s.streams.events.count, status: s.streams.status.count },
    { telemetry: 3, events: 1, status: 1 },
  );
  const telemetry = outbox.peek('telemetry', 10);
  assert.deepEqual(
    telemetry.map((r) => (JSON.parse(r.body) as { value: number }).value),
    [24.1, 24.2, 24.3],
  );
  const db = new Database(join(dir.path, 'outbox.db'), { readonly: true });
  t.onTestFinished(() => void db.close());
  assert.deepEqual(db.prepare('SELECT version FROM schema_migrations').pluck().all(), [1]);
});
