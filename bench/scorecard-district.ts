// Benchmark: the scorecard of a backfilled year and the district view of three centres. The three
// shipped sites (demo, qingpu-xiayang, qingpu-zhujiajiao) get a year each (2024-05-01 to
// 2025-04-30) written by the store backfill (`hallmon simulate --backfill`: the normal-day
// scenario with the year's incidents; noise as one 60-s LAeq a minute, HALLMON_BENCH_NOISE_STEP to
// change) into one SQLite data dir. Then: one centre's year pack with its scorecard (first build in
// the process, then warm), the same year with the catalogue of before the scorecard (no detectors,
// rates or environment × service section) for the difference, and the district view of the three
// centres for the year through the server's evidence line, cold and cached, and its PDF.
// HALLMON_BENCH_DIR keeps the filled data dir there and reuses it (delete it to refill).
// Run: node --import tsx bench/scorecard-district.ts
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { createLogger, loadCatalogue, loadProfiles, loadSites, shippedCalendar } from '@hallmon/firmware-config';
import { backfillStore } from '@hallmon/demo';
import { getScenario } from '@hallmon/simulators';
import { buildEvidence, createStore } from '@hallmon/server';
import { EvidenceService } from '../server/src/evidence/service.ts';
import { districtOf } from '../server/src/scorecard/district.ts';
import { districtPdf } from '../server/src/scorecard/district-pdf.ts';

const FROM = '2024-05-01';
const TO = '2025-04-30';
const NOISE_STEP = Number(process.env.HALLMON_BENCH_NOISE_STEP ?? 60);
const at = (day: string) => Date.parse(`${day}T00:00:00+08:00`);
const secs = (t: number) => ((Date.now() - t) / 1000).toFixed(2);
const out = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const given = process.env.HALLMON_BENCH_DIR;
  const dir = given ?? mkdtempSync(join(tmpdir(), 'hallmon-bench-score-'));
  const log = createLogger('bench', 'warn');
  const profiles = loadProfiles();
  const sites = [...loadSites(undefined, profiles).values()].map(({ file: _f, ...s }) => s);
  const catalogue = loadCatalogue();
  const calendar = shippedCalendar();
  try {
    if (!existsSync(join(dir, 'hallmon.db'))) {
      for (const site of sites) {
        const t = Date.now();
        const r = await backfillStore({
          scenario: getScenario('normal-day')!,
          site,
          seed: 7,
          from: at(FROM),
          to: at('2025-05-01'),
          dataDir: dir,
          noiseStepS: NOISE_STEP,
          seal: false,
          profiles,
          log,
        });
        out(
          `fill ${site.id}: ${r.readings} readings, ${r.events} events, ${r.incidents.length} incidents in ${secs(t)} s`,
        );
      }
    } else out(`reusing the filled data dir ${dir}`);
    const store = createStore({ kind: 'sqlite', dataDir: dir }, log);
    await store.open();
    try {
      const now = () => at('2025-06-01');
      const demo = sites.find((s) => s.id === 'demo')!;
      const build = (cat = catalogue) =>
        buildEvidence({ store, site: demo, catalogue: cat, profiles, calendar, from: FROM, to: TO, now });
      let t = Date.now();
      const first = await build();
      out(`demo year pack with scorecard, first in the process: ${secs(t)} s (load ${loadavg()[0]!.toFixed(1)})`);
      const warm: string[] = [];
      for (let i = 0; i < 3; i++) {
        t = Date.now();
        await build();
        warm.push(secs(t));
      }
      out(`  warm: ${warm.join(', ')} s`);
      const lines = first.scorecard.lines;
      out(
        `  scorecard: ${lines.length} lines; at risk ${first.scorecard.totals.pointsAtRisk} of ${first.scorecard.totals.points} points; deductions ${first.scorecard.totals.deductions}; ${first.environmentService.hours.length} opening hours beside service`,
      );
      // The catalogue as it was before the scorecard: without the new clauses and their kinds.
      const newKinds = new Set(['followup-rate', 'self-rating', 'service-hours', 'window-idle', 'workload-balance']);
      const before = {
        ...catalogue,
        clauses: catalogue.clauses.filter((c) => !c.rules.some((r) => newKinds.has(r.kind))),
      };
      const base: string[] = [];
      for (let i = 0; i < 3; i++) {
        t = Date.now();
        await build(before);
        base.push(secs(t));
      }
      out(
        `  the same year without the detectors' and rates' clauses: ${base.join(', ')} s (the pack still has the scorecard and environment × service)`,
      );

      const svc = new EvidenceService({ store, catalogue, profiles, calendar, now });
      t = Date.now();
      const cards = [];
      for (const site of sites) cards.push(await svc.scorecard(site, FROM, TO));
      out(`district view, 3 centres × a year, cold: ${secs(t)} s`);
      t = Date.now();
      for (const site of sites) await svc.scorecard(site, FROM, TO);
      out(`  cached: ${secs(t)} s`);
      const view = districtOf(svc, sites, cards, 'year', FROM, TO);
      t = Date.now();
      const pdf = await districtPdf(view, cards);
      out(`  district PDF: ${pdf.length} bytes in ${secs(t)} s`);
      for (const r of view.rows)
        out(
          `  ${r.site}: pass ${r.totals.pass}, fail ${r.totals.fail}, insufficient ${r.totals.insufficient}, at risk ${r.totals.pointsAtRisk}, deductions ${r.totals.deductions}`,
        );
    } finally {
      await store.close();
    }
  } finally {
    if (!given) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
