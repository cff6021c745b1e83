// Verify over days whose raw readings were pruned. A format-2/3 seal carries a digest of the
// day's minute rollups: a pruned day verifies against it (and the report says so), and a changed
// minute rollup is named. A format-1 seal (older seals.db) over a pruned day is "cannot be
// re-verified" with exit code 3, never "altered". The SQL fast path gives the generic text.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  writePack,
  siteSchedule,
  SealStore,
  chainLink,
  dayDigests,
  dayDigestV1,
  GENESIS,
  verifyPack,
} from '@hallmon/server';
import { tempDir } from '../helpers/tmp.ts';
import { at, demoSite, evidence, MIN, openStore, profiles, readings, S, verifyCli, write } from './fixture.ts';
import { rawSealText, minuteSealText } from '../../server/src/seal/canonical.ts';

const DAY = 86_400_000;

/** --retention-days whose cut (now − N days) lies inside 2025-05-08 (local): 05-06 and 05-07 are past it. */
function retentionFor(day: string): string {
  return String(Math.floor((Date.now() - at(`${day} 00:00`)) / DAY));
}

async function threeDays(t: { onTestFinished(fn: () => unknown): void }) {
  const { store, dir } = await openStore(t);
  const d0 = at('2025-05-06 00:00');
  await write(
    store,
    readings('mr-th-1', 'temperature', d0, MIN, 3 * 1440, (i) => 24 + Math.sin(i / 50) / 3),
  );
  await write(
    store,
    readings('ar-th-1', 'humidity', d0, MIN, 3 * 1440, (i) => 48.25 + (i % 7) * 0.1),
  );
  await write(
    store,
    readings('hall-noise-1', 'noise_laeq', at('2025-05-07 09:00'), S, 1800, (i) => (i % 10 < 2 ? 81.3 : 57.9)),
  );
  await store.writeAlarms([
    {
      id: 'demo:mr-temperature:mr-th-1:p',
      site: 'demo',
      clause: '5.2.2',
      rule: 'mr-temperature',
      sensor: 'mr-th-1',
      severity: 'warning',
      state: 'raised',
      ts: at('2025-05-07 10:05'),
      startedAt: at('2025-05-07 10:00'),
    },
  ]);
  return { store, dir };
}

async function packOf(
  t: { onTestFinished(fn: () => unknown): void },
  store: Awaited<ReturnType<typeof openStore>>['store'],
  seals: SealStore,
) {
  const out = tempDir('hallmon-pack-');
  t.onTestFinished(() => out.remove());
  const pack = await evidence(store, '2025-05-06', '2025-05-08');
  const manifest = await writePack({
    pack,
    store,
    site: demoSite(),
    profiles,
    dir: out.path,
    seals,
    minuteData: false,
    now: () => at('2025-05-20 00:00'),
  });
  return { out: out.path, manifest };
}

test('a pruned day verifies against its sealed minute rollups; a changed minute rollup is named', async (t) => {
  const { store, dir } = await threeDays(t);
  const seals = new SealStore(dir);
  seals.open();
  t.onTestFinished(() => seals.close());
  const { out, manifest } = await packOf(t, store, seals);
  assert.equal(manifest.format, 'hallmon-evidence-pack/4');
  assert.ok(manifest.chain.every((h) => h.sealedAt !== null && /^[0-9a-f]{64}$/.test(h.rollupDigest ?? '')));
  const site = demoSite();

  const cut = at('2025-05-08 00:00');
  assert.ok((await store.pruneRaw(cut)) > 2 * 1440, 'the raw readings of 05-06 and 05-07 are pruned');
  const r = await verifyPack(out, store, { site, profiles, seals, rawFrom: cut });
  assert.equal(r.ok, true, r.problems.join('\n'));
  assert.deepEqual(r.days, [
    { day: '2025-05-06', check: 'rollup' },
    { day: '2025-05-07', check: 'rollup' },
    { day: '2025-05-08', check: 'raw' },
  ]);
  const args = [out, '--data-dir', dir, '--retention-days', retentionFor('2025-05-08')];
  const ok = await verifyCli(args);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /2025-05-06 \.\. 2025-05-07: raw pruned, checked against the sealed minute rollups/);
  assert.match(ok.out, /2025-05-08: checked against the stored raw readings/);
  assert.match(ok.out, /^intact:/m);

  // Change one stored minute rollup of 2025-05-07 (local) behind the server's back.
  const db = new Database(join(dir, 'hallmon.db'));
  const changed = db
    .prepare(
      `UPDATE rollup_1m SET max = max + 0.5 WHERE bucket_ts = ? AND series_id = (SELECT id FROM series WHERE sensor = 'mr-th-1' AND metric = 'temperature')`,
    )
    .run(at('2025-05-07 12:00')).changes;
  db.close();
  assert.equal(changed, 1);
  const bad = await verifyPack(out, store, { site, profiles, seals, rawFrom: cut });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.alteredDays, ['2025-05-07']);
  assert.match(bad.problems.join('\n'), /2025-05-07: raw readings pruned .* minute rollups no longer match/);
  const badCli = await verifyCli(args);
  assert.equal(badCli.code, 1, badCli.out);
  assert.match(badCli.out, /ALTERED: day 2025-05-07/);
});

test('raw readings missing inside the retention are an alteration, not a prune', async (t) => {
  const { store, dir } = await threeDays(t);
  const seals = new SealStore(dir);
  seals.open();
  t.onTestFinished(() => seals.close());
  const { out } = await packOf(t, store, seals);
  const db = new Database(join(dir, 'hallmon.db'));
  db.prepare(
    `DELETE FROM readings WHERE ts = ? AND series_id = (SELECT id FROM series WHERE sensor = 'ar-th-1' AND metric = 'humidity')`,
  ).run(at('2025-05-07 03:00'));
  db.close();
  // Inside the retention: the deleted row is named.
  const inside = await verifyPack(out, store, { site: demoSite(), profiles, seals, rawFrom: at('2025-05-01 00:00') });
  assert.deepEqual(inside.alteredDays, ['2025-05-07']);
  // Past the cut the day is checked against its rollups, which the row deletion did not touch.
  const past = await verifyPack(out, store, { site: demoSite(), profiles, seals, rawFrom: at('2025-05-08 00:00') });
  assert.equal(past.ok, true, past.problems.join('\n'));
  assert.deepEqual(
    past.days.map((d) => d.check),
    ['raw', 'rollup', 'raw'],
  );
});

test('a format-1 seal over a pruned day: "cannot be re-verified", exit code 3, never "altered"', async (t) => {
  const { store, dir } = await threeDays(t);
  // A seals.db as the previous release wrote it: no rollup columns, format-1 digests and links.
  const old = new Database(join(dir, 'seals.db'));
  old.exec(`CREATE TABLE seals (site TEXT NOT NULL, day TEXT NOT NULL, digest TEXT NOT NULL, chain TEXT NOT NULL, readings INTEGER NOT NULL,
    alarms INTEGER NOT NULL, sealed_at INTEGER NOT NULL, late_digest TEXT, late_at INTEGER, PRIMARY KEY (site, day)) WITHOUT ROWID;`);
  const site = demoSite();
  const schedule = siteSchedule(site);
  let prev = GENESIS;
  for (const day of ['2025-05-06', '2025-05-07', '2025-05-08']) {
    const d = await dayDigestV1(store, site, profiles, schedule, day);
    prev = chainLink(prev, d.digest);
    old
      .prepare('INSERT INTO seals (site, day, digest, chain, readings, alarms, sealed_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run('demo', day, d.digest, prev, d.readings, d.alarms, at('2025-05-10 00:00'));
  }
  old.close();
  const seals = new SealStore(dir);
  seals.open();
  t.onTestFinished(() => seals.close());
  assert.equal((await seals.get('demo', '2025-05-06'))?.rollupDigest, null);
  const { out, manifest } = await packOf(t, store, seals);
  assert.ok(
    manifest.chain.every((h) => h.rollupDigest === undefined),
    'format-1 seals keep their digests',
  );
  // As the previous release wrote it: format string /1 (still accepted).
  const mf = join(out, 'manifest.json');
  writeFileSync(mf, readFileSync(mf, 'utf8').replace('hallmon-evidence-pack/4', 'hallmon-evidence-pack/1'));

  // While the raw data exist, the old seals verify.
  const before = await verifyPack(out, store, { site, profiles, seals, rawFrom: at('2025-05-07 00:00') });
  assert.equal(before.ok, true, before.problems.join('\n'));
  assert.deepEqual(
    before.days.map((d) => d.check),
    ['raw', 'raw', 'raw'],
  );
  assert.equal(before.format, 'hallmon-evidence-pack/1');

  await store.pruneRaw(at('2025-05-07 00:00'));
  const r = await verifyPack(out, store, { site, profiles, seals, rawFrom: at('2025-05-07 00:00') });
  assert.equal(r.ok, true);
  assert.deepEqual(r.alteredDays, []);
  assert.deepEqual(r.unverifiableDays, ['2025-05-06']);
  assert.deepEqual(
    r.days.map((d) => d.check),
    ['unverifiable', 'raw', 'raw'],
  );
  const c = await verifyCli([out, '--data-dir', dir, '--retention-days', retentionFor('2025-05-07')]);
  assert.equal(c.code, 3, c.out);
  assert.match(c.out, /2025-05-06: cannot be re-verified: its raw readings were pruned \(0 of 2880 left/);
  assert.match(c.out, /NOT FULLY VERIFIABLE: nothing altered/);
});

test('the SQLite seal text formatted by SQL is byte for byte the canonical text of readRaw/readAggregate', async (t) => {
  const { store } = await threeDays(t);
  // Values that stress the canonical rounding: negatives, halves, long fractions, 10-s noise.
  await write(
    store,
    readings(
      'hall-th-1',
      'temperature',
      at('2025-05-06 00:00'),
      MIN,
      1440,
      (i) => -5.25 + i * 0.0000015 - (i % 3) * 1e-7,
    ),
  );
  await write(
    store,
    readings('hall-slm-1', 'noise_laeq', at('2025-05-06 08:00'), 10 * S, 720, (i) => 35 + (i % 97) * 0.37, 10),
  );
  const site = demoSite();
  const schedule = siteSchedule(site);
  for (const [sensor, metric] of [
    ['hall-th-1', 'temperature'],
    ['hall-slm-1', 'noise_laeq'],
    ['mr-th-1', 'temperature'],
  ] as const) {
    const q = { site: site.id, sensor, metric, from: at('2025-05-05 00:00'), to: at('2025-05-08 00:00') };
    const raw = await store.readRawSealText(q);
    assert.ok(raw.length > 0, `${sensor} has readings`);
    assert.equal(raw, rawSealText(await store.readRaw(q)));
    assert.equal(
      await store.readMinuteSealText(q),
      minuteSealText(await store.readAggregate({ ...q, step: '1m' }), metric === 'noise_laeq'),
    );
  }
  // Every series written counts: 05-06 has 3 × 1440 one-minute readings and 720 noise readings.
  for (const [day, n] of [
    ['2025-05-06', 3 * 1440 + 720],
    ['2025-05-07', 2 * 1440 + 1800],
  ] as const) {
    assert.equal((await dayDigests(store, site, profiles, schedule, day)).readings, n);
  }
});
