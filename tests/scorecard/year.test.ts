// The scorecard of a backfilled year matches its parts: a year of the demo hall's counter devices
// (tickets, calls, ratings, an evaluator offline twice in a month, unanswered bad ratings) and its
// CO2, written by the store backfill with the year's incidents; the year's scorecard agrees line by
// line with its own pack's clauses, and the figures that add up (detector findings, which never
// cross a midnight, the hall's ratings and served tickets, CO2 excursions in opening hours) equal
// the sum of the twelve monthly scorecards and packs.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createLogger, loadCatalogue, loadProfiles, loadSites, shippedCalendar } from '@hallmon/firmware-config';
import { backfillStore } from '@hallmon/demo';
import { getScenario } from '@hallmon/simulators';
import { buildEvidence, createStore, type EvidencePack } from '@hallmon/server';
import type { ScoreLine } from '@hallmon/contract';
import { tempDir } from '../helpers/tmp.ts';

const at = (local: string) => Date.parse(`${local.replace(' ', 'T')}:00+08:00`);

test(
  'a backfilled year: the scorecard agrees with its pack and with its twelve months',
  { timeout: 600_000 },
  async (t) => {
    const tmp = tempDir('hallmon-year-');
    t.onTestFinished(() => tmp.remove());
    const profiles = loadProfiles();
    const catalogue = loadCatalogue();
    const site = loadSites(undefined, profiles).get('demo')!;
    const from = at('2024-05-01 00:00');
    const to = at('2025-05-01 00:00');
    const r = await backfillStore({
      scenario: getScenario('normal-day')!,
      site,
      seed: 11,
      from,
      to,
      dataDir: tmp.path,
      sensors: ['hall-co2-1'],
      seal: false,
      profiles,
      log: createLogger('test', 'warn'),
    });
    t.annotate(
      `backfilled ${r.readings} readings, ${r.events} events, ${r.incidents.length} incidents in ${r.seconds} s`,
    );
    assert.ok(r.events > 100_000, `a year of counter events (${r.events})`);
    const store = createStore({ kind: 'sqlite', dataDir: tmp.path }, createLogger('test', 'warn'));
    await store.open();
    t.onTestFinished(() => store.close());
    const build = (f: string, to2: string) =>
      buildEvidence({
        store,
        site,
        catalogue,
        profiles,
        calendar: shippedCalendar(),
        from: f,
        to: to2,
        now: () => at('2025-06-01 00:00'),
      });
    const started = Date.now();
    const year = await build('2024-05-01', '2025-04-30');
    t.annotate(`the year's pack and scorecard in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const months: EvidencePack[] = [];
    for (let m = 0; m < 12; m++) {
      const d = new Date(Date.UTC(2024, 4 + m, 1));
      const last = new Date(Date.UTC(2024, 5 + m, 0));
      months.push(await build(d.toISOString().slice(0, 10), last.toISOString().slice(0, 10)));
    }

    // 1. Each line is its clause of the same pack.
    for (const pack of [year, ...months])
      for (const l of pack.scorecard.lines) {
        const c = pack.clauses.find((x) => x.clause === l.clause)!;
        assert.equal(l.verdict, c.verdict, `${pack.firstDay} ${l.clause}`);
        assert.equal(l.coverage, c.coverage, `${pack.firstDay} ${l.clause}`);
        if (l.clause !== '1.2.1') assert.equal(l.findings, c.excursions.length, `${pack.firstDay} ${l.clause}`);
        assert.equal(l.pointsAtRisk, l.verdict === 'pass' ? 0 : l.points);
      }
    const line = (p: EvidencePack, id: string): ScoreLine => p.scorecard.lines.find((l) => l.clause === id)!;

    // 2. What adds up, adds up.
    for (const id of ['2.1', '3.2.2', 'QP21-3.4', 'QP21-5.8', '1.3.2']) {
      const sum = months.reduce((a, p) => a + line(p, id).findings, 0);
      assert.equal(line(year, id).findings, sum, `${id}: the year's findings are the months' sum`);
    }
    const hall = (p: EvidencePack) => p.clauses.find((c) => c.clause === '6.1.1')!.byWindow!.find((w) => w.hall)!;
    assert.equal(
      hall(year).ratings,
      months.reduce((a, p) => a + hall(p).ratings, 0),
    );
    assert.equal(
      hall(year).served,
      months.reduce((a, p) => a + hall(p).served, 0),
    );
    assert.equal(line(year, '6.1.1').figure, Math.round((1000 * hall(year).ratings) / hall(year).served) / 10);
    // The evaluator offline twice in one month (more than the 2021 rules allow): its faults are the months'.
    const faults = (p: EvidencePack) =>
      p.deviceFaults.filter((f) => f.source === 'status' && (f.exceedsMonthlyLimit || f.repairOverdue)).length;
    assert.equal(line(year, '1.2.1').findings, faults(year));
    assert.equal(
      faults(year),
      months.reduce((a, p) => a + faults(p), 0),
    );
    // A deduction per finding is its count times its points, as the months' counts add up.
    for (const id of ['3.2.2', 'QP21-3.4']) {
      const yl = line(year, id);
      for (const [i, d] of yl.deductions.entries()) {
        const count = months.reduce((a, p) => a + line(p, id).deductions[i]!.count, 0);
        assert.equal(d.count, count, `${id} ${d.what}`);
        assert.equal(d.total, Math.round(Math.min(count * d.points, d.upTo ?? Infinity) * 100) / 100);
      }
    }
    // The year's incidents are in it: the evaluator's month over the limit fails 1.2.1.
    assert.ok(r.incidents.some((i) => i.scenario === 'evaluator-offline'));
    assert.equal(line(year, '1.2.1').verdict, 'fail');
    assert.equal(
      year.scorecard.totals.pointsAtRisk,
      Math.round(year.scorecard.lines.reduce((a, l) => a + l.pointsAtRisk, 0) * 100) / 100,
    );
  },
);
