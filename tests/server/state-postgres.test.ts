// The shared state suite (state-suite.ts) on PostgreSQL: a temporary cluster of Debian's
// postgresql on a free loopback port, one database migrated from empty; plus what only PostgreSQL
// has: migrations recorded and refused when newer, a bad --state URL named without its password,
// and duty leases shared by two servers and taken over when one stops renewing.
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import pg from 'pg';
import { createLogger } from '@hallmon/firmware-config';
import { MIGRATIONS, openState, type StateBackend, type Store } from '@hallmon/server';
import { createStore } from '@hallmon/server';
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { stateSuite } from './state-suite.ts';

const log = createLogger('test', 'warn');
let server: TestPostgres | undefined;
const pgReady = startPostgres();
const dir = tempDir('hallmon-state-pg-');
let store: Store | undefined;

stateSuite('postgres', {
  open: async () => openState({ dataDir: dir.path, state: (server = await pgReady).url }, log),
  store: async () => {
    // Time series stay in the SQLite store here; the alarms are answered by PostgreSQL.
    store = createStore({ kind: 'sqlite', dataDir: dir.path }, log);
    await store.open();
    return store;
  },
  close: async () => {
    await store?.close();
  },
});

describe('postgres only', () => {
  let url: string;
  beforeAll(async () => {
    server = await pgReady;
    url = await server.createDatabase('extra');
  });
  afterAll(async () => {
    await server?.stop();
    dir.remove();
  });

  test('migrations are recorded once, and a database newer than this hallmon is refused', async () => {
    const a = await openState({ dataDir: dir.path, state: url }, log);
    await a.close();
    const b = await openState({ dataDir: dir.path, state: url }, log);
    await b.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const { rows } = await c.query<{ version: number }>('SELECT version FROM hallmon_migrations ORDER BY version');
      assert.deepEqual(
        rows.map((r) => r.version),
        MIGRATIONS.map((m) => m.version),
      );
      await c.query(`INSERT INTO hallmon_migrations (version, name) VALUES (999, 'from the future')`);
    } finally {
      await c.end();
    }
    await assert.rejects(openState({ dataDir: dir.path, state: url }, log), /schema version 999, newer than/);
  });

  test('an unreachable --state database names the URL without its password and what to check', async () => {
    const bad = `postgres://hallmon:sekrit-pass@127.0.0.1:${server!.port}/no_such_db`;
    await assert.rejects(openState({ dataDir: dir.path, state: bad }, log), (err: Error) => {
      assert.doesNotMatch(err.message, /sekrit-pass/);
      assert.match(err.message, /postgres:\/\/hallmon:\*\*\*@127\.0\.0\.1:\d+\/no_such_db/);
      assert.match(err.message, /database exists/);
      return true;
    });
  });

  test('two servers share the duty leases; the survivor takes the sites of one that stops', async () => {
    const url2 = await server!.createDatabase('leases');
    const sites = ['a', 'b', 'c', 'd', '*'];
    const s1: StateBackend = await openState({ dataDir: dir.path, state: url2 }, log);
    const s2: StateBackend = await openState({ dataDir: dir.path, state: url2 }, log);
    const l1 = s1.leases({ sites, ttlMs: 2000 });
    const l2 = s2.leases({ sites, ttlMs: 2000 });
    try {
      await l1.start();
      assert.deepEqual(l1.owned().sort(), [...sites].sort(), 'alone, the first takes every site');
      await l2.start();
      // The first hands back its surplus; the second takes it: each site has exactly one owner.
      await waitFor(
        () => l1.owned().length > 0 && l2.owned().length > 0 && l1.owned().length + l2.owned().length === sites.length,
        'the sites spread over both servers',
        30_000,
        100,
      );
      for (const s of sites) assert.equal(Number(l1.owns(s)) + Number(l2.owns(s)), 1, `one owner for ${s}`);
      assert.deepEqual([await l1.lapsed(), await l2.lapsed()], [[], []], 'both heart-beating');
      const gained: string[] = [];
      l2.onChange((g) => gained.push(...g));
      const held = l1.owned();
      await l1.stop();
      // Stopped at once (its heartbeat ended with it), before it counts as dead.
      assert.deepEqual(await l2.lapsed(), [l1.me]);
      await waitFor(() => l2.owned().length === sites.length, 'the survivor owns every site', 30_000, 100);
      assert.deepEqual(gained.sort(), held.sort());
      // The stopped server is dead to the group until someone takes over its broker session.
      await waitFor(
        async () => (await l2.dead()).join() === l1.me,
        'the stopped server counted dead a lease time after its last heartbeat',
        30_000,
        100,
      );
      await l2.forget(l1.me);
      assert.deepEqual([await l2.dead(), await l2.lapsed()], [[], []], 'forgotten once its session is taken over');
    } finally {
      await l2.stop();
      await s1.close();
      await s2.close();
    }
  });
});
