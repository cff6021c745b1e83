// `hallmon simulate --backfill --data-dir`: three demo days written straight into a real SQLite
// store with chosen incidents; the counts match what the generator promised, the counter devices'
// status changes are stored, the days are sealed, and an evidence pack over the store shows each
// incident as an excursion (or a device fault) of its clause.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createLogger, loadCatalogue, loadProfiles, loadSites, shippedCalendar } from '@hallmon/firmware-config';
import { backfillStore } from '@hallmon/demo';
import { yearScenario, type Incident, estimateReadings, generateHistory, getScenario } from '@hallmon/simulators';
import { createStore, buildEvidence, readFollowupOutcomes, SealStore } from '@hallmon/server';
import { tempDir } from '../helpers/tmp.ts';

const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);

test('backfill into the store: counts, statuses, seals, and the incidents in the evidence pack', async (t) => {
  const tmp = tempDir('hallmon-backfill-');
  t.onTestFinished(() => tmp.remove());
  const profiles = loadProfiles();
  const site = loadSites(undefined, profiles).get('demo')!;
  const base = getScenario('normal-day')!;
  const from = at('2025-05-06 00:00');
  const to = at('2025-05-09 00:00');
  const incidents: Incident[] = [
    {
      scenario: 'machine-room-ac-failure',
      at: at('2025-05-06 14:00'),
      durationMs: 2 * 3_600_000,
      zones: ['machine-room'],
      events: false,
    },
    {
      scenario: 'archive-damp',
      at: at('2025-05-06 00:00'),
      durationMs: 7 * 86_400_000,
      zones: ['archive-room'],
      events: false,
    },
    {
      scenario: 'loud-morning-peak',
      at: at('2025-05-07 09:30'),
      durationMs: 3_600_000,
      zones: ['hall'],
      events: false,
    },
    { scenario: 'evaluator-offline', at: at('2025-05-08 10:00'), durationMs: 30 * 60_000, zones: [], events: true },
  ];
  let lastProgress = { readings: 0, total: 0, final: false };
  const r = await backfillStore({
    scenario: base,
    site,
    seed: 3,
    from,
    to,
    dataDir: tmp.path,
    noiseStepS: 10,
    incidents,
    profiles,
    log: createLogger('test', 'warn'),
    onProgress: (p) => (lastProgress = p),
  });
  const hist = { scenario: yearScenario(base, site, incidents), site, seed: 3, from, to, stepS: { noise_laeq: 10 } };
  let expected = 0;
  let changes = 0;
  for await (const b of generateHistory(hist)) {
    expected += b.readings.length;
    changes += b.readings.filter((x) => x.metric === 'ac_running' && x.value === 0).length;
  }
  assert.equal(r.readings, expected, 'every generated reading is stored once');
  // The estimate counts every sampled step and each state's 5-minute refreshes, not its changes.
  assert.ok(expected - estimateReadings(hist) >= 0 && expected - estimateReadings(hist) <= 20);
  assert.ok(changes > 0, 'the AC failure stopped the AC contact');
  assert.equal(r.duplicates, 0);
  assert.ok(lastProgress.final && lastProgress.readings === r.readings);
  assert.ok(r.events > 500, `three days of tickets and ratings, got ${r.events}`);
  assert.equal(r.sealedDays, 3);

  const store = createStore({ kind: 'sqlite', dataDir: tmp.path }, createLogger('test', 'warn'));
  await store.open();
  t.onTestFinished(() => store.close());
  assert.equal(await store.countReadings('demo'), r.readings);
  const statuses = await store.readStatus({ site: 'demo', from, to });
  assert.deepEqual(
    statuses.filter((s) => s.device === 'eval-w03').map((s) => [s.status, s.ts]),
    [
      ['online', from],
      ['offline', incidents[3]!.at],
      ['online', incidents[3]!.at + 30 * 60_000],
    ],
  );
  const seals = new SealStore(tmp.path);
  seals.open();
  t.onTestFinished(() => seals.close());
  assert.ok(seals.get('demo', '2025-05-08'), 'the last day is sealed');

  const pack = await buildEvidence({
    store,
    site,
    catalogue: loadCatalogue(),
    profiles,
    calendar: shippedCalendar(),
    from: '2025-05-06',
    to: '2025-05-08',
  });
  const rules = (clause: string) =>
    new Set(pack.clauses.find((c) => c.clause === clause)!.excursions.map((x) => x.rule));
  assert.ok(
    rules('5.2.2').has('mr-temperature') && rules('5.2.2').has('mr-temperature-critical'),
    `AC failure: ${[...rules('5.2.2')]}`,
  );
  assert.ok(rules('1.3.3').has('noise-laeq-5min'), `loud morning: ${[...rules('1.3.3')]}`);
  assert.ok(rules('5.3').has('ar-humidity'), `damp archive: ${[...rules('5.3')]}`);
  const loud = pack.clauses.find((c) => c.clause === '1.3.3')!.excursions.find((x) => x.rule === 'noise-laeq-5min')!;
  assert.ok(
    Date.parse(loud.start) >= incidents[2]!.at && Date.parse(loud.start) < incidents[2]!.at + 3_600_000,
    loud.start,
  );
  assert.ok(
    pack.deviceFaults.some((f) => f.device === 'eval-w03' && f.source === 'status'),
    'the evaluator offline is a device fault',
  );
  // The normal days around the incidents stay clean: no hall climate excursion.
  assert.equal(pack.clauses.find((c) => c.clause === '1.3.2')!.excursions.length, 0);

  // The staff's records of the residents' bad ratings: every one followed up, and the pack's
  // follow-up rates read them (some answered late, most in time).
  const bad = (await store.readEvents({ site: 'demo', from, to, types: ['rating'] })).filter(
    (e) => e.score !== undefined && e.score <= 2,
  );
  assert.ok(bad.length > 0, 'three days of residents give some bad ratings');
  assert.equal(r.followups, bad.length);
  const rows = await readFollowupOutcomes(tmp.path, 'demo');
  assert.equal(rows.length, bad.length);
  assert.ok(rows.every((o) => o.respondedAt !== null && o.respondedAt >= o.ratedAt));
  const withOutcomes = await buildEvidence({
    store,
    site,
    catalogue: loadCatalogue(),
    profiles,
    calendar: shippedCalendar(),
    from: '2025-05-06',
    to: '2025-05-08',
    followupOutcomes: rows,
  });
  const reply = withOutcomes.scorecard.lines.find((l) => l.clause === '6.1.3')!;
  assert.ok(reply.figure !== null && reply.figure > 50, `on-time replies ${reply.figure} %`);
});
