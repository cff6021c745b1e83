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
});

test('influxdb: open() against nothing listening names the URL and the fix', async () => {
  const port = await freePort();
  const s = createStore({ kind: 'influxdb', url: `http://127.0.0.1:${port}` }, log);
  await assert.rejects(s.open(), (err: Error) => err.message.includes(`127.0.0.1:${port}`) && /--influx-url/.test(err.message));
});

test('influxdb: the --influx-url path names the database (http://host:8086/mydb)', async (t) => {
  if (!influx) throw new Error('influxd did not start');
  const url = influx.url;
  const s = createStore({ kind: 'influxdb', url: `${url}/from_url_db` }, log);
  await s.open();
  t.onTestFinished(() => s.close());
  assert.equal(s.kind, 'influxdb');
  await s.writeReadings([{ site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: Date.UTC(2025, 4, 1), value: 21, quality: 'ok' }]);
  const res = await fetch(`${url}/query?q=${encodeURIComponent('SHOW DATABASES')}`);
  const body = await res.text();
  assert.match(body, /"from_url_db"/);
  const q = await fetch(`${url}/query?db=from_url_db&epoch=ms&q=${encodeURIComponent('SELECT count(value) FROM reading')}`);
  assert.match(await q.text(), /"values":\[\[0,1\]\]/);
});

test('influxdb: URLs are parsed into base, database and basic auth', () => {
  assert.deepEqual(parseInfluxUrl('http://127.0.0.1:8086'), { base: 'http://127.0.0.1:8086' });
  assert.deepEqual(parseInfluxUrl('http://127.0.0.1:8086/hallmon/'), { base: 'http://127.0.0.1:8086', database: 'hallmon' });
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
  assert.deepEqual(got.map((x) => [x.sensor, x.value]), [[sensor, 800]]);
  await s.writeEvents([{ site: 'demo', device: 'eval w01', type: 'rating', ts: T, score: 4, detail: `quote " back \\ newline \n 中文 'single'` }]);
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
  await a.writeReadings([0, 1, 2].map((i) => ({ site: 'demo', sensor: 'mr-th-1', metric: 'temperature' as const, ts: T + i * 60_000, value: 20 + i, quality: 'ok' as const })));
  assert.deepEqual(Array.from((await a.readHourRollups(q)).sum), [63]);
  // Late data into that hour and a new hour; then "a crash": a second process opens the database
  // while the first never compacted (its dirty set is lost with it).
  await a.writeReadings([{ site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: T + 30_000, value: 7, quality: 'ok' }, { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: T + 3_600_000, value: 5, quality: 'ok' }]);
  const b = createStore({ kind: 'influxdb', url: influx.url, database: 'crash' }, log);
  await b.open();
  t.onTestFinished(() => b.close());
  const got = await b.readHourRollups(q);
  assert.deepEqual([Array.from(got.ts), Array.from(got.count), Array.from(got.sum)], [[T, T + 3_600_000], [4, 1], [70, 5]]);
});

test('influxdb: a database written before rollup_1h existed gets its hourly rollups built on open', async (t) => {
  if (!influx) throw new Error('influxd did not start');
  const T = Date.UTC(2025, 4, 1);
  const url = influx.url;
  await fetch(`${url}/query?q=${encodeURIComponent('CREATE DATABASE legacy')}`, { method: 'POST' });
  // Raw points as the store wrote them before (no markers, no rollup_state).
  const lines = [0, 1, 2].map((i) => `reading,metric=co2,sensor=hall-co2-1,site=demo value=${800 + i},quality="ok" ${T + i * 3_600_000}`).join('\n');
  const w = await fetch(`${url}/write?db=legacy&precision=ms`, { method: 'POST', body: lines });
  assert.equal(w.status, 204);
  const s = createStore({ kind: 'influxdb', url, database: 'legacy' }, log) as InfluxStore;
  await s.open();
  t.onTestFinished(() => s.close());
  const got = await s.readHourRollups({ site: 'demo', sensor: 'hall-co2-1', metric: 'co2', from: T, to: T + 3 * 3_600_000 });
  assert.deepEqual([Array.from(got.ts), Array.from(got.sum)], [[T, T + 3_600_000, T + 2 * 3_600_000], [800, 801, 802]]);
  assert.equal(await s.flushRollups(), 0, 'nothing left to recompute');
});
