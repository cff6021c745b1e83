// Benchmark: a one-year evidence pack for one site with 20 sensors (2 hall noise meters at 1 s,
// 18 climate sensors at 1 min: 34 minute series + 2 noise series) in the SQLite store.
// Filling a year of 1-s noise (63 M rows) takes long here, so noise is 1-s data for
// HALLMON_BENCH_NOISE_1S_DAYS (default 30) days and one 60-s LAeq reading a minute for the rest:
// the evidence replay reads the same number of minute rollups either way (one per minute).
// Run: node --import tsx bench/evidence-year.ts   (HALLMON_BENCH_DAYS=365 by default)
// HALLMON_BENCH_PROFILE: default (the shipped mix: a machine-room hot spell every ~9 days, a hall
// too cool in summer afternoons), quiet (no excursion at all) or loud (every day: a 20-min 88 dB(A)
// morning in the hall, a 20-min 28 °C spell in each machine room, a CO2 afternoon above 1000 ppm),
// the worst case of the rollup-first replay. HALLMON_BENCH_DIR keeps the filled store there and
// reuses it on the next run (delete the folder to refill); HALLMON_BENCH_ONLY=compute skips the pack;
// HALLMON_BENCH_TIMING=1 prints the time spent per store read method and the CPU time used;
// HALLMON_BENCH_VERIFY=1 also builds the pack by full replay and checks both are identical.
// HALLMON_BENCH_STORE=influxdb runs the same on a real influxd (Debian's 1.x; its data dir is
// HALLMON_BENCH_DIR/influxd when kept), times the rollup_1h compaction after the fill and waits for
// influxd to snapshot its WAL (bench/lib/influxd-compacting.ts) before timing builds; the
// seal/pack-writing part is SQLite-only. HALLMON_BENCH_PACK_OUT=file writes the pack JSON there and
// HALLMON_BENCH_COMPARE=file checks the pack equals one written earlier (e.g. by the SQLite run).
import {
  mkdirSync,
  readdirSync,
  statSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import {
  createLogger,
  deviceProfile,
  isStateMetric,
  loadCatalogue,
  loadProfiles,
  type Metric,
  shippedCalendar,
} from '@hallmon/firmware-config';
import {
  createStore,
  buildEvidence,
  type ReplayStats,
  writePack,
  SealStore,
  sealDays,
  verifyPack,
} from '@hallmon/server';
import type { StoredReading } from '@hallmon/server';
import { startCompactingInfluxd, waitSettled, type BenchInfluxd } from './lib/influxd-compacting.ts';
import { benchSite } from './lib/evidence-site.ts';

const DAYS = Number(process.env.HALLMON_BENCH_DAYS ?? 365);
const NOISE_1S_DAYS = Math.min(DAYS, Number(process.env.HALLMON_BENCH_NOISE_1S_DAYS ?? 30));
const PROFILE = (process.env.HALLMON_BENCH_PROFILE ?? 'default') as 'default' | 'quiet' | 'loud';
if (!['default', 'quiet', 'loud'].includes(PROFILE))
  throw new Error('HALLMON_BENCH_PROFILE must be default, quiet or loud');
const STORE = process.env.HALLMON_BENCH_STORE ?? 'sqlite';
if (STORE !== 'sqlite' && STORE !== 'influxdb') throw new Error('HALLMON_BENCH_STORE must be sqlite or influxdb');
const start = Date.parse('2024-05-01T00:00:00+08:00');
const MIN = 60_000;

const site = benchSite;

function climate(sensor: string, metric: Metric, i: number): number {
  const day = Math.sin((2 * Math.PI * (i % 1440)) / 1440);
  const seed = sensor.length + sensor.charCodeAt(sensor.length - 1);
  const local = i % 1440;
  if (PROFILE !== 'default') {
    // quiet: inside every limit with the clear margins; loud adds the daily peaks.
    const loud = PROFILE === 'loud';
    switch (metric) {
      case 'temperature':
        if (sensor.startsWith('mr')) return 22 + 1 * day + (loud && local >= 840 && local < 860 ? 6 : 0);
        return sensor.startsWith('ar') ? 19 + 0.5 * day : 23 + 0.5 * day;
      case 'humidity':
        return 50 + 2 * day;
      case 'co2':
        return 600 + 200 * Math.max(0, day) + (loud && local >= 900 && local < 1020 ? 700 : 0);
      case 'illuminance':
        return 450 + 50 * day;
      default:
        return 0;
    }
  }
  switch (metric) {
    case 'temperature':
      // A short hot spell every ~9 days in the machine rooms.
      return (
        (sensor.startsWith('mr') ? 23 : 21) +
        1.5 * day +
        (sensor.startsWith('mr') && i % (9 * 1440 + seed) < 20 ? 6 : 0)
      );
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
  const keep = process.env.HALLMON_BENCH_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'hallmon-bench-evidence-'));
  const marker = join(dir, `filled-${STORE === 'sqlite' ? '' : 'influxdb-'}${PROFILE}-${DAYS}-${NOISE_1S_DAYS}`);
  const reuse = keep !== undefined && existsSync(marker);
  if (keep !== undefined && !reuse) rmSync(dir, { recursive: true, force: true });
  const log = createLogger('bench', 'warn');
  let influx: BenchInfluxd | undefined;
  if (STORE === 'influxdb')
    influx = await startCompactingInfluxd(keep !== undefined ? { keepDir: join(dir, 'influxd') } : {});
  const store = influx
    ? createStore({ kind: 'influxdb', url: influx.url, database: 'bench' }, log)
    : createStore({ kind: 'sqlite', dataDir: dir }, log);
  await store.open();
  const timing = process.env.HALLMON_BENCH_TIMING === '1' ? timeStoreReads(store) : undefined;
  const cpu = cpuSince(influx?.pid);
  const profiles = loadProfiles();
  const out = (s: string) => process.stdout.write(`${s}\n`);
  try {
    out(
      `evidence-year: ${DAYS} days, profile ${PROFILE}, 20 sensors (2 noise at 1 s for ${NOISE_1S_DAYS} days, then 1/min; 18 climate at 1 min), ${STORE === 'sqlite' ? 'SQLite' : 'InfluxDB'} in ${dir}`,
    );
    let t = Date.now();
    if (!reuse) await fill();
    {
      // The hourly rollups InfluxDB keeps up to date in the background; a fresh fill leaves a year to do (SQLite: none).
      t = Date.now();
      const hours = await store.flushRollups();
      if (hours > 0)
        out(
          `rollup_1h compaction: ${hours} hours in ${((Date.now() - t) / 1000).toFixed(1)} s; load ${loadavg()[0]!.toFixed(1)}`,
        );
    }
    if (influx) {
      // A server's influxd holds last month's data as compacted TSM files: it snapshots a shard's
      // write-ahead log once the shard has had no writes for 10 minutes (here 1 s). Timing a build
      // straight after a bulk fill would time reads from that log instead (docs/evidence.md).
      const s = await waitSettled(join(influx.dataDir, 'bench'), join(influx.walDir, 'bench'));
      out(
        s === undefined
          ? 'influxd did NOT settle in 300 s: the figures below include reads from its WAL'
          : `influxd settled (WAL snapshotted to TSM, compacted) after ${s} s`,
      );
    }
    const input = {
      store,
      site,
      catalogue: loadCatalogue(),
      profiles,
      calendar: shippedCalendar(),
      now: () => 0,
      from: '2024-05-01',
      to: new Date(start + (DAYS - 1) * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10),
    };
    const runs = Number(process.env.HALLMON_BENCH_RUNS ?? 1);
    let pack!: Awaited<ReturnType<typeof buildEvidence>>;
    for (let r = 0; r < runs; r++) {
      cpu.report(); // start counting here
      t = Date.now();
      let stats: ReplayStats | undefined;
      pack = await buildEvidence({ ...input, onStats: (s) => (stats = s) });
      const computeS = (Date.now() - t) / 1000;
      out(
        `buildEvidence (rollup-first): ${computeS.toFixed(2)} s for ${pack.firstDay}..${pack.lastDay}; load ${loadavg()[0]!.toFixed(1)}; verdicts ${pack.clauses.map((c) => `${c.clause}=${c.verdict}`).join(' ')}`,
      );
      if (timing) out(`  store reads (summed over concurrent calls): ${timing.report()}`);
      if (timing) out(`  CPU: this process ${cpu.report()}`);
      if (stats)
        out(
          `  replayed ${stats.hoursReplayed} of ${stats.hoursTotal} sensor-hours (${((100 * stats.hoursReplayed) / stats.hoursTotal).toFixed(1)} %) in ${stats.segments} segments, ${stats.minutesFed.toLocaleString('en')} minute readings fed`,
        );
    }
    out(
      `  excursions ${pack.clauses.reduce((a, c) => a + c.excursions.length, 0)}, gaps ${pack.clauses.reduce((a, c) => a + c.gaps.length, 0)}`,
    );
    if (process.env.HALLMON_BENCH_PACK_OUT) writeFileSync(process.env.HALLMON_BENCH_PACK_OUT, JSON.stringify(pack));
    if (process.env.HALLMON_BENCH_COMPARE) {
      const a = JSON.stringify(pack);
      const b = readFileSync(process.env.HALLMON_BENCH_COMPARE, 'utf8');
      if (a === b) out(`  identical to ${process.env.HALLMON_BENCH_COMPARE} (JSON equal)`);
      else {
        let i = 0;
        while (a[i] === b[i]) i++;
        out(
          `  DIFFERS from ${process.env.HALLMON_BENCH_COMPARE} at char ${i}:\n  this run: ${a.slice(Math.max(0, i - 300), i + 200)}\n  file:     ${b.slice(Math.max(0, i - 300), i + 200)}`,
        );
        process.exitCode = 1;
      }
    }
    if (process.env.HALLMON_BENCH_VERIFY === '1') {
      // The reference: every minute of the year through the engine. Both packs must be identical.
      t = Date.now();
      const ref = await buildEvidence({ ...input, method: 'full-replay' });
      out(
        `buildEvidence (full-replay reference): ${((Date.now() - t) / 1000).toFixed(2)} s; load ${loadavg()[0]!.toFixed(1)}`,
      );
      const a = JSON.stringify(pack);
      const b = JSON.stringify(ref);
      if (a === b) out('  identical packs (JSON equal)');
      else {
        let i = 0;
        while (a[i] === b[i]) i++;
        out(
          `  PACKS DIFFER at char ${i}:\n  rollup-first: ${a.slice(Math.max(0, i - 300), i + 200)}\n  full-replay:  ${b.slice(Math.max(0, i - 300), i + 200)}`,
        );
        process.exitCode = 1;
      }
    }
    if (process.env.HALLMON_BENCH_ONLY === 'compute' || STORE !== 'sqlite') return;
    await packs(input, pack);
  } finally {
    await store.close();
    await influx?.stop();
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  }

  async function fill(): Promise<void> {
    const t = Date.now();
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
        const p = deviceProfile(profiles, d)!;
        for (const m of p.metrics) {
          // State inputs are kept as changes, not a minute stream: no load on a year's evidence.
          if (m.metric === 'noise_laeq' || isStateMetric(m.metric)) continue;
          for (let i = 0; i < minutes; i++)
            await push({
              site: site.id,
              sensor: d.id,
              metric: m.metric,
              ts: start + i * MIN,
              value: Math.round(climate(d.id, m.metric, i) * 10) / 10,
              quality: 'ok',
            });
        }
      }
    for (const sensor of ['noise-1', 'noise-2']) {
      for (let s = 0; s < NOISE_1S_DAYS * 86_400; s++) {
        // `start` is a Shanghai midnight: s counts Shanghai seconds of the day; open 09:00-17:00.
        const local = (s % 86_400) / 3600;
        const open = local >= 9 && local < 17;
        const loudNow = PROFILE === 'loud' && local >= 10 && local < 10 + 1 / 3; // 10:00-10:20
        await push({
          site: site.id,
          sensor,
          metric: 'noise_laeq',
          ts: start + s * 1000,
          value: loudNow ? 88 : open ? 58 + ((s * 7919) % (PROFILE === 'quiet' ? 15 : 23)) : 40 + ((s * 31) % 5),
          quality: 'ok',
        });
      }
      for (let i = NOISE_1S_DAYS * 1440; i < minutes; i++) {
        const local = (i % 1440) / 60;
        const loudNow = PROFILE === 'loud' && local >= 10 && local < 10 + 1 / 3;
        await push({
          site: site.id,
          sensor,
          metric: 'noise_laeq',
          ts: start + i * MIN,
          value: loudNow ? 88 : local >= 9 && local < 17 ? 66 + ((i * 13) % 9) : 42,
          quality: 'ok',
          dur: 60,
        });
      }
    }
    if (batch.length) {
      await store.writeReadings(batch);
      rows += batch.length;
    }
    const fillS = (Date.now() - t) / 1000;
    out(
      `fill: ${rows.toLocaleString('en')} readings in ${fillS.toFixed(1)} s (${Math.round(rows / fillS).toLocaleString('en')}/s)`,
    );
    if (keep !== undefined) writeFileSync(marker, `${rows}\n`);
  }

  async function packs(
    input: Parameters<typeof buildEvidence>[0],
    pack: Awaited<ReturnType<typeof buildEvidence>>,
  ): Promise<void> {
    const seals = new SealStore(dir);
    seals.open();
    let t = Date.now();
    const sealed = await sealDays(store, seals, site, profiles, pack.lastDay, { fromDay: pack.firstDay });
    out(
      `sealDays (first seal of the whole period, runs once in the background): ${sealed.sealed.length} days in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );

    for (const minuteData of [false, true]) {
      const packDir = join(dir, minuteData ? 'pack-full' : 'pack-no-minutes');
      mkdirSync(packDir, { recursive: true });
      t = Date.now();
      await writePack({ pack: await buildEvidence(input), store, site, profiles, dir: packDir, seals, minuteData });
      const writeS = (Date.now() - t) / 1000;
      out(
        `pack ${minuteData ? 'with minute CSVs   ' : 'without minute CSVs'}: build+write ${writeS.toFixed(1)} s, ${sizeMb(packDir).toFixed(1)} MB (evidence.pdf ${(statSync(join(packDir, 'evidence.pdf')).size / 1e6).toFixed(2)} MB, evidence.json ${(statSync(join(packDir, 'evidence.json')).size / 1e6).toFixed(2)} MB)`,
      );
    }
    t = Date.now();
    const v = await verifyPack(join(dir, 'pack-no-minutes'), store, { site, profiles, seals });
    out(
      `verifyPack: ${v.ok ? 'intact' : 'ALTERED'} ${v.daysChecked} days in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );
    seals.close();
  }
}

function sizeMb(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) n += statSync(join(e.parentPath, e.name)).size;
  return n / 1e6;
}

await main();

/** HALLMON_BENCH_TIMING=1: CPU seconds of this process (and influxd) since the last report. */
function cpuSince(influxdPid: number | undefined): { report(): string } {
  // utime + stime of a process in clock ticks (fields 14 and 15 of /proc/PID/stat; 100 ticks/s on Linux).
  const ticks = (pid: number) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  let self = process.cpuUsage();
  let other = influxdPid ? ticks(influxdPid) : 0;
  return {
    report() {
      const d = process.cpuUsage(self);
      self = process.cpuUsage();
      let s = `${((d.user + d.system) / 1e6).toFixed(2)} s`;
      if (influxdPid) {
        const now = ticks(influxdPid);
        s += `, influxd ${((now - other) / 100).toFixed(2)} s`;
        other = now;
      }
      return s;
    },
  };
}

/** HALLMON_BENCH_TIMING=1: wall time and calls per store read method, reset after each report. */
function timeStoreReads(store: object): { report(): string } {
  const acc = new Map<string, { ms: number; calls: number }>();
  const target = store as Record<string, unknown>;
  for (const name of [
    'readHourRollups',
    'readMinuteHourStats',
    'readMinuteValues',
    'readMinuteValuesRanges',
    'readNoiseHistogram',
    'readNoiseHistograms',
    'readAggregate',
    'readEvents',
    'readStatus',
    'readAlarms',
  ]) {
    const fn = target[name];
    if (typeof fn !== 'function') continue;
    target[name] = async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>).apply(store, args);
      } finally {
        const a = acc.get(name) ?? { ms: 0, calls: 0 };
        a.ms += performance.now() - t0;
        a.calls++;
        acc.set(name, a);
      }
    };
  }
  return {
    report() {
      const s = [...acc].map(([n, a]) => `${n} ${(a.ms / 1000).toFixed(2)} s/${a.calls}`).join(', ');
      acc.clear();
      return s;
    },
  };
}
