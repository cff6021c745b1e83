// Benchmark: the first sealing of a period (what the server does once in the background) and
// `hallmon evidence verify` of a pack of it, first against the raw readings, then (after pruning
// the raw data of the whole period, format-2 seals) against the sealed minute rollups.
// HALLMON_BENCH_DIR: a store filled by bench/evidence-year.ts (site "bench", 2024-05-01 on); it is
// PRUNED unless HALLMON_BENCH_PRUNE=0, so point it at a copy (cp -r). Without it: a test-size store
// of HALLMON_BENCH_DAYS (default 7) days, 20 sensors at 1 min, in a temp folder.
// Run: npm run bench -- bench/evidence-seal.ts
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { createLogger, loadProfiles, nextDay, type Metric } from '@hallmon/firmware-config';
import {
  createStore,
  chainHeads,
  MANIFEST_FORMAT,
  type Manifest,
  siteSchedule,
  SealStore,
  sealDays,
  verifyPack,
} from '@hallmon/server';
import type { StoredReading, EvidencePack } from '@hallmon/server';
import { benchSite } from './lib/evidence-site.ts';

const site = benchSite;
const FIRST = '2024-05-01';
const start = Date.parse(`${FIRST}T00:00:00+08:00`);
const given = process.env.HALLMON_BENCH_DIR;
const DAYS = Number(process.env.HALLMON_BENCH_DAYS ?? (given ? 365 : 7));
const prune = process.env.HALLMON_BENCH_PRUNE !== '0';
const out = (s: string) => process.stdout.write(`${s}\n`);
const secs = (t: number) => ((Date.now() - t) / 1000).toFixed(1);

async function main(): Promise<void> {
  const dir = given ?? mkdtempSync(join(tmpdir(), 'hallmon-bench-seal-'));
  const work = mkdtempSync(join(tmpdir(), 'hallmon-bench-seal-work-'));
  const store = createStore({ kind: 'sqlite', dataDir: dir }, createLogger('bench', 'warn'));
  await store.open();
  const seals = new SealStore(work);
  seals.open();
  const profiles = loadProfiles();
  try {
    if (!given) await fill(store);
    let lastDay = FIRST;
    for (let i = 1; i < DAYS; i++) lastDay = nextDay(lastDay);
    out(
      `evidence-seal: ${DAYS} days of site bench (${await store.countReadings('bench')} raw readings) in ${dir}; load ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );

    let t = Date.now();
    const r = await sealDays(store, seals, site, profiles, lastDay, { fromDay: FIRST });
    out(`first sealing (raw + minute-rollup digests): ${r.sealed.length} days in ${secs(t)} s`);

    const pack = { site: site.id, firstDay: FIRST, lastDay } as EvidencePack;
    const { previousChain, heads } = await chainHeads({ pack, store, site, profiles, seals });
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      site: site.id,
      from: FIRST,
      to: lastDay,
      firstDay: FIRST,
      lastDay,
      generatedAt: new Date().toISOString(),
      softwareVersion: 'bench',
      files: [],
      previousChain,
      chain: heads,
    };
    writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest));

    t = Date.now();
    const v = await verifyPack(work, store, { site, profiles, seals, rawFrom: 0 });
    out(
      `verify, raw readings kept: ${v.ok ? 'intact' : 'ALTERED'} ${v.days.filter((d) => d.check === 'raw').length} days against raw in ${secs(t)} s`,
    );
    if (!prune) return;
    const end = siteSchedule(site).dayStart(nextDay(lastDay));
    t = Date.now();
    const n = await store.pruneRaw(end);
    out(`pruneRaw of the period: ${n} readings in ${secs(t)} s`);
    t = Date.now();
    const p = await verifyPack(work, store, { site, profiles, seals, rawFrom: end });
    out(
      `verify, raw pruned: ${p.ok ? 'intact' : 'ALTERED'} ${p.days.filter((d) => d.check === 'rollup').length} days against the sealed minute rollups in ${secs(t)} s`,
    );
  } finally {
    seals.close();
    await store.close();
    rmSync(work, { recursive: true, force: true });
    if (!given) rmSync(dir, { recursive: true, force: true });
  }
}

/** Test-size data: every series one reading a minute (noise: a 60-s LAeq). */
async function fill(store: ReturnType<typeof createStore>): Promise<void> {
  const series: Array<{ sensor: string; metric: Metric }> = [];
  for (const z of site.zones)
    for (const d of z.devices) {
      const metrics: Metric[] = d.profile.startsWith('noise')
        ? ['noise_laeq']
        : d.profile.startsWith('co2')
          ? ['co2']
          : d.profile.startsWith('lux')
            ? ['illuminance']
            : ['temperature', 'humidity'];
      for (const metric of metrics) series.push({ sensor: d.id, metric });
    }
  let batch: StoredReading[] = [];
  for (let i = 0; i < DAYS * 1440; i++) {
    for (const s of series) {
      const v = 40 + 10 * Math.sin(i / 97 + s.sensor.length);
      batch.push({
        site: site.id,
        sensor: s.sensor,
        metric: s.metric,
        ts: start + i * 60_000,
        value: Math.round(v * 100) / 100,
        quality: 'ok',
        ...(s.metric === 'noise_laeq' ? { dur: 60 } : {}),
      });
    }
    if (batch.length >= 5000) {
      await store.writeReadings(batch);
      batch = [];
    }
  }
  if (batch.length) await store.writeReadings(batch);
}

await main();
