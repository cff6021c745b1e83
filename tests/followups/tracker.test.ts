// The server's follow-up tracker with an injected clock and a real followups.db: a bad rating opens a
// follow-up, each missed "1、5、15" stage raises its alarm, the person's step clears it, redelivered
// ratings do not duplicate, and a restart keeps follow-ups and raised alarms.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createLogger, loadCatalogue, loadProfiles, loadSites } from '@hallmon/firmware-config';
import { FollowupTracker } from '../../server/src/followups/tracker.ts';
import type { StoredAlarm, StoredEvent } from '@hallmon/server';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { DEMO_SITE_FILE } from '../helpers/server-process.ts';

const sh = (local: string) => Date.parse(`${local}+08:00`);
const sites = loadSites([DEMO_SITE_FILE], loadProfiles());
const catalogue = loadCatalogue();
const log = createLogger('test-followups', 'silent');

function harness(dataDir: string, clock: { t: number }, tickMs = 3_600_000) {
  const published: StoredAlarm[] = [];
  const tracker = new FollowupTracker({
    sites: sites.values(),
    catalogue,
    dataDir,
    log,
    publish: (_s, a) => published.push(...a),
    clock: { now: () => clock.t },
    tickMs,
  });
  return { tracker, published };
}

const ratedAt = sh('2025-05-06T10:00:00'); // a Tuesday
const bad: StoredEvent = { site: 'demo', device: 'eval-w02', type: 'rating', score: 1, ts: ratedAt };
const good: StoredEvent = {
  site: 'demo',
  device: 'eval-w01',
  type: 'rating',
  score: 4,
  window: 'W01',
  ts: ratedAt + 1_000,
};
const id = `demo:eval-w02:${new Date(ratedAt).toISOString()}`;

test('a rating of 1 walks through the 1、5、15 stages with alarms raised and cleared', async (t) => {
  const dir = tempDir('hallmon-followups-');
  t.onTestFinished(() => dir.remove());
  const clock = { t: ratedAt + 60_000 };
  const { tracker, published } = harness(dir.path, clock);
  tracker.start();
  t.onTestFinished(() => tracker.stop());

  await tracker.record('demo', [bad, good]);
  await tracker.record('demo', [bad]); // redelivery (at-least-once from the edge)
  const open = await tracker.list('demo', true);
  assert.equal(open.length, 1, 'only the bad rating opens a follow-up, once');
  const f = open[0]!;
  assert.equal(f.id, id);
  assert.equal(f.state, 'open');
  assert.equal(f.window, 'W02', 'the window from the site config');
  assert.equal(f.score, 1);
  assert.equal(f.responseDue, '2025-05-07T15:59:59.999Z', 'end of the next working day, Shanghai time');
  assert.equal(f.simpleDue, '2025-05-13T15:59:59.999Z');
  assert.equal(f.complexDue, '2025-05-27T15:59:59.999Z');

  clock.t = sh('2025-05-07T23:59:59');
  await tracker.tick();
  assert.equal(published.length, 0, 'nothing is overdue within the answer day');

  clock.t = sh('2025-05-08T00:00:01');
  await tracker.tick();
  await tracker.tick();
  assert.equal(published.length, 1, 'one alarm for the missed answer, raised once');
  const raised = published[0]!;
  assert.equal(raised.id, `${id}:response`);
  assert.equal(raised.state, 'raised');
  assert.equal(raised.clause, '10.1.3');
  assert.equal(raised.rule, 'bad-rating-followup');
  assert.equal(raised.severity, 'warning');
  assert.equal(raised.sensor, 'eval-w02');
  assert.equal(raised.peak, 1);
  assert.deepEqual((await tracker.list('demo', true))[0]!.overdue, ['response']);

  const answered = await tracker.act(id, { action: 'respond', note: 'called the citizen back' }, 'hall1');
  assert.ok(answered && answered !== 'resolved' && !('problem' in answered));
  assert.equal(answered.state, 'responded');
  assert.equal(answered.respondedBy, 'hall1');
  assert.equal(answered.note, 'called the citizen back');
  assert.deepEqual(
    published.slice(1).map((a) => [a.id, a.state]),
    [[`${id}:response`, 'cleared']],
  );

  clock.t = sh('2025-05-14T00:00:01');
  await tracker.tick();
  assert.deepEqual(
    published.slice(2).map((a) => [a.id, a.state]),
    [[`${id}:simple`, 'raised']],
    'the 5-day fix limit passed',
  );

  clock.t = sh('2025-05-14T09:30:00');
  const complex = await tracker.act(id, { action: 'complex', note: 'needs the district bureau' }, 'admin');
  assert.ok(complex && complex !== 'resolved' && !('problem' in complex));
  assert.equal(complex.complex, true);
  assert.equal(complex.complexBy, 'admin');
  assert.deepEqual(
    published.slice(3).map((a) => [a.id, a.state]),
    [[`${id}:simple`, 'cleared']],
    'complex: the 15-day limit applies now',
  );

  clock.t = sh('2025-05-27T23:00:00');
  await tracker.tick();
  assert.equal(published.length, 4, 'the 15-day limit has not passed yet');

  // A restart keeps the follow-up and knows which alarms it raised.
  tracker.stop();
  const again = harness(dir.path, clock, 50);
  again.tracker.start();
  t.onTestFinished(() => again.tracker.stop());
  assert.equal((await again.tracker.list('demo', true)).length, 1);
  clock.t = sh('2025-05-28T00:00:01');
  const late = await waitFor(
    () => again.published.find((a) => a.id === `${id}:complex`),
    'the 1 s clock raising the 15-day alarm',
    10_000,
  );
  assert.equal(late.state, 'raised');

  const done = await again.tracker.act(id, { action: 'resolve', note: 'fixed' }, 'hall1');
  assert.ok(done && done !== 'resolved' && !('problem' in done));
  assert.equal(done.state, 'resolved');
  assert.equal(done.resolvedBy, 'hall1');
  assert.deepEqual(done.overdue, []);
  assert.deepEqual(
    again.published.filter((a) => a.state === 'cleared').map((a) => a.id),
    [`${id}:complex`],
  );
  assert.equal(
    again.published.filter((a) => a.state === 'raised').length,
    1,
    'earlier alarms were not raised again after the restart',
  );
  assert.equal((await again.tracker.list('demo', true)).length, 0);
  assert.equal((await again.tracker.list('demo', false)).length, 1);
  assert.equal(await again.tracker.act(id, { action: 'respond', note: '' }, 'hall1'), 'resolved');
  assert.equal(
    await again.tracker.act('demo:nope:2025-01-01T00:00:00.000Z', { action: 'respond', note: '' }, 'hall1'),
    undefined,
  );
});

test('resolved in time raises nothing; a late step still leaves its alarm on record', async (t) => {
  const dir = tempDir('hallmon-followups-');
  t.onTestFinished(() => dir.remove());
  const clock = { t: ratedAt + 60_000 };
  const { tracker, published } = harness(dir.path, clock);
  tracker.start();
  t.onTestFinished(() => tracker.stop());
  const other: StoredEvent = { ...bad, device: 'eval-w03', score: 2 };
  await tracker.record('demo', [
    bad,
    other,
    { ...bad, device: 'mr-th-1' },
    { ...bad, site: 'demo', type: 'ticket_called', score: undefined } as StoredEvent,
  ]);
  assert.equal((await tracker.list('demo', true)).length, 2, 'ratings of 1 and 2 from evaluators in the hall only');

  clock.t = sh('2025-05-07T12:00:00');
  await tracker.act(id, { action: 'resolve', note: 'sorted at the counter' }, 'hall1');
  // No tick ran after the answer day; the step comes late and is judged first.
  clock.t = sh('2025-05-08T08:00:00');
  const late = await tracker.act(
    `demo:eval-w03:${new Date(ratedAt).toISOString()}`,
    { action: 'respond', note: '' },
    'hall1',
  );
  assert.ok(late && late !== 'resolved');
  await tracker.tick();
  assert.deepEqual(
    published.map((a) => [a.sensor, a.id.split(':').pop(), a.state]),
    [
      ['eval-w03', 'response', 'raised'],
      ['eval-w03', 'response', 'cleared'],
    ],
  );
});
