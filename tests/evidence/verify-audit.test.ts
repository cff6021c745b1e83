// Seal format 4: each day's audit-trail entries (who acknowledged, answered a follow-up, downloaded
// a pack, signed in) are sealed in an audit digest beside the day's data. The pack lists the site's
// own entries (JSON, CSV, PDF); verify names the day whose trail was rewritten (an acknowledgement
// re-attributed, an entry deleted), and another site's entries do not touch this site's seals.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AuditLog, SealStore, sealDays, verifyPack, writePack } from '@hallmon/server';
import { tempDir } from '../helpers/tmp.ts';
import { at, demoSite, evidence, MIN, openStore, profiles, readings, verifyCli, write } from './fixture.ts';

test('the audit trail is sealed day by day, listed in the pack, and a rewritten entry names its day', async (t) => {
  const { store, dir } = await openStore(t);
  await write(
    store,
    readings('mr-th-1', 'temperature', at('2025-05-06 00:00'), MIN, 3 * 1440, () => 24),
  );
  const trail = new AuditLog(dir).open();
  t.onTestFinished(() => trail.close());
  const ack = await trail.record({
    actor: 'wang',
    action: 'alarm-ack',
    site: 'demo',
    target: 'alarm-1',
    ip: '10.0.0.7',
    ts: at('2025-05-07 10:00'),
    detail: { note: '空调已重启' },
  });
  await trail.record({ actor: 'wang', action: 'login', ip: '10.0.0.7', ts: at('2025-05-07 09:58') });
  await trail.record({
    actor: 'li',
    action: 'followup',
    site: 'demo',
    target: 'fu-3',
    ts: at('2025-05-07 11:00'),
    detail: { step: 'respond' },
  });
  const other = await trail.record({
    actor: 'zhao',
    action: 'alarm-ack',
    site: 'elsewhere',
    target: 'alarm-9',
    ts: at('2025-05-07 12:00'),
  });
  const seals = new SealStore(dir);
  seals.open();
  t.onTestFinished(() => seals.close());
  const site = demoSite();
  await sealDays(store, seals, site, profiles, '2025-05-08', { now: () => at('2025-05-20 00:00') });
  // The site's two entries and the server-wide login are sealed into 05-07; the other site's are not.
  assert.equal((await seals.get('demo', '2025-05-07'))!.auditEntries, 3);
  assert.equal((await seals.get('demo', '2025-05-06'))!.auditEntries, 0);

  const out = tempDir('hallmon-pack-');
  t.onTestFinished(() => out.remove());
  const pack = await evidence(store, '2025-05-06', '2025-05-08', { audit: seals.audit });
  assert.deepEqual(
    pack.auditTrail.map((e) => [e.actor, e.action, e.target]),
    [
      ['wang', 'alarm-ack', 'alarm-1'],
      ['li', 'followup', 'fu-3'],
    ],
    "the pack lists the site's own entries, oldest first",
  );
  const manifest = await writePack({
    pack,
    store,
    site,
    profiles,
    dir: out.path,
    seals,
    minuteData: false,
    now: () => at('2025-05-20 00:00'),
  });
  assert.equal(manifest.format, 'hallmon-evidence-pack/4');
  assert.deepEqual(
    manifest.chain.map((h) => h.auditEntries),
    [0, 3, 0],
  );
  const csv = readFileSync(join(out.path, 'csv', 'audit.csv'), 'utf8');
  assert.match(csv, /alarm-ack,demo,alarm-1,10\.0\.0\.7,true/);
  assert.doesNotMatch(csv, /alarm-9/);
  const pdfText = execFileSync('pdftotext', [join(out.path, 'evidence.pdf'), '-'], { encoding: 'utf8' });
  assert.match(pdfText, /操作审计记录/);
  assert.match(pdfText, /确认告警/);

  const intact = await verifyPack(out.path, store, { site, profiles, seals });
  assert.equal(intact.ok, true, intact.problems.join('\n'));
  assert.equal(intact.auditChecked, 3);
  const okCli = await verifyCli([out.path, '--data-dir', dir]);
  assert.equal(okCli.code, 0, okCli.out);
  assert.match(okCli.out, /audit trail checked on 3 of 3 days/);

  // Another site's entry rewritten: nothing of demo changes.
  const edit = (text: string, ...args: Array<string | number>) => {
    const db = new Database(join(dir, 'audit.db'));
    try {
      return db.prepare(text).run(...args).changes;
    } finally {
      db.close();
    }
  };
  assert.equal(edit('UPDATE audit SET actor = ? WHERE id = ?', 'someone', other.id), 1);
  assert.equal((await verifyPack(out.path, store, { site, profiles, seals })).ok, true);

  // The acknowledgement re-attributed: 05-07 is altered, with the trail named.
  assert.equal(edit('UPDATE audit SET actor = ? WHERE id = ?', 'zhang', ack.id), 1);
  const bad = await verifyPack(out.path, store, { site, profiles, seals });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.alteredDays, ['2025-05-07']);
  assert.match(
    bad.problems.join('\n'),
    /2025-05-07: the audit trail .* no longer matches the pack \(3 entries now, 3 when packed\)/,
  );
  const badCli = await verifyCli([out.path, '--data-dir', dir]);
  assert.equal(badCli.code, 1, badCli.out);
  assert.match(badCli.out, /ALTERED: day 2025-05-07/);

  // Put back, then delete the entry instead: named again, with the count.
  edit('UPDATE audit SET actor = ? WHERE id = ?', 'wang', ack.id);
  assert.equal((await verifyPack(out.path, store, { site, profiles, seals })).ok, true);
  edit('DELETE FROM audit WHERE id = ?', ack.id);
  const gone = await verifyPack(out.path, store, { site, profiles, seals });
  assert.deepEqual(gone.alteredDays, ['2025-05-07']);
  assert.match(gone.problems.join('\n'), /2 entries now, 3 when packed/);

  // The server's recheck notes the changed day beside its seal, never over it.
  const sealed = (await seals.get('demo', '2025-05-07'))!;
  const re = await sealDays(store, seals, site, profiles, '2025-05-08', {
    now: () => at('2025-05-21 00:00'),
    recheck: true,
  });
  assert.deepEqual(re.changed, ['2025-05-07']);
  const after = (await seals.get('demo', '2025-05-07'))!;
  assert.equal(after.auditDigest, sealed.auditDigest);
  assert.notEqual(after.lateAuditDigest, null);
  assert.notEqual(after.lateAuditDigest, sealed.auditDigest);
  assert.equal(after.lateDigest, sealed.digest, 'the readings did not change');
});

test('a format-4 pack cannot be verified without the audit trail: the error says which folder to give', async (t) => {
  const { store, dir } = await openStore(t);
  await write(
    store,
    readings('mr-th-1', 'temperature', at('2025-05-06 00:00'), MIN, 1440, () => 24),
  );
  const seals = new SealStore(dir);
  seals.open();
  t.onTestFinished(() => seals.close());
  const out = tempDir('hallmon-pack-');
  t.onTestFinished(() => out.remove());
  const site = demoSite();
  await writePack({
    pack: await evidence(store, '2025-05-06', '2025-05-06'),
    store,
    site,
    profiles,
    dir: out.path,
    seals,
    minuteData: false,
    now: () => at('2025-05-20 00:00'),
  });
  await assert.rejects(verifyPack(out.path, store, { site, profiles }), /audit\.db \(--data-dir\)/);
  assert.equal((await verifyPack(out.path, store, { site, profiles, audit: seals.audit })).ok, true);
});
