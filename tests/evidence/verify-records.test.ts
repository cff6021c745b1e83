// Seal format 3: a day's device events (ratings, tickets, device faults, data gaps) and device
// status changes are sealed in a records digest beside the raw and rollup digests. Verify names the
// day whose rating was changed or whose status change was deleted, also after the day's raw
// readings were pruned (events are never pruned); a chain sealed in format 2 continues in format 4
// and its old days verify as before. The record text does not depend on row order and escapes
// what could forge a line.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  writePack,
  siteSchedule,
  SealStore,
  sealDays,
  chainLink,
  dayDigests,
  GENESIS,
  rawDigest,
  rollupDigest,
  verifyPack,
} from '@hallmon/server';
import { recordsSealText } from '../../server/src/seal/canonical.ts';
import type { SqliteStore } from '@hallmon/server';
import { tempDir } from '../helpers/tmp.ts';
import { at, demoSite, ev, evidence, MIN, openStore, profiles, readings, verifyCli, write } from './fixture.ts';

/** Three days of machine-room temperature, with ratings, a ticket, a fault and status changes on 05-07. */
async function filled(t: { onTestFinished(fn: () => unknown): void }) {
  const { store, dir } = await openStore(t);
  await write(
    store,
    readings('mr-th-1', 'temperature', at('2025-05-06 00:00'), MIN, 3 * 1440, (i) => 24 + (i % 5) * 0.1),
  );
  await store.writeEvents([
    ev('eval-w01', 'rating', at('2025-05-07 09:30'), { score: 5, window: 'W01' }),
    ev('eval-w02', 'rating', at('2025-05-07 10:15'), { score: 1, window: 'W02' }),
    ev('queue-1', 'ticket_issued', at('2025-05-07 09:01'), { ticket: 'A001', window: 'W01' }),
    ev('mr-th-1', 'device_fault', at('2025-05-07 14:00'), {
      fault: 'timeout',
      count: 12,
      start: at('2025-05-07 14:00'),
      end: at('2025-05-07 14:05'),
      detail: 'no answer\tfrom unit 1\n（超时）',
    }),
  ]);
  await store.writeStatus([
    { site: 'demo', device: 'mr-th-1', status: 'offline', ts: at('2025-05-07 14:01') },
    { site: 'demo', device: 'mr-th-1', status: 'online', ts: at('2025-05-07 14:06') },
  ]);
  const seals = new SealStore(dir);
  seals.open();
  t.onTestFinished(() => seals.close());
  return { store, dir, seals };
}

async function packOf(t: { onTestFinished(fn: () => unknown): void }, store: SqliteStore, seals: SealStore) {
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

function sql(dir: string, text: string, ...args: Array<string | number>): number {
  const db = new Database(join(dir, 'hallmon.db'));
  try {
    return db.prepare(text).run(...args).changes;
  } finally {
    db.close();
  }
}

test('a changed rating or a deleted status change names its day, before and after the raw readings are pruned', async (t) => {
  const { store, dir, seals } = await filled(t);
  const { out, manifest } = await packOf(t, store, seals);
  assert.equal(manifest.format, 'hallmon-evidence-pack/4');
  assert.deepEqual(
    manifest.chain.map((h) => h.records),
    [0, 6, 0],
    'four events and two status changes on 05-07',
  );
  let prev = manifest.previousChain;
  for (const h of manifest.chain) {
    assert.match(h.recordsDigest ?? '', /^[0-9a-f]{64}$/);
    assert.match(h.auditDigest ?? '', /^[0-9a-f]{64}$/);
    assert.equal(
      h.chain,
      chainLink(prev, h.digest, h.rollupDigest, h.recordsDigest, h.auditDigest),
      `${h.day}: the link covers all four digests`,
    );
    assert.equal((await seals.get('demo', h.day))?.recordsDigest, h.recordsDigest);
    prev = h.chain;
  }
  const site = demoSite();
  assert.equal((await verifyPack(out, store, { site, profiles, seals })).ok, true);

  // A 1 (非常不满意) turned into a 5 behind the server's back: the readings are untouched.
  assert.equal(sql(dir, `UPDATE events SET score = 5 WHERE device = 'eval-w02' AND type = 'rating'`), 1);
  const bad = await verifyPack(out, store, { site, profiles, seals });
  assert.equal(bad.ok, false);
  assert.deepEqual(bad.alteredDays, ['2025-05-07']);
  assert.deepEqual(
    bad.days.map((d) => d.check),
    ['raw', 'altered', 'raw'],
  );
  assert.match(
    bad.problems.join('\n'),
    /^2025-05-07: the stored device events or status changes .* \(4 events and 2 status changes now, 6 when packed\)$/m,
  );
  const badCli = await verifyCli([out, '--data-dir', dir]);
  assert.equal(badCli.code, 1, badCli.out);
  assert.match(badCli.out, /device events and status changes checked on 3 of 3 days\n/);
  assert.match(badCli.out, /ALTERED: day 2025-05-07/);

  // Put it back: intact again. Then delete the "offline" status change instead.
  assert.equal(sql(dir, `UPDATE events SET score = 1 WHERE device = 'eval-w02' AND type = 'rating'`), 1);
  assert.equal((await verifyPack(out, store, { site, profiles, seals })).ok, true);
  assert.equal(sql(dir, `DELETE FROM status WHERE device = 'mr-th-1' AND status = 'offline'`), 1);
  const gone = await verifyPack(out, store, { site, profiles, seals });
  assert.deepEqual(gone.alteredDays, ['2025-05-07']);
  assert.match(gone.problems.join('\n'), /4 events and 1 status changes now, 6 when packed/);

  // Past the retention cut the readings are checked against the sealed rollups; the records still count.
  const cut = at('2025-05-08 00:00');
  await store.pruneRaw(cut);
  const pruned = await verifyPack(out, store, { site, profiles, seals, rawFrom: cut });
  assert.deepEqual(
    pruned.days.map((d) => d.check),
    ['rollup', 'altered', 'raw'],
  );
  await store.writeStatus([{ site: 'demo', device: 'mr-th-1', status: 'offline', ts: at('2025-05-07 14:01') }]);
  const restored = await verifyPack(out, store, { site, profiles, seals, rawFrom: cut });
  assert.equal(restored.ok, true, restored.problems.join('\n'));
  assert.deepEqual(
    restored.days.map((d) => d.check),
    ['rollup', 'rollup', 'raw'],
  );
});

test('a chain sealed in format 2 continues in format 4; its format-2 days still verify', async (t) => {
  const { store, dir, seals } = await filled(t);
  const site = demoSite();
  const schedule = siteSchedule(site);
  // 05-06 as the previous release sealed it: raw and rollup digests, link over both.
  const raw = await rawDigest(store, site, profiles, schedule, '2025-05-06');
  const roll = await rollupDigest(store, site, profiles, schedule, '2025-05-06');
  const link = chainLink(GENESIS, raw.digest, roll.digest);
  await seals.insert({
    site: 'demo',
    day: '2025-05-06',
    digest: raw.digest,
    rollupDigest: roll.digest,
    chain: link,
    readings: raw.readings,
    alarms: raw.alarms,
    sealedAt: at('2025-05-09 00:00'),
  });
  const r = await sealDays(store, seals, site, profiles, '2025-05-08', { now: () => at('2025-05-20 00:00') });
  assert.deepEqual(r.sealed, ['2025-05-07', '2025-05-08']);
  const d7 = (await seals.get('demo', '2025-05-07'))!;
  assert.equal(d7.records, 6);
  assert.equal(
    d7.chain,
    chainLink(link, d7.digest, d7.rollupDigest, d7.recordsDigest, d7.auditDigest),
    'the format-4 link continues from the format-2 one',
  );
  assert.equal((await seals.get('demo', '2025-05-06'))!.recordsDigest, null);

  const { out, manifest } = await packOf(t, store, seals);
  assert.equal(manifest.chain[0]!.recordsDigest, undefined, 'the format-2 day keeps its two digests');
  assert.equal(manifest.chain[0]!.chain, link);
  const ok = await verifyPack(out, store, { site, profiles, seals });
  assert.equal(ok.ok, true, ok.problems.join('\n'));
  assert.equal(ok.recordsChecked, 2);
  const okCli = await verifyCli([out, '--data-dir', dir]);
  assert.equal(okCli.code, 0, okCli.out);
  assert.match(
    okCli.out,
    /device events and status changes checked on 2 of 3 days \(1 sealed before records digests: readings and alarms only\)/,
  );
  // A recheck leaves the format-2 day alone (its records were never sealed) and finds 05-07 intact.
  const again = await sealDays(store, seals, site, profiles, '2025-05-08', {
    now: () => at('2025-05-20 00:00'),
    recheck: true,
  });
  assert.deepEqual(again.changed, []);
  // A late rating for 05-07 is noted beside its seal, never over it.
  await store.writeEvents([ev('eval-w03', 'rating', at('2025-05-07 16:00'), { score: 4, window: 'W03' })]);
  const late = await sealDays(store, seals, site, profiles, '2025-05-08', {
    now: () => at('2025-05-21 00:00'),
    recheck: true,
  });
  assert.deepEqual(late.changed, ['2025-05-07']);
  const after = (await seals.get('demo', '2025-05-07'))!;
  assert.equal(after.recordsDigest, d7.recordsDigest);
  assert.equal(
    after.lateRecordsDigest,
    (await dayDigests(store, site, profiles, schedule, '2025-05-07')).recordsDigest,
  );
  assert.notEqual(after.lateRecordsDigest, d7.recordsDigest);
  assert.equal(after.lateDigest, d7.digest, 'the readings did not change');
});

test('the records text: independent of row order, every field counts, no field can forge a line', () => {
  const a = { site: 'demo', device: 'eval-w01', type: 'rating' as const, ts: 1000, score: 4, window: 'W01' };
  const b = { site: 'demo', device: 'q-1', type: 'ticket_issued' as const, ts: 1000, ticket: 'A001' };
  const s = { site: 'demo', device: 'mr-th-1', status: 'offline' as const, ts: 999 };
  const text = recordsSealText([a, b], [s]);
  assert.equal(recordsSealText([b, a], [s]), text);
  assert.equal(text.split('\n').length, 3);
  assert.notEqual(recordsSealText([{ ...a, score: 5 }, b], [s]), text);
  assert.notEqual(recordsSealText([{ ...a, window: 'W02' }, b], [s]), text);
  assert.notEqual(recordsSealText([a, b], [{ ...s, status: 'online' }]), text);
  // A detail holding a tab and a newline stays one line, and cannot pass for two records.
  const forged = recordsSealText([{ ...b, detail: `x\ne\t1000\t"eval-w01"` }], []);
  assert.equal(forged.split('\n').length, 1);
  assert.equal(recordsSealText([], []), '');
});
