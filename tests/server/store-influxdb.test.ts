// Runs the shared store suite against a real influxd (Debian's InfluxDB 1.6) started on a free
// loopback port; each case gets its own database. The one documented difference from SQLite: write
// counts are batch sizes (InfluxDB cannot tell an overwrite from a new point cheaply).
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import { createLogger } from '@hallmon/firmware-config';
import { createStore, type InfluxStore } from '@hallmon/server';
import { startInfluxd, type TestInfluxd } from '../helpers/influxd.ts';
import { freePort } from '../helpers/ports.ts';
import { parseInfluxUrl } from '../../server/src/store/influxdb/influx-store.ts';
import { storeSuite } from './store-suite.ts';

const log = createLogger('test-store-influxdb');
let influx: TestInfluxd | undefined;

// File-level hooks: one influxd serves the shared suite and the InfluxDB-only cases below.
beforeAll(async () => {
  influx = await startInfluxd();
}, 60_000);
afterAll(async () => {
  await influx?.stop();
}, 60_000);

storeSuite({
  name: 'influxdb',
  make: async (n) => {
    if (!influx) throw new Error('influxd did not start');
    return createStore({ kind: 'influxdb', url: influx.url, database: `hallmon_test_${n}` }, log);
  },
  exactWriteCounts: false,
  exactEventCounts: false,
  rollupsAfterWrite: true,
});

// The same cases with the bulk traffic on the influx package instead of the hand-written path
// (JSON answers through queryRaw, readings through writePoints): both must answer the same.
storeSuite({
  name: 'influxdb, bulk reads and reading writes through the influx package',
  make: async (n) => {
    if (!influx) throw new Error('influxd did not start');
    return createStore(
      {
        kind: 'influxdb',
        url: influx.url,
        database: `hallmon_pkg_${n}`,
        paths: { bulkReads: 'influx', readingWrites: 'influx' },
      },
      log,
    );
  },
  exactWriteCounts: false,
  exactEventCounts: false,
  rollupsAfterWrite: true,
});

test('influxdb: open() against nothing listening names the URL and the fix', async () => {
  const port = await freePort();
  const s = createStore({ kind: 'influxdb', url: `http://127.0.0.1:${port}` }, log);
  await assert.rejects(
    s.open(),
    (err: Error) => err.message.includes(`127.0.0.1:${port}`) && /--influx-url/.test(err.message),
  );
});

test('influxdb: the --influx-url path names the database (http://host:8086/mydb)', async (t) => {
  if (!influx) throw new Error('influxd did not start');
  const url = influx.url;
  const s = createStore({ kind: 'influxdb', url: `${url}/from_url_db` }, log);
  await s.open();
  t.onTestFinished(() => s.close());
  assert.equal(s.kind, 'influxdb');
  await s.writeReadings([
    { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: Date.UTC(2025, 4, 1), value: 21, quality: 'ok' },
  ]);
  const res = await fetch(`${url}/query?q=${encodeURIComponent('SHOW DATABASES')}`);
  const body = await res.text();
  assert.match(body, /"from_url_db"/);
  const q = await fetch(
    `${url}/query?db=from_url_db&epoch=ms&q=${encodeURIComponent('SELECT count(value) FROM reading')}`,
  );
  assert.match(await q.text(), /"values":\[\[0,1\]\]/);
});

test('influxdb: URLs are parsed into base, database and basic auth', () => {
  assert.deepEqual(parseInfluxUrl('http://127.0.0.1:8086'), { base: 'http://127.0.0.1:8086' });
  assert.deepEqual(parseInfluxUrl('http://127.0.0.1:8086/hallmon/'), {
    base: 'http://127.0.0.1:8086',
    database: 'hallmon',
  });
  assert.deepEqual(parseInfluxUrl('https://u:p%40ss@db.local:8086/x'), {
    base: 'https://db.local:8086',
    database: 'x',
    auth: `Basic ${Buffer.from('u:p@ss').toString('base64')}`,
  });
  assert.throws(() => parseInfluxUrl('127.0.0.1:8086'), /http/);
  assert.throws(() => parseInfluxUrl('not a url'), /InfluxDB URL/);
});

test('influxdb: line protocol escapes tags and strings so odd ids round-trip', async (t) => {
  if (!influx) throw new Error('influxd did not start');
  const s = createStore({ kind: 'influxdb', url: influx.url, database: 'escapes' }, log);
  await s.open();
  t.onTestFinished(() => s.close());
  const T = Date.UTC(2025, 4, 1);
  // Wire ids cannot hold these characters, but the store must not corrupt a line if one gets through.
  const sensor = 'odd sensor,a=b\\x';
  await s.writeReadings([{ site: 'demo', sensor, metric: 'co2', ts: T, value: 800, quality: 'ok' }]);
  const got = await s.readRaw({ site: 'demo', sensor, metric: 'co2', from: T, to: T + 1 });
  assert.deepEqual(
    got.map((x) => [x.sensor, x.value]),
    [[sensor, 800]],
  );
  await s.writeEvents([
    {
      site: 'demo',
      device: 'eval w01',
      type: 'rating',
      ts: T,
      score: 4,
      detail: `quote " back \\ newline \n 中文 'single'`,
    },
  ]);
  const [e] = await s.readEvents({ site: 'demo', from: T, to: T + 1 });
  assert.equal(e?.device, 'eval w01');
  assert.equal(e?.detail, `quote " back \\ newline \n 中文 'single'`);
});

test('influxdb: hours dirtied before a crash are recomputed by the next process (persisted markers)', async (t) => {
  if (!influx) throw new Error('influxd did not start');
  const T = Date.UTC(2025, 4, 1);
  const a = createStore({ kind: 'influxdb', url: influx.url, database: 'crash' }, log);
  await a.open();
  t.onTestFinished(() => a.close());
  const q = { site: 'demo', sensor: 'mr-th-1', metric: 'temperature' as const, from: T, to: T + 3 * 3_600_000 };
  await a.writeReadings(
    [0, 1, 2].map((i) => ({
      site: 'demo',
      sensor: 'mr-th-1',
      metric: 'temperature' as const,
      ts: T + i * 60_000,
      value: 20 + i,
      quality: 'ok' as const,
    })),
  );
  assert.deepEqual(Array.from((await a.readHourRollups(q)).sum), [63]);
  // Late data into that hour and a new hour; then "a crash": a second process opens the database
  // while the first never compacted (its dirty set is lost with it).
  await a.writeReadings([
    { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: T + 30_000, value: 7, quality: 'ok' },
    { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: T + 3_600_000, value: 5, quality: 'ok' },
  ]);
  const b = createStore({ kind: 'influxdb', url: influx.url, database: 'crash' }, log);
  await b.open();
  t.onTestFinished(() => b.close());
  const got = await b.readHourRollups(q);
  assert.deepEqual(
    [Array.from(got.ts), Array.from(got.count), Array.from(got.sum)],
    [
      [T, T + 3_600_000],
      [4, 1],
      [70, 5],
    ],
  );
});

test('influxdb: a database written before rollup_1h existed gets its hourly rollups built on open', async (t) => {
  if (!influx) throw new Error('influxd did not start');
  const T = Date.UTC(2025, 4, 1);
  const url = influx.url;
  await fetch(`${url}/query?q=${encodeURIComponent('CREATE DATABASE legacy')}`, { method: 'POST' });
  // Raw points as the store wrote them before (no markers, no rollup_state).
  const lines = [0, 1, 2]
    .map((i) => `reading,metric=co2,sensor=hall-co2-1,site=demo value=${800 + i},quality="ok" ${T + i * 3_600_000}`)
    .join('\n');
  const w = await fetch(`${url}/write?db=legacy&precision=ms`, { method: 'POST', body: lines });
  assert.equal(w.status, 204);
  const s = createStore({ kind: 'influxdb', url, database: 'legacy' }, log) as InfluxStore;
  await s.open();
  t.onTestFinished(() => s.close());
  const got = await s.readHourRollups({
    site: 'demo',
    sensor: 'hall-co2-1',
    metric: 'co2',
    from: T,
    to: T + 3 * 3_600_000,
  });
  assert.deepEqual(
    [Array.from(got.ts), Array.from(got.sum)],
    [
      [T, T + 3_600_000, T + 2 * 3_600_000],
      [800, 801, 802],
    ],
  );
  assert.equal(await s.flushRollups(), 0, 'nothing left to recompute');
});

/** Runs InfluxQL on the test influxd directly (not through the store under test). */
async function influxql(
  q: string,
  db?: string,
): Promise<{ results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }>; error?: string }> }> {
  if (!influx) throw new Error('influxd did not start');
  const body = new URLSearchParams({ q, ...(db ? { db } : {}) });
  const res = await fetch(`${influx.url}/query`, { method: 'POST', body });
  return (await res.json()) as {
    results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }>; error?: string }>;
  };
}

test('influxdb: a backslash before an apostrophe in free text round-trips (event detail, alarm message, ack note)', async (t) => {
  if (!influx) throw new Error('influxd did not start');
  const s = createStore({ kind: 'influxdb', url: influx.url, database: 'apostrophes' }, log);
  await s.open();
  t.onTestFinished(() => s.close());
  const T = Date.UTC(2025, 4, 1);
  // The influx package's own escaper would store `it\\'s` for this (a doubled backslash).
  const text = "it\\'s \\\\'' end\\";
  await s.writeEvents([{ site: 'demo', device: 'edge', type: 'data_gap', ts: T, detail: text }]);
  assert.equal((await s.readEvents({ site: 'demo', from: T, to: T + 1 }))[0]?.detail, text);
  const alarm = {
    id: 'demo:x',
    site: 'demo',
    clause: '1.3.3',
    rule: 'noise-max',
    sensor: 'hall-slm-1',
    severity: 'warning' as const,
    state: 'raised' as const,
    ts: T,
    startedAt: T,
    message: text,
  };
  await s.writeAlarms([alarm]);
  await s.ackAlarm(alarm.id, 'duty', text, T + 1);
  const got = await s.getAlarm(alarm.id);
  assert.equal(got?.message, text);
  assert.equal(got?.ackNote, text);
});

test('influxdb: the default retention policy keeps data for ever (created when missing, made infinite when finite)', async (t) => {
  if (!influx) throw new Error('influxd did not start');
  const policies = async (db: string) =>
    (await influxql(`SHOW RETENTION POLICIES ON "${db}"`)).results[0]?.series?.[0]?.values ?? [];
  // An operator's database whose default policy expires data after 30 days.
  await influxql('CREATE DATABASE rp_finite WITH DURATION 30d NAME month');
  assert.deepEqual(
    (await policies('rp_finite')).map((v) => [v[0], v[1], v[4]]),
    [['month', '720h0m0s', true]],
  );
  const a = createStore({ kind: 'influxdb', url: influx.url, database: 'rp_finite' }, log);
  await a.open();
  t.onTestFinished(() => a.close());
  assert.deepEqual(
    (await policies('rp_finite')).map((v) => [v[0], v[1], v[4]]),
    [['month', '0s', true]],
  );
  // A database left without any retention policy: writes would fail until one exists.
  await influxql('CREATE DATABASE rp_none');
  await influxql('DROP RETENTION POLICY autogen ON rp_none');
  assert.deepEqual(await policies('rp_none'), []);
  const b = createStore({ kind: 'influxdb', url: influx.url, database: 'rp_none' }, log);
  await b.open();
  t.onTestFinished(() => b.close());
  assert.deepEqual(
    (await policies('rp_none')).map((v) => [v[0], v[1], v[4]]),
    [['autogen', '0s', true]],
  );
  const T = Date.UTC(2025, 4, 1);
  await b.writeReadings([{ site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: T, value: 21, quality: 'ok' }]);
  assert.equal(await b.countReadings(), 1);
  // A new database keeps what CREATE DATABASE made.
  const c = createStore({ kind: 'influxdb', url: influx.url, database: 'rp_new' }, log);
  await c.open();
  t.onTestFinished(() => c.close());
  assert.deepEqual(
    (await policies('rp_new')).map((v) => [v[0], v[1], v[4]]),
    [['autogen', '0s', true]],
  );
});

test('influxdb: opening a database of an older layout drops the measurement nothing reads any more (noise_1m)', async (t) => {
  if (!influx) throw new Error('influxd did not start');
  const T = Date.UTC(2025, 4, 1);
  await influxql('CREATE DATABASE layout4');
  const lines = [
    `reading,metric=co2,sensor=hall-co2-1,site=demo value=800,quality="ok" ${T}`,
    `noise_1m,metric=noise_laeq,sensor=hall-slm-1,site=demo energy=1e9,edur=1 ${T}`,
    'rollup_state version=4i 0',
  ].join('\n');
  assert.equal(
    (await fetch(`${influx.url}/write?db=layout4&precision=ms`, { method: 'POST', body: lines })).status,
    204,
  );
  const measurements = async () =>
    ((await influxql('SHOW MEASUREMENTS', 'layout4')).results[0]?.series?.[0]?.values ?? []).map((v) => v[0]);
  assert.ok((await measurements()).includes('noise_1m'));
  const s = createStore({ kind: 'influxdb', url: influx.url, database: 'layout4' }, log);
  await s.open();
  t.onTestFinished(() => s.close());
  assert.ok(!(await measurements()).includes('noise_1m'));
  assert.ok((await measurements()).includes('reading'));
  const got = await s.readHourRollups({
    site: 'demo',
    sensor: 'hall-co2-1',
    metric: 'co2',
    from: T,
    to: T + 3_600_000,
  });
  assert.deepEqual(Array.from(got.sum), [800]);
});

test('influxdb: basic auth from the URL (user:password@) on an influxd with auth enabled', async (t) => {
  const secured = await startInfluxd({ httpSettings: ['auth-enabled = true'] });
  t.onTestFinished(() => secured.stop());
  // With no user yet, InfluxDB 1.x accepts the statement that creates the first admin.
  const made = await fetch(`${secured.url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q: `CREATE USER "ops" WITH PASSWORD 'p@ss:w0rd' WITH ALL PRIVILEGES` }),
  });
  assert.equal(made.status, 200);
  const port = new URL(secured.url).port;
  const s = createStore(
    { kind: 'influxdb', url: `http://ops:${encodeURIComponent('p@ss:w0rd')}@127.0.0.1:${port}/secured` },
    log,
  );
  await s.open();
  t.onTestFinished(() => s.close());
  const T = Date.UTC(2025, 4, 1);
  // Writes, small reads (the package) and bulk reads (the MessagePack path) all carry the credentials.
  await s.writeReadings([
    { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: T, value: 21.5, quality: 'ok' },
  ]);
  assert.equal(await s.countReadings(), 1);
  assert.deepEqual(
    (await s.readRaw({ site: 'demo', sensor: 'mr-th-1', metric: 'temperature', from: T, to: T + 1 })).map(
      (x) => x.value,
    ),
    [21.5],
  );
  assert.deepEqual(
    Array.from(
      (await s.readHourRollups({ site: 'demo', sensor: 'mr-th-1', metric: 'temperature', from: T, to: T + 3_600_000 }))
        .sum,
    ),
    [21.5],
  );
  const anonymous = createStore({ kind: 'influxdb', url: `http://127.0.0.1:${port}/secured` }, log);
  await assert.rejects(
    anonymous.open(),
    (err: Error) => err.message.includes(`127.0.0.1:${port}`) && /refused|auth/i.test(err.message),
  );
  const wrong = createStore({ kind: 'influxdb', url: `http://ops:nope@127.0.0.1:${port}/secured` }, log);
  await assert.rejects(wrong.open(), /authorization failed/);
  // A user with rights on one database only (no admin, so no CREATE DATABASE): the store opens on
  // the database an admin made; on one whose policy expires data it says what an admin must run.
  const admin = async (q: string) => {
    const res = await fetch(`${secured.url}/query`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('ops:p@ss:w0rd').toString('base64')}` },
      body: new URLSearchParams({ q }),
    });
    const body = (await res.json()) as { results: Array<{ error?: string; series?: Array<{ values: unknown[][] }> }> };
    assert.equal(body.results[0]?.error, undefined, q);
    return body;
  };
  await admin('CREATE DATABASE mine');
  await admin('CREATE DATABASE limited WITH DURATION 30d NAME month');
  await admin(`CREATE USER "writer" WITH PASSWORD 'w'`);
  await admin('GRANT ALL ON mine TO writer');
  await admin('GRANT ALL ON limited TO writer');
  const mine = createStore({ kind: 'influxdb', url: `http://writer:w@127.0.0.1:${port}/mine` }, log);
  await mine.open();
  t.onTestFinished(() => mine.close());
  await mine.writeReadings([
    { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: T, value: 19, quality: 'ok' },
  ]);
  assert.equal(await mine.countReadings(), 1);
  const limited = createStore({ kind: 'influxdb', url: `http://writer:w@127.0.0.1:${port}/limited` }, log);
  await assert.rejects(
    limited.open(),
    (err: Error) =>
      err.message.includes('ALTER RETENTION POLICY "month" ON "limited" DURATION INF DEFAULT') &&
      /admin/.test(err.message),
  );
  const rp = await admin('SHOW RETENTION POLICIES ON limited');
  assert.deepEqual(
    rp.results[0]?.series?.[0]?.values.map((v) => [v[0], v[1]]),
    [['month', '720h0m0s']],
  );
});
