// Evidence that holds up outside the hall's folder, against two real servers (a hall and the district,
// SQLite, loopback HTTP): the hall signs each sealed day's link with the site's Ed25519 key (kept
// outside its data folder) and posts it to the district's POST /api/digests; a pack carries the
// signatures and manifest.sig.json and verifies with the published digests and the key. Then a day
// is rewritten in the hall's store and its seals recomputed, so the store, the seals and a rebuilt
// pack agree again: verify against the store alone calls it intact, but with the published digests
// it names the rewritten day; a pack rebuilt with another key fails --public-key; a changed manifest
// fails its signature; and the district refuses the hall's republished days as conflicts.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadProfiles } from '@hallmon/firmware-config';
import type { DigestsAnswer } from '@hallmon/contract';
import { buildEvidence, sealDays, SealStore, SigningKeys, writePack, type SiteKey } from '@hallmon/server';
import { startTestServer } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';
import { at, calendar, catalogue, demoSite, MIN, readings, verifyCli } from './fixture.ts';

const profiles = loadProfiles();
const DAYS = ['2025-05-06', '2025-05-07', '2025-05-08'];

test('signed day links published to the district; a day rewritten with a recomputed chain is named', async (t) => {
  const district = await startTestServer();
  t.onTestFinished(() => district.stop());
  const keysDir = tempDir('hallmon-keys-');
  t.onTestFinished(() => keysDir.remove());
  const hall = await startTestServer({
    signingKeys: keysDir.path,
    publishDigests: [`${district.url}/api/digests`],
    publishEveryMs: 3_600_000,
  });
  t.onTestFinished(() => hall.stop());
  const site = demoSite();
  // Three days of archive-room climate at the hall, sealed.
  for (const [metric, v] of [
    ['temperature', 20],
    ['humidity', 50],
  ] as const)
    await hall.store.writeReadings(readings('ar-th-1', metric, at('2025-05-06 00:00'), MIN, 3 * 1440, () => v));
  const seals = new SealStore(hall.dataDir);
  seals.open();
  t.onTestFinished(() => seals.close());
  assert.deepEqual((await sealDays(hall.store, seals, site, profiles, DAYS[2]!)).sealed, DAYS);

  // Signed and published: the district has each day, signed with the key in the keys folder.
  await hall.signing.publisher.pass();
  const admin = await district.login();
  const got = await district.get<DigestsAnswer>('/api/digests?site=demo', admin);
  assert.equal(got.status, 200);
  const chains = await Promise.all(DAYS.map(async (d) => [d, (await seals.get('demo', d))!.chain]));
  assert.deepEqual(
    got.body.digests.map((d) => [d.day, d.chain]),
    chains,
  );
  const key: SiteKey = new SigningKeys(keysDir.path).forSite('demo');
  assert.ok(got.body.digests.every((d) => d.keyId === key.keyId && d.publicKey === key.publicKey));
  assert.deepEqual(
    hall.signing.publisher.deliveries('demo').map((d) => d.status),
    ['delivered', 'delivered', 'delivered'],
  );
  // Publishing again changes nothing: the district keeps the first record of each day.
  const again = await fetch(`${district.url}/api/digests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(got.body.digests),
  });
  assert.deepEqual(await again.json(), { accepted: 0, unchanged: 3, refused: [] });
  // A record whose signature does not hold is refused.
  const forged = { ...got.body.digests[0]!, chain: 'f'.repeat(64) };
  const bad = await fetch(`${district.url}/api/digests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(forged),
  });
  assert.equal(bad.status, 400);
  const out = tempDir('hallmon-signed-pack-');
  t.onTestFinished(() => out.remove());
  const publishedFile = join(out.path, 'published.json');
  writeFileSync(publishedFile, JSON.stringify(got.body));

  const pack = async (dir: string, signer: SiteKey) =>
    writePack({
      pack: await buildEvidence({
        store: hall.store,
        site,
        catalogue,
        profiles,
        calendar,
        from: DAYS[0]!,
        to: DAYS[2]!,
        now: () => at('2026-01-01 00:00'),
      }),
      store: hall.store,
      site,
      profiles,
      dir,
      seals,
      minuteData: false,
      signer,
    });
  const packDir = join(out.path, 'pack');
  const m = await pack(packDir, key);
  assert.ok(m.chain.every((h) => typeof h.signature === 'string'));
  const pdf = readFileSync(join(packDir, 'evidence.json'), 'utf8');
  assert.ok(pdf.includes(key.publicKey), 'the pack names its public key');
  const args = ['--data-dir', hall.dataDir, '--published', publishedFile];
  const intact = await verifyCli([packDir, ...args, '--public-key', key.keyId]);
  assert.equal(intact.code, 0, intact.out);
  assert.match(intact.out, /published digests: 3 of 3 days compared/);

  // The attack: a reading of 05-07 changed in the store, the seals of 05-07 and after deleted and
  // sealed again, so the store and the local chain agree; the pack rebuilt with the site's key.
  const db = new Database(join(hall.dataDir, 'hallmon.db'));
  const changed = db
    .prepare(
      `UPDATE readings SET value = 26 WHERE ts = ? AND series_id = (SELECT id FROM series WHERE sensor = 'ar-th-1' AND metric = 'temperature')`,
    )
    .run(at('2025-05-07 12:00')).changes;
  db.close();
  assert.equal(changed, 1);
  const sdb = new Database(join(hall.dataDir, 'seals.db'));
  sdb.prepare("DELETE FROM seals WHERE site = 'demo' AND day >= '2025-05-07'").run();
  sdb.close();
  assert.deepEqual((await sealDays(hall.store, seals, site, profiles, DAYS[2]!)).sealed, DAYS.slice(1));
  const rewritten = join(out.path, 'rewritten');
  await pack(rewritten, key);
  const local = await verifyCli([rewritten, '--data-dir', hall.dataDir]);
  assert.equal(local.code, 0, 'the store and the recomputed chain agree: the store alone cannot tell');
  const named = await verifyCli([rewritten, ...args]);
  assert.equal(named.code, 1, named.out);
  assert.match(named.out, /ALTERED: day 2025-05-07, day 2025-05-08/);
  t.annotate(named.out);
  assert.match(named.out, /day 2025-05-07: the local copy was rewritten.*different: readings/);
  assert.match(named.out, /day 2025-05-08: .*an earlier day changed the chain/);

  // Without the site's key (kept outside the data folder) the rewriter signs with another one.
  const stranger = new SigningKeys(join(out.path, 'stranger-keys')).forSite('demo');
  const other = join(out.path, 'other-key');
  await pack(other, stranger);
  const wrongKey = await verifyCli([other, '--data-dir', hall.dataDir, '--public-key', key.keyId]);
  assert.equal(wrongKey.code, 1, wrongKey.out);
  assert.match(wrongKey.out, new RegExp(`signed with key ${stranger.keyId}, not the key given`));
  // A manifest edited after it was written no longer carries a signature that holds.
  const mf = join(packDir, 'manifest.json');
  writeFileSync(mf, readFileSync(mf, 'utf8').replace('"softwareVersion"', '"softwareVersion" '));
  const edited = await verifyCli([packDir, ...args]);
  assert.equal(edited.code, 1, edited.out);
  assert.match(edited.out, /manifest.json is not what key .* signed/);

  // The hall's publisher, its record of what it published deleted, signs the new links again: the
  // district refuses both days as conflicts and keeps them as the trace of the rewrite.
  const pdb = new Database(join(hall.dataDir, 'published.db'));
  pdb.exec('DELETE FROM signed; DELETE FROM sent;');
  pdb.close();
  await hall.signing.publisher.pass();
  const after = await district.get<DigestsAnswer>('/api/digests?site=demo', admin);
  assert.deepEqual(
    after.body.conflicts.map((c) => c.record.day),
    ['2025-05-07', '2025-05-08'],
  );
  assert.deepEqual(
    after.body.digests.map((d) => d.chain),
    got.body.digests.map((d) => d.chain),
    'the first published links stay',
  );
  assert.deepEqual(
    hall.signing.publisher.deliveries('demo').map((d) => d.status),
    ['delivered', 'refused', 'refused'],
  );
});
