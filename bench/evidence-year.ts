// Benchmark: a one-year evidence pack for one site with 20 sensors (2 hall noise meters at 1 s,
// 18 climate sensors at 1 min: 34 minute series + 2 noise series) in the SQLite store.
// Filling a year of 1-s noise (63 M rows) takes long here, so noise is 1-s data for
// HALLMON_BENCH_NOISE_1S_DAYS (default 30) days and one 60-s LAeq reading a minute for the rest:
// the evidence replay reads the same number of minute rollups either way (one per minute).
// Run: node --import tsx bench/evidence-year.ts   (HALLMON_BENCH_DAYS=365 by default)
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { createLogger, loadCatalogue, loadProfiles, WorkingCalendar, type Metric, type SiteConfig } from '@hallmon/firmware-config';
import { createStore } from '@hallmon/server/store/index';
import type { StoredReading } from '@hallmon/server/store/store';
import { buildEvidence } from '@hallmon/server/evidence/compute';
import { writePack } from '@hallmon/server/evidence/pack';
import { SealStore } from '@hallmon/server/seal/seal-store';
import { sealDays } from '@hallmon/server/seal/seal-days';
import { verifyPack } from '@hallmon/server/seal/verify';

const DAYS = Number(process.env.HALLMON_BENCH_DAYS ?? 365);
const NOISE_1S_DAYS = Math.min(DAYS, Number(process.env.HALLMON_BENCH_NOISE_1S_DAYS ?? 30));
const start = Date.parse('2024-05-01T00:00:00+08:00');
const MIN = 60_000;

const th = (id: string) => ({ id, profile: 'th-modbus-f03' });
const site: SiteConfig = {
  id: 'bench',
  name: '基准测试受理服务中心',
  timezone: 'Asia/Shanghai',
  openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '09:00', to: '17:00' }],
  gateway: { username: 'bench', passwordHash: 'scrypt$1$1$1$x$y' },
  zones: [
    { id: 'hall', kind: 'hall', name: '大厅', devices: [{ id: 'noise-1', profile: 'noise-modbus-f03' }, { id: 'noise-2', profile: 'noise-modbus-f03' }, th('hall-th-1'), th('hall-th-2'), { id: 'co2-1', profile: 'co2-modbus-f03' }, { id: 'lux-1', profile: 'lux-modbus-f03' }] },
    { id: 'mr', kind: 'machine-room', name: '机房', devices: [1, 2, 3, 4, 5, 6].map((i) => th(`mr-th-${i}`)) },
    { id: 'ar', kind: 'archive-room', name: '档案室', devices: [1, 2, 3, 4].map((i) => th(`ar-th-${i}`)) },
    { id: 'other', kind: 'other', name: '其他', devices: [1, 2, 3, 4].map((i) => th(`o-th-${i}`)) },
  ],
};

function climate(sensor: string, metric: Metric, i: number): number {
  const day = Math.sin((2 * Math.PI * (i % 1440)) / 1440);
  const seed = sensor.length + sensor.charCodeAt(sensor.length - 1);
  switch (metric) {
    case 'temperature':
      // A short hot spell every ~9 days in the machine rooms.
      return (sensor.startsWith('mr') ? 23 : 21) + 1.5 * day + (sensor.startsWith('mr') && i % (9 * 1440 + seed) < 20 ? 6 : 0);
    case 'humidity':
      return 50 + 5 * day;
    case 'co2':
      return 600 + 300 * Math.max(0, day);
    case 'illuminance':
      return 450 + 50 * day;
    default:
      return 0;
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hallmon-bench-evidence-'));
  const log = createLogger('bench', 'warn');
  const store = createStore({ kind: 'sqlite', dataDir: dir }, log);
  await store.open();
  const profiles = loadProfiles();
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    out(`evidence-year: ${DAYS} days, 20 sensors (2 noise at 1 s for ${NOISE_1S_DAYS} days, then 1/min; 18 climate at 1 min), SQLite in ${dir}`);
    let t = Date.now();
    let rows = 0;
    let batch: StoredReading[] = [];
    const push = async (r: StoredReading) => {
      batch.push(r);
      if (batch.length >= 5000) {
        await store.writeReadings(batch);
        rows += batch.length;
        batch = [];
      }
    };
    const minutes = DAYS * 1440;
    for (const z of site.zones)
      for (const d of z.devices) {
        const p = profiles.get(d.profile)!;
        for (const m of p.metrics) {
          if (m.metric === 'noise_laeq') continue;
          for (let i = 0; i < minutes; i++) await push({ site: site.id, sensor: d.id, metric: m.metric, ts: start + i * MIN, value: Math.round(climate(d.id, m.metric, i) * 10) / 10, quality: 'ok' });
        }
      }
    for (const sensor of ['noise-1', 'noise-2']) {
      for (let s = 0; s < NOISE_1S_DAYS * 86_400; s++) {
        const local = (s % 86_400) / 3600;
        const open = local >= 1 && local < 9; // 09:00-17:00 Shanghai = 01:00-09:00 UTC
        await push({ site: site.id, sensor, metric: 'noise_laeq', ts: start + s * 1000, value: open ? 58 + ((s * 7919) % 23) : 40 + ((s * 31) % 5), quality: 'ok' });
      }
      for (let i = NOISE_1S_DAYS * 1440; i < minutes; i++) {
        const local = ((i % 1440) / 60 + 8) % 24;
        await push({ site: site.id, sensor, metric: 'noise_laeq', ts: start + i * MIN, value: local >= 9 && local < 17 ? 66 + ((i * 13) % 9) : 42, quality: 'ok', dur: 60 });
      }
    }
    if (batch.length) await store.writeReadings(batch), (rows += batch.length);
    const fillS = (Date.now() - t) / 1000;
    out(`fill: ${rows.toLocaleString('en')} readings in ${fillS.toFixed(1)} s (${Math.round(rows / fillS).toLocaleString('en')}/s)`);

    const input = { store, site, catalogue: loadCatalogue(), profiles, calendar: WorkingCalendar.shipped(), from: '2024-05-01', to: new Date(start + (DAYS - 1) * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10) };
    t = Date.now();
    const pack = await buildEvidence(input);
    const computeS = (Date.now() - t) / 1000;
    out(`buildEvidence: ${computeS.toFixed(2)} s for ${pack.firstDay}..${pack.lastDay}; verdicts ${pack.clauses.map((c) => `${c.clause}=${c.verdict}`).join(' ')}`);
    out(`  excursions ${pack.clauses.reduce((a, c) => a + c.excursions.length, 0)}, gaps ${pack.clauses.reduce((a, c) => a + c.gaps.length, 0)}`);

    const seals = new SealStore(dir);
    seals.open();
    t = Date.now();
    const sealed = await sealDays(store, seals, site, profiles, pack.lastDay, { fromDay: pack.firstDay });
    out(`sealDays (first seal of the whole period, runs once in the background): ${sealed.sealed.length} days in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    for (const minuteData of [false, true]) {
      const packDir = join(dir, minuteData ? 'pack-full' : 'pack-no-minutes');
      mkdirSync(packDir, { recursive: true });
      t = Date.now();
      await writePack({ pack: await buildEvidence(input), store, site, profiles, dir: packDir, seals, minuteData });
      const writeS = (Date.now() - t) / 1000;
      out(`pack ${minuteData ? 'with minute CSVs   ' : 'without minute CSVs'}: build+write ${writeS.toFixed(1)} s, ${sizeMb(packDir).toFixed(1)} MB (evidence.pdf ${(statSync(join(packDir, 'evidence.pdf')).size / 1e6).toFixed(2)} MB, evidence.json ${(statSync(join(packDir, 'evidence.json')).size / 1e6).toFixed(2)} MB)`);
    }
    t = Date.now();
    const v = await verifyPack(join(dir, 'pack-no-minutes'), store, { site, profiles, seals });
    out(`verifyPack: ${v.ok ? 'intact' : 'ALTERED'} ${v.daysChecked} days in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    seals.close();
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function sizeMb(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n / 1e6;
}

await main();
