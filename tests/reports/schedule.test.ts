// Scheduled reports on a simulated clock against a real server (SQLite, the evidence line, a real
// webhook receiver on 127.0.0.1): nothing is built for periods before the schedule started; on the
// 1st at 06:10 the September pack of each site is built (its progress recorded as it goes), kept,
// listed, and its signed link sent to the site's route marked "reports"; the link opens the PDF
// without a token until it expires; the district pack follows at 06:30 to the schedule's route;
// "build now" queues a plan's latest period.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { ReportSchedule } from '@hallmon/firmware-config';
import type { Report } from '@hallmon/contract';
import { startTestServer, testSites } from '../helpers/server-process.ts';
import { startReceiver } from '../alarms/harness.ts';

const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);

test('monthly packs on a simulated clock: built, kept, listed, delivered with a signed link', async (t) => {
  const hook = await startReceiver();
  t.onTestFinished(() => hook.stop());
  const sites = testSites();
  const demo = sites.get('demo')!;
  demo.notifications = [
    { id: 'director', url: `${hook.url}/director`, format: 'generic', reports: true, zoneKinds: ['archive-room'] },
  ];
  const schedule: ReportSchedule = {
    version: 1,
    timezone: 'Asia/Shanghai',
    keep: 2,
    linkDays: 30,
    plans: [
      { id: 'monthly', period: 'month', scope: 'sites', day: 1, at: '06:00' },
      { id: 'district-monthly', period: 'month', scope: 'district', day: 1, at: '06:30' },
    ],
    routes: [{ id: 'district-office', url: `${hook.url}/district`, format: 'wecom' }],
  };
  const clock = { t: at('2025-09-30 23:00') };
  const server = await startTestServer({
    sites,
    clock: { now: () => clock.t },
    reportSchedule: schedule,
    reportCheckMs: 3_600_000,
  });
  t.onTestFinished(() => server.stop());
  // A September day of ratings at the demo hall, so the pack has figures.
  const served = at('2025-09-15 10:00');
  await server.store.writeEvents([
    { site: 'demo', device: 'queue-1', type: 'ticket_served', window: 'W01', ts: served },
    { site: 'demo', device: 'eval-w01', type: 'rating', score: 5, window: 'W01', ts: served + 30_000 },
  ]);
  const admin = await server.login();
  const list = async () => (await server.get<{ reports: Report[] }>('/api/reports', admin)).body.reports;

  await server.reports.tick();
  assert.deepEqual(await list(), [], 'August is not built: it ended before the schedule started');

  // Record the progress each build reports while it runs.
  const seen: Array<[string, string, number]> = [];
  const db = server.reports.db;
  const progress = db.progress.bind(db);
  db.progress = (id, phase, p) => {
    seen.push([id, phase, p]);
    progress(id, phase, p);
  };

  clock.t = at('2025-10-01 06:10');
  await server.reports.tick();
  const built = await list();
  assert.deepEqual(built.map((r) => [r.id, r.state, r.firstDay, r.lastDay, r.progress]).sort(), [
    ['monthly:demo:2025-09-01', 'done', '2025-09-01', '2025-09-30', 1],
    ['monthly:other:2025-09-01', 'done', '2025-09-01', '2025-09-30', 1],
  ]);
  const r = built.find((x) => x.scope === 'demo')!;
  assert.equal(r.dueAt, new Date(at('2025-10-01 06:00')).toISOString());
  for (const f of ['evidence.pdf', 'evidence.json', 'manifest.json', 'csv/scorecard.csv'])
    assert.ok(
      r.files.some((x) => x.name === f && x.size > 0),
      f,
    );
  const mine = seen.filter((s) => s[0] === r.id).map((s) => s[2]);
  assert.ok(mine.length >= 3, 'progress was recorded while it built');
  assert.ok(
    mine.every((p, i) => p > 0 && p < 1 && (i === 0 || p >= mine[i - 1]!)),
    `progress rises below 1: ${mine.join(' ')}`,
  );

  // The demo's route got the link (the other site has no route for reports).
  const msg = hook.hits.find((h) => h.path === '/director');
  assert.ok(msg, 'the site route got the notice');
  assert.equal(msg.body.kind, 'hallmon.report');
  assert.equal(msg.body.report.id, r.id);
  assert.deepEqual(
    r.deliveries.map((d) => [d.route, d.status, d.attempts]),
    [['director', 'delivered', 1]],
  );
  const link = new URL(msg.body.link as string);
  assert.equal(`${link.protocol}//${link.host}`, server.url);
  const pdf = await fetch(link);
  assert.equal(pdf.status, 200, 'the signed link needs no token');
  assert.match(pdf.headers.get('content-type') ?? '', /^application\/pdf/);
  assert.equal((await pdf.arrayBuffer()).byteLength, r.files.find((x) => x.name === 'evidence.pdf')!.size);
  const forged = new URL(link);
  forged.searchParams.set('sig', `${forged.searchParams.get('sig')!.slice(0, -2)}xx`);
  assert.equal((await fetch(forged)).status, 403);
  const otherFile = new URL(link.toString().replace('evidence.pdf', 'evidence.json'));
  assert.equal((await fetch(otherFile)).status, 403, 'a link opens only its own file');
  // With a token, any file of a pack the account covers.
  const json = await fetch(`${server.url}/api/reports/${encodeURIComponent(r.id)}/file/evidence.json`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  assert.equal(json.status, 200);
  assert.equal(((await json.json()) as { site: string }).site, 'demo');
  assert.equal((await fetch(`${server.url}/api/reports/${encodeURIComponent(r.id)}/file/evidence.json`)).status, 401);

  // 06:40: the district pack, to the schedule's route, in WeCom markdown with the link.
  clock.t = at('2025-10-01 06:40');
  await server.reports.tick();
  const district = (await list()).find((x) => x.scope === 'district')!;
  assert.equal(district.state, 'done');
  assert.ok(district.files.some((f) => f.name === 'district.pdf'));
  const wecom = hook.hits.find((h) => h.path === '/district');
  assert.ok(wecom);
  assert.equal(wecom.body.msgtype, 'markdown');
  assert.match(wecom.body.markdown.content as string, /\/api\/reports\/district-monthly/);

  // A second tick builds nothing new; "build now" is for the district role and admin only.
  await server.reports.tick();
  assert.equal((await list()).length, 3);
  server.addUser('hall1', 'hall');
  const hall = await server.login('hall1', 'hall1-password');
  assert.equal((await server.post('/api/reports', { plan: 'monthly' }, hall)).status, 403);
  const bad = await server.post<{ message: string }>('/api/reports', { plan: 'weekly' }, admin);
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /monthly/);

  // After the link's 30 days it stops working.
  clock.t = at('2025-11-01 07:00');
  assert.equal((await fetch(link)).status, 403);
});
