// Runs the shared store suite against the embedded SQLite store, plus what only SQLite promises:
// exact inserted/duplicate counts, data surviving a reopen, and rollups outliving pruned raw rows.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createLogger } from '@hallmon/firmware-config';
import { createStore } from '@hallmon/server';
import { tempDir } from '../helpers/tmp.ts';
import { storeSuite } from './store-suite.ts';

const log = createLogger('test-store-sqlite');
const dirs: Array<{ remove(): void }> = [];

storeSuite({
  name: 'sqlite',
  make: async () => {
    const dir = tempDir('hallmon-store-');
    dirs.push(dir);
    return createStore({ kind: 'sqlite', dataDir: dir.path }, log);
  },
  teardown: async () => {
    for (const d of dirs) d.remove();
  },
  exactWriteCounts: true,
  exactEventCounts: true,
  rollupsAfterWrite: false,
});

test('sqlite: data, rollups and counts survive close and reopen; the file is WAL', async (t) => {
  const dir = tempDir('hallmon-store-');
  t.onTestFinished(() => dir.remove());
  const T = Date.UTC(2025, 4, 1);
  const mk = () => createStore({ kind: 'sqlite', dataDir: dir.path }, log);
  const a = mk();
  await a.open();
  await a.writeReadings([
    { site: 'demo', sensor: 'hall-slm-1', metric: 'noise_laeq', ts: T, value: 90, quality: 'ok' },
    { site: 'demo', sensor: 'hall-slm-1', metric: 'noise_laeq', ts: T + 1000, value: 60, quality: 'ok' },
  ]);
  await a.close();
  assert.ok(existsSync(`${dir.path}/hallmon.db`));
  const b = mk();
  await b.open();
  t.onTestFinished(() => b.close());
  assert.equal(await b.countReadings('demo'), 2);
  // Written again after the reopen: still duplicates (the key is on disk, not in memory).
  assert.deepEqual(
    await b.writeReadings([
      { site: 'demo', sensor: 'hall-slm-1', metric: 'noise_laeq', ts: T, value: 90, quality: 'ok' },
    ]),
    { inserted: 0, duplicates: 1 },
  );
  const [m] = await b.readAggregate({
    site: 'demo',
    sensor: 'hall-slm-1',
    metric: 'noise_laeq',
    from: T,
    to: T + 60_000,
    step: '1m',
  });
  assert.equal(m?.count, 2);
  assert.ok(Math.abs((m?.laeq ?? 0) - 86.994) < 0.001, `laeq ${m?.laeq}`);
  assert.ok(statSync(`${dir.path}/hallmon.db-wal`, { throwIfNoEntry: false }) !== undefined, 'WAL file present');
});

test('sqlite: using a store before open() says what to do', async (t) => {
  const dir = tempDir('hallmon-store-');
  t.onTestFinished(() => dir.remove());
  const s = createStore({ kind: 'sqlite', dataDir: dir.path }, log);
  await assert.rejects(s.countReadings(), /call open\(\)/);
});

test('sqlite: a data dir that cannot be created, or a newer store schema, fails open() with the fix', async (t) => {
  const dir = tempDir('hallmon-store-');
  t.onTestFinished(() => dir.remove());
  writeFileSync(`${dir.path}/a-file`, 'x');
  const bad = createStore({ kind: 'sqlite', dataDir: `${dir.path}/a-file/data` }, log);
  await assert.rejects(bad.open(), /--data-dir/);

  const s = createStore({ kind: 'sqlite', dataDir: `${dir.path}/ok` }, log);
  await s.open();
  await s.close();
  const raw = new Database(`${dir.path}/ok/hallmon.db`);
  raw.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)`).run();
  raw.close();
  const newer = createStore({ kind: 'sqlite', dataDir: `${dir.path}/ok` }, log);
  await assert.rejects(newer.open(), /newer hallmon/);
});
