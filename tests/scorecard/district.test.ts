// The district view with the three shipped centres against a real server (SQLite, the server's
// evidence line, a simulated clock): each centre's cells are its own scorecard's (drill-down shows
// the same figures), hand-counted figures at the 70 % boundary, the account's sites only, and the
// district PDF in Chinese with every centre.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalogue, loadProfiles, loadSites } from '@hallmon/firmware-config';
import type { DistrictView, Scorecard } from '@hallmon/contract';
import type { StoredEvent } from '@hallmon/server';
import { startTestServer } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';

const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);
const MIN = 60_000;

function ev(site: string, device: string, type: StoredEvent['type'], ts: number, extra: Partial<StoredEvent> = {}) {
  return { site, device, type, ts, ...extra } as StoredEvent;
}

/** `served` tickets at a window from 09:30 on a day (Tue 2025-10-14), `rated` of them rated 30 s later. */
function day(
  site: string,
  window: string,
  evaluator: string,
  served: number,
  rated: number,
  date = '2025-10-14',
): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (let i = 0; i < served; i++) {
    const t = at(`${date} 09:30`) + i * 5 * MIN;
    out.push(ev(site, 'queue-1', 'ticket_served', t, { window, ticket: `A${i}` }));
    if (i < rated) out.push(ev(site, evaluator, 'rating', t + 30_000, { score: 5, window }));
  }
  return out;
}

test('district view: three centres, cells equal each centre’s scorecard, scoped by account, PDF', async (t) => {
  const clock = { now: () => at('2025-10-20 12:00') };
  const sites = loadSites(undefined, loadProfiles());
  const server = await startTestServer({ sites, clock });
  t.onTestFinished(() => server.stop());
  // demo: every day of the month so far W01 served 10, rated 8 → 80 %. Xiayang: W01 served 10, rated 5 (50 % that day), and two
  // ratings at W02, which served nothing → the hall is 7 / 10 = 70 % (not below 70), two ratings
  // without service. Zhujiajiao: no counter data at all.
  const october = Array.from({ length: 20 }, (_, i) => `2025-10-${String(i + 1).padStart(2, '0')}`);
  await server.store.writeEvents([
    ...october.flatMap((d) => day('demo', 'W01', 'eval-w01', 10, 8, d)),
    ...day('qingpu-xiayang', 'W01', 'eval-w01', 10, 5),
    ev('qingpu-xiayang', 'eval-w02', 'rating', at('2025-10-14 11:00'), { score: 4, window: 'W02' }),
    ev('qingpu-xiayang', 'eval-w02', 'rating', at('2025-10-14 11:20'), { score: 4, window: 'W02' }),
  ]);
  server.addUser('district1', 'district', ['demo', 'qingpu-xiayang']);
  const admin = await server.login();
  const district = await server.login('district1', 'district1-password');

  const month = await server.get<DistrictView>('/api/district?period=month', admin);
  assert.equal(month.status, 200, JSON.stringify(month.body));
  const v = month.body;
  assert.equal(v.period, 'month');
  assert.deepEqual([v.firstDay, v.lastDay], ['2025-10-01', '2025-10-20']);
  assert.deepEqual(
    v.rows.map((r) => r.site),
    ['demo', 'qingpu-xiayang', 'qingpu-zhujiajiao'],
  );
  const catalogue = loadCatalogue();
  const scored = catalogue.clauses.filter((c) => c.scoring);
  assert.deepEqual(new Set(v.clauses.map((c) => c.clause)), new Set(scored.map((c) => c.id)));

  // Drill-down: each row is its centre's own scorecard for the same days.
  for (const row of v.rows) {
    const sc = await server.get<Scorecard>(
      `/api/scorecard?site=${row.site}&from=${row.firstDay}&to=${row.lastDay}`,
      admin,
    );
    assert.equal(sc.status, 200);
    assert.deepEqual(
      row.cells,
      sc.body.lines.map((l) => ({
        clause: l.clause,
        verdict: l.verdict,
        figure: l.figure,
        unit: l.unit,
        pointsAtRisk: l.pointsAtRisk,
        deductionTotal: l.deductionTotal,
      })),
      row.site,
    );
    assert.deepEqual(row.totals, sc.body.totals);
    assert.equal(
      row.totals.pointsAtRisk,
      Math.round(sc.body.lines.filter((l) => l.verdict !== 'pass').reduce((a, l) => a + l.points, 0) * 100) / 100,
    );
  }

  const cell = (site: string, clause: string) =>
    v.rows.find((r) => r.site === site)!.cells.find((c) => c.clause === clause)!;
  assert.deepEqual([cell('demo', '6.1.1').figure, cell('demo', '6.1.1').verdict], [80, 'pass']);
  // Xiayang's hall is at exactly 70 % (not below), but its W01 was at 50 % that day: the clause fails
  // (a window's day below 70 %), and the 2021 rules deduct 1 point for it.
  assert.deepEqual([cell('qingpu-xiayang', '6.1.1').figure, cell('qingpu-xiayang', '6.1.1').verdict], [70, 'fail']);
  assert.equal(cell('qingpu-xiayang', '6.1.1').deductionTotal, 1);
  // Two ratings at W02 with no ticket served there: 2 × 0.5 points (2021 rules 三.4).
  assert.deepEqual(
    [cell('qingpu-xiayang', 'QP21-3.4').figure, cell('qingpu-xiayang', 'QP21-3.4').deductionTotal],
    [2, 1],
  );
  assert.deepEqual([cell('demo', 'QP21-3.4').figure, cell('demo', 'QP21-3.4').verdict], [0, 'pass']);
  // Xiayang reported on one opening day of the month: no verdict of "pass" from that.
  assert.equal(v.rows[1]!.cells.find((c) => c.clause === '3.2.2')!.verdict, 'insufficient-data');
  // No counter data at all: nothing proven, every point of the counter clauses at risk.
  assert.deepEqual(
    [cell('qingpu-zhujiajiao', '6.1.1').figure, cell('qingpu-zhujiajiao', '6.1.1').verdict],
    [null, 'insufficient-data'],
  );
  assert.equal(cell('qingpu-zhujiajiao', '6.1.1').pointsAtRisk, 1);

  // The assessment year so far starts on 05-01 (the catalogue's assessmentYear).
  const year = await server.get<DistrictView>('/api/district?period=year', district);
  assert.equal(year.status, 200);
  assert.deepEqual([year.body.firstDay, year.body.lastDay], ['2025-05-01', '2025-10-20']);
  assert.deepEqual(
    year.body.rows.map((r) => r.site),
    ['demo', 'qingpu-xiayang'],
    'a district account sees the centres of its list',
  );
  assert.equal((await server.get('/api/district?period=decade', admin)).status, 400);

  const pdf = await fetch(`${server.url}/api/district?period=month&format=pdf`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  assert.equal(pdf.status, 200);
  assert.match(pdf.headers.get('content-type') ?? '', /^application\/pdf/);
  const dir = tempDir('hallmon-district-');
  t.onTestFinished(() => dir.remove());
  const file = join(dir.path, 'district.pdf');
  writeFileSync(file, Buffer.from(await pdf.arrayBuffer()));
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  for (const s of [...sites.values()]) assert.ok(text.includes(s.name), s.name);
  assert.ok(text.includes('区级受理中心评估总览'));
  assert.ok(text.includes('评估计分卡') || text.includes('分值与扣分依据'));
  const audit = await server.get<Array<{ action: string }>>('/api/audit', admin);
  assert.ok(
    audit.body.some((e) => e.action === 'district'),
    'the district PDF download is audited',
  );
});
