// Scheduled reports on a simulated clock against a real server, beyond the first month
// (schedule.test.ts): a server that was stopped across two month ends builds both missed packs when
// it starts, oldest first, each once (across restarts too), but never one due before the schedule
// first ran on its data dir; a quarterly plan builds the quarter on the 1st of the next quarter at
// the plan's hour in each site's own time zone, and not a minute before; `keep` deletes a plan's
// oldest packs of a site (row and folder) and they are not built again; a server down for longer
// than `keep` periods catches up only the newest `keep`.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedSite, ReportPlan, ReportSchedule } from '@hallmon/firmware-config';
import { startTestServer, testSites, type TestServer } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';

/** An instant given as Shanghai wall-clock time. */
const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);

const schedule = (keep: number, ...plans: ReportPlan[]): ReportSchedule => ({
  version: 1,
  timezone: 'Asia/Shanghai',
  keep,
  plans,
});
const monthly: ReportPlan = { id: 'monthly', period: 'month', scope: 'sites', day: 1, at: '06:00' };

/** The demo hall alone (one pack per period keeps the builds few). */
function demoOnly(): Map<string, LoadedSite> {
  return new Map([['demo', testSites().get('demo')!]]);
}

/** Starts a server on `dataDir` (kept across restarts) with a simulated clock; the test stops it. */
async function start(
  dataDir: string,
  clock: { now(): number },
  reportSchedule: ReportSchedule,
  sites: Map<string, LoadedSite> = demoOnly(),
): Promise<TestServer> {
  // An hourly check: the test's ticks are the checks that matter.
  return startTestServer({ dataDir, sites, clock, reportSchedule, reportCheckMs: 3_600_000 });
}

test('a server stopped across two month ends builds both missed packs at start, oldest first, each once', async (t) => {
  const dir = tempDir('hallmon-reports-');
  t.onTestFinished(() => dir.remove());
  const dataDir = join(dir.path, 'data');
  // The simulated clock moves 1 ms each time it is read, so the order of the builds shows in their times.
  let now = at('2025-08-20 12:00');
  const clock = { now: () => now++ };
  const plan = schedule(24, monthly);

  // The schedule first runs on 20 August: July (due 1 August) is before it and is not built.
  let server = await start(dataDir, clock, plan);
  await server.reports.tick();
  assert.deepEqual(server.reports.list(), []);
  await server.stop();

  // Down across the ends of August and September; started on 15 October.
  now = at('2025-10-15 12:00');
  server = await start(dataDir, clock, plan);
  await server.reports.tick();
  const built = server.reports.list().sort((a, b) => a.startedAt!.localeCompare(b.startedAt!));
  assert.deepEqual(
    built.map((r) => [r.id, r.state, r.firstDay, r.lastDay, r.dueAt]),
    [
      ['monthly:demo:2025-08-01', 'done', '2025-08-01', '2025-08-31', new Date(at('2025-09-01 06:00')).toISOString()],
      ['monthly:demo:2025-09-01', 'done', '2025-09-01', '2025-09-30', new Date(at('2025-10-01 06:00')).toISOString()],
    ],
    'both missed months, August built first',
  );
  assert.ok(built[0]!.finishedAt! <= built[1]!.startedAt!, 'August was finished before September started');
  for (const r of built) assert.ok(r.files.some((f) => f.name === 'evidence.pdf' && f.size > 0));

  // Each once: another check, and another restart, build nothing again.
  const before = built.map((r) => [r.id, r.startedAt, r.finishedAt]);
  await server.reports.tick();
  await server.stop();
  now = at('2025-10-20 12:00');
  server = await start(dataDir, clock, plan);
  t.onTestFinished(() => server.stop());
  await server.reports.tick();
  assert.deepEqual(
    server.reports
      .list()
      .map((r) => [r.id, r.startedAt, r.finishedAt])
      .sort(),
    before,
  );
});

test('a quarterly plan builds the quarter on the 1st of the next at its hour, site-local, and not before', async (t) => {
  const dir = tempDir('hallmon-reports-');
  t.onTestFinished(() => dir.remove());
  const sites = testSites();
  // The other hall keeps Tokyo time: its 06:30 is Shanghai's 05:30.
  sites.get('other')!.timezone = 'Asia/Tokyo';
  const clock = { t: at('2025-06-20 12:00') };
  const quarterly: ReportPlan = { id: 'quarterly', period: 'quarter', scope: 'sites', day: 1, at: '06:30' };
  const server = await start(join(dir.path, 'data'), { now: () => clock.t }, schedule(24, quarterly), sites);
  t.onTestFinished(() => server.stop());
  const ids = () =>
    server.reports
      .list()
      .map((r) => r.id)
      .sort();

  for (const local of ['2025-06-30 23:59', '2025-07-01 05:29']) {
    clock.t = at(local);
    await server.reports.tick();
    assert.deepEqual(ids(), [], `nothing at ${local} (Shanghai)`);
  }
  // 06:30 in Tokyo: the other hall's second quarter.
  clock.t = at('2025-07-01 05:30');
  await server.reports.tick();
  assert.deepEqual(ids(), ['quarterly:other:2025-04-01']);
  clock.t = at('2025-07-01 06:29');
  await server.reports.tick();
  assert.deepEqual(ids(), ['quarterly:other:2025-04-01'], 'not the demo hall at 06:29 Shanghai');
  // 06:30 in Shanghai: the demo hall's.
  clock.t = at('2025-07-01 06:30');
  await server.reports.tick();
  const packs = server.reports.list().sort((a, b) => a.id.localeCompare(b.id));
  assert.deepEqual(
    packs.map((r) => [r.id, r.state, r.period, r.firstDay, r.lastDay, r.dueAt]),
    [
      [
        'quarterly:demo:2025-04-01',
        'done',
        'quarter',
        '2025-04-01',
        '2025-06-30',
        new Date(at('2025-07-01 06:30')).toISOString(),
      ],
      [
        'quarterly:other:2025-04-01',
        'done',
        'quarter',
        '2025-04-01',
        '2025-06-30',
        new Date(Date.parse('2025-07-01T06:30:00+09:00')).toISOString(),
      ],
    ],
  );
  // Nothing more until the next quarter.
  clock.t = at('2025-09-30 23:59');
  await server.reports.tick();
  assert.equal(server.reports.list().length, 2);
});

test('keep deletes the oldest packs of a plan and site, rows and folders, and they are not built again', async (t) => {
  const dir = tempDir('hallmon-reports-');
  t.onTestFinished(() => dir.remove());
  const clock = { t: at('2025-05-20 12:00') };
  const server = await start(join(dir.path, 'data'), { now: () => clock.t }, schedule(2, monthly));
  t.onTestFinished(() => server.stop());
  const ids = () =>
    server.reports
      .list()
      .map((r) => r.id)
      .sort();
  const folder = (id: string) => server.reports.folder(server.reports.get(id)!);

  // 1 July: May (due 1 June, missed) and June.
  clock.t = at('2025-07-01 06:10');
  await server.reports.tick();
  assert.deepEqual(ids(), ['monthly:demo:2025-05-01', 'monthly:demo:2025-06-01']);
  const may = folder('monthly:demo:2025-05-01');
  const june = folder('monthly:demo:2025-06-01');
  assert.ok(existsSync(join(may, 'evidence.pdf')) && existsSync(join(june, 'evidence.pdf')));

  // 1 August: July is the third, so May goes, row and folder.
  clock.t = at('2025-08-01 06:10');
  await server.reports.tick();
  assert.deepEqual(ids(), ['monthly:demo:2025-06-01', 'monthly:demo:2025-07-01']);
  assert.equal(existsSync(may), false, "May's folder is deleted");
  assert.ok(existsSync(join(june, 'evidence.pdf')));

  // A later check does not build May again (it is due, after the start, and not in the list).
  clock.t = at('2025-08-15 12:00');
  await server.reports.tick();
  assert.deepEqual(ids(), ['monthly:demo:2025-06-01', 'monthly:demo:2025-07-01']);

  // Down from mid-August to mid-December: of August to November only the newest two are built
  // (the older would be deleted at once), and June and July make way for them.
  clock.t = at('2025-12-15 12:00');
  await server.reports.tick();
  assert.deepEqual(ids(), ['monthly:demo:2025-10-01', 'monthly:demo:2025-11-01']);
  assert.equal(existsSync(june), false, "June's folder is deleted");
});
