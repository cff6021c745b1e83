// The seal chain: closed days only, first sealed value kept (a later recomputation is noted beside
// it, never over it), chain links following from the digests; and the edge's data_gap events show
// as gaps in the pack.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { SealStore, sealDays, chainLink, GENESIS } from '@hallmon/server';
import { at, demoSite, ev, evidence, MIN, openStore, profiles, readings, write } from './fixture.ts';

test('sealDays seals closed days in order, keeps the first value and notes later changes', async (t) => {
  const { store, dir } = await openStore(t);
  await write(
    store,
    readings('mr-th-1', 'temperature', at('2025-05-06 00:00'), MIN, 3 * 1440, () => 24),
  );
  const seals = new SealStore(dir);
  seals.open();
  t.onTestFinished(() => seals.close());
  const site = demoSite();
  // "Now" is 2025-05-09 12:00: with 48 h to close, only 05-06 and 05-07 are closed (05-07 ended 05-08 00:00).
  const now = () => at('2025-05-10 00:00');
  const first = await sealDays(store, seals, site, profiles, '2025-05-09', { now });
  assert.deepEqual(first.sealed, ['2025-05-06', '2025-05-07']);
  const d6 = (await seals.get('demo', '2025-05-06'))!;
  const d7 = (await seals.get('demo', '2025-05-07'))!;
  // Format 4: each link covers the raw, minute-rollup, records and audit-trail digests.
  assert.match(d6.rollupDigest ?? '', /^[0-9a-f]{64}$/);
  assert.match(d6.recordsDigest ?? '', /^[0-9a-f]{64}$/);
  assert.match(d6.auditDigest ?? '', /^[0-9a-f]{64}$/);
  assert.equal(d6.records, 0);
  assert.equal(d6.auditEntries, 0);
  assert.equal(d6.chain, chainLink(GENESIS, d6.digest, d6.rollupDigest, d6.recordsDigest, d6.auditDigest));
  assert.equal(d7.chain, chainLink(d6.chain, d7.digest, d7.rollupDigest, d7.recordsDigest, d7.auditDigest));
  assert.equal(d6.readings, 1440);
  // A late reading for 05-06 arrives: the seal keeps its first digest and notes the new one.
  await store.writeReadings([
    { site: 'demo', sensor: 'mr-th-2', metric: 'humidity', ts: at('2025-05-06 12:00:30'), value: 50, quality: 'ok' },
  ]);
  const again = await sealDays(store, seals, site, profiles, '2025-05-09', {
    now: () => at('2025-05-12 00:00'),
    recheck: true,
  });
  assert.deepEqual(again.changed, ['2025-05-06']);
  assert.deepEqual(again.sealed, ['2025-05-08', '2025-05-09']);
  const after = (await seals.get('demo', '2025-05-06'))!;
  assert.equal(after.digest, d6.digest);
  assert.notEqual(after.lateDigest, null);
  assert.notEqual(after.lateDigest, d6.digest);
  assert.notEqual(after.lateRollupDigest, d6.rollupDigest);
});

test("the edge's data_gap events are gaps in every measured clause", async (t) => {
  const { store } = await openStore(t);
  await store.writeEvents([
    ev('edge-1', 'data_gap', at('2025-05-06 15:00'), {
      start: at('2025-05-06 10:00'),
      end: at('2025-05-06 11:30'),
      count: 5400,
    }),
  ]);
  const p = await evidence(store, '2025-05-06', '2025-05-06');
  const mr = p.clauses.find((c) => c.clause === '5.2.2')!;
  const g = mr.gaps.find((x) => x.source === 'data_gap');
  assert.ok(g);
  assert.equal(g.start, new Date(at('2025-05-06 10:00')).toISOString());
  assert.equal(g.durationS, 5400);
  assert.equal(p.dataGaps.length, 1);
});
