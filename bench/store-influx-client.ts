// The InfluxDB store's two clients side by side on the same data (docs/benchmarks.md, "InfluxDB
// client"): the influx package (writePoints; queryRaw, JSON answers) against the hand-written path
// the store keeps for its bulk traffic (lines formatted by the store POSTed over node:http
// keep-alive; MessagePack answers). Each case alternates the two, the order swapped every round,
// each round on a fresh store (and for the evidence a fresh process), and prints one JSON line per
// run plus a summary line (median of each and their ratio):
// 1. writeReadings at batches of 5,000 and 500 (bench/lib/hall-mix.ts; `readingWrites`);
// 2. the hourly recompute of 1 M readings (the rebuild on open: `bulkReads`);
// 3. a year's evidence pack (bench/evidence-year.ts's data, filled by running it once when
//    HALLMON_BENCH_DIR holds no filled InfluxDB year: keep that folder between runs and delete it
//    when done), the first build of a fresh process and two warm ones, CPU of both processes.
// Run: npm run bench -- bench/store-influx-client.ts   (HALLMON_BENCH_ROUNDS=3, HALLMON_BENCH_PROFILE,
// HALLMON_BENCH_CASES=writes,recompute,evidence to pick; HALLMON_BENCH_QUICK=1: smaller write and recompute cases)
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, loadCatalogue, loadProfiles, shippedCalendar } from '@hallmon/firmware-config';
import { buildEvidence, createStore, type Store } from '@hallmon/server';
import { startInfluxd } from '../tests/helpers/influxd.ts';
import { startCompactingInfluxd, waitSettled } from './lib/influxd-compacting.ts';
import { benchSite } from './lib/evidence-site.ts';
import { readings } from './lib/hall-mix.ts';

type ReadPath = 'msgpack' | 'influx';
type WritePath = 'lines' | 'influx';
const log = createLogger('bench-influx-client', 'warn');
const quick = process.env.HALLMON_BENCH_QUICK === '1';
const ROUNDS = Number(process.env.HALLMON_BENCH_ROUNDS ?? 3);
const CASES = new Set((process.env.HALLMON_BENCH_CASES ?? 'writes,recompute,evidence').split(','));

function emit(o: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'store-influx-client', ...o, load1: +loadavg()[0]!.toFixed(1) }));
}

/** CPU seconds of a process from /proc (utime + stime, 100 ticks a second on Linux). */
function cpuOf(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

function selfCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Alternates the two paths ROUNDS times (A B, B A, A B, ...). */
function* alternate<T>(a: T, b: T): Generator<[number, T]> {
  for (let r = 0; r < ROUNDS; r++) for (const p of r % 2 ? [b, a] : [a, b]) yield [r, p];
}

function summary(what: string, unit: string, by: Record<string, number[]>, better: 'higher' | 'lower'): void {
  const [a, b] = Object.keys(by) as [string, string];
  const ma = median(by[a]!);
  const mb = median(by[b]!);
  emit({
    summary: what,
    unit,
    [`${a}Median`]: +ma.toPrecision(4),
    [`${b}Median`]: +mb.toPrecision(4),
    [`${a}Runs`]: by[a],
    [`${b}Runs`]: by[b],
    [`${a}Over${b[0]!.toUpperCase()}${b.slice(1)}`]: +(better === 'higher' ? ma / mb : mb / ma).toFixed(2),
  });
}

async function writesAndRecompute(): Promise<void> {
  const influx = await startInfluxd();
  try {
    const n = quick ? 200_000 : 500_000;
    const data = readings(n);
    let db = 0;
    if (CASES.has('writes')) {
      for (const batch of [5000, 500]) {
        const rate: Record<WritePath, number[]> = { lines: [], influx: [] };
        const cpuPer: Record<WritePath, number[]> = { lines: [], influx: [] };
        for (const [round, path] of alternate<WritePath>('lines', 'influx')) {
          const store = createStore(
            { kind: 'influxdb', url: influx.url, database: `w${++db}`, paths: { readingWrites: path } },
            log,
          );
          await store.open();
          const c0 = selfCpu();
          const d0 = cpuOf(influx.pid);
          const t0 = performance.now();
          for (let i = 0; i < data.length; i += batch) await store.writeReadings(data.slice(i, i + batch));
          const s = (performance.now() - t0) / 1000;
          const cpu = selfCpu() - c0;
          const influxd = cpuOf(influx.pid) - d0;
          const stored = await store.countReadings();
          await store.close();
          if (stored !== n) throw new Error(`${path}: ${stored} of ${n} readings stored`);
          rate[path].push(Math.round(n / s));
          cpuPer[path].push(+((cpu / n) * 1e6).toFixed(2));
          emit({
            case: 'writeReadings',
            path,
            batch,
            round,
            readings: n,
            seconds: +s.toFixed(2),
            readingsPerSec: Math.round(n / s),
            nodeCpuUsPerReading: +((cpu / n) * 1e6).toFixed(2),
            influxdCpuUsPerReading: +((influxd / n) * 1e6).toFixed(2),
          });
        }
        summary(`writeReadings batch ${batch}`, 'readings/s', rate, 'higher');
        summary(`writeReadings batch ${batch}, node CPU`, 'µs/reading', cpuPer, 'lower');
      }
    }
    if (!CASES.has('recompute')) return;
    // One database of 1 M readings (24 series, ~11.6 hours of 1-s data), rebuilt through each path.
    const big = quick ? 300_000 : 1_000_000;
    const fill = createStore({ kind: 'influxdb', url: influx.url, database: 'recompute' }, log);
    await fill.open();
    for (let i = 0; i < big; i += 5000) await fill.writeReadings(readings(Math.min(5000, big - i), i));
    await fill.flushRollups();
    await fill.close();
    const rebuild: Record<ReadPath, number[]> = { msgpack: [], influx: [] };
    const rebuildCpu: Record<ReadPath, number[]> = { msgpack: [], influx: [] };
    // Round -1 is a warm-up of both (its figures are printed, not summed): the first reads after the
    // fill find influxd's caches cold, whichever path goes first.
    for (const [round, path] of [[-1, 'msgpack'], [-1, 'influx'], ...alternate<ReadPath>('msgpack', 'influx')] as Array<
      [number, ReadPath]
    >) {
      // The layout marker reset makes open() mark every hour dirty; flushRollups recomputes them all.
      const reset = await fetch(`${influx.url}/write?db=recompute&precision=ms`, {
        method: 'POST',
        body: 'rollup_state version=0i 0',
      });
      if (reset.status !== 204) throw new Error(`resetting the layout marker: HTTP ${reset.status}`);
      const store = createStore(
        { kind: 'influxdb', url: influx.url, database: 'recompute', paths: { bulkReads: path } },
        log,
      );
      await store.open();
      const c0 = selfCpu();
      const d0 = cpuOf(influx.pid);
      const t0 = performance.now();
      const done = await store.flushRollups();
      const rs = (performance.now() - t0) / 1000;
      emit({
        case: 'recompute (rebuild on open)',
        path,
        round,
        readings: big,
        hours: done,
        seconds: +rs.toFixed(2),
        nodeCpuS: +(selfCpu() - c0).toFixed(2),
        influxdCpuS: +(cpuOf(influx.pid) - d0).toFixed(2),
      });
      if (round >= 0) {
        rebuild[path].push(+rs.toFixed(2));
        rebuildCpu[path].push(+(cpuOf(influx.pid) - d0).toFixed(2));
      }
      await store.close();
    }
    summary('recompute of 1 M readings', 's', rebuild, 'lower');
    summary('recompute of 1 M readings, influxd CPU', 's', rebuildCpu, 'lower');
  } finally {
    await influx.stop();
  }
}

/** bench/evidence-year.ts's input for its kept store (same site, period and profile). */
function evidenceInput(store: Store, days: number): Parameters<typeof buildEvidence>[0] {
  const start = Date.parse('2024-05-01T00:00:00+08:00');
  const to = new Date(start + (days - 1) * 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
  return {
    store,
    site: benchSite,
    catalogue: loadCatalogue(),
    profiles: loadProfiles(),
    calendar: shippedCalendar(),
    now: () => 0,
    from: '2024-05-01',
    to,
  };
}

/** Child process: three builds of the year through one read path; prints one JSON line. */
async function evidenceChild(path: ReadPath, url: string, influxdPid: number, days: number): Promise<void> {
  const store = createStore({ kind: 'influxdb', url, database: 'bench', paths: { bulkReads: path } }, log);
  await store.open();
  const builds: Array<{ s: number; nodeCpuS: number; influxdCpuS: number }> = [];
  let hash = '';
  for (let i = 0; i < 3; i++) {
    const c0 = selfCpu();
    const d0 = cpuOf(influxdPid);
    const t0 = performance.now();
    const pack = await buildEvidence(evidenceInput(store, days));
    builds.push({
      s: +((performance.now() - t0) / 1000).toFixed(2),
      nodeCpuS: +(selfCpu() - c0).toFixed(2),
      influxdCpuS: +(cpuOf(influxdPid) - d0).toFixed(2),
    });
    hash = createHash('sha256').update(JSON.stringify(pack)).digest('hex');
  }
  await store.close();
  console.log(JSON.stringify({ builds, hash }));
}

async function evidence(): Promise<void> {
  const profile = process.env.HALLMON_BENCH_PROFILE ?? 'default';
  const keep = process.env.HALLMON_BENCH_DIR;
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'hallmon-bench-influx-client-'));
  const filled = () => readdirSync(dir).find((f) => f.startsWith(`filled-influxdb-${profile}-`));
  try {
    if (!existsSync(dir) || !filled()) {
      // bench/evidence-year.ts fills the year (and builds it once); its kept folder is reused here.
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/evidence-year.ts'], {
        stdio: 'inherit',
        env: {
          ...process.env,
          HALLMON_BENCH_STORE: 'influxdb',
          HALLMON_BENCH_DIR: dir,
          HALLMON_BENCH_ONLY: 'compute',
          HALLMON_BENCH_PROFILE: profile,
        },
      });
      if (r.status !== 0 || !filled()) throw new Error('bench/evidence-year.ts did not fill the year');
    }
    const days = Number(filled()!.split('-')[3]);
    const influx = await startCompactingInfluxd({ keepDir: join(dir, 'influxd') });
    try {
      // Brings the rollups up to date once, then lets influxd settle (as bench/evidence-year.ts does).
      const s = createStore({ kind: 'influxdb', url: influx.url, database: 'bench' }, log);
      await s.open();
      await s.flushRollups();
      await s.close();
      const settled = await waitSettled(join(influx.dataDir, 'bench'), join(influx.walDir, 'bench'));
      emit({ case: 'evidence year', profile, days, influxdSettledAfterS: settled ?? 'not within 300 s' });
      const first: Record<ReadPath, number[]> = { msgpack: [], influx: [] };
      const warm: Record<ReadPath, number[]> = { msgpack: [], influx: [] };
      const influxdCpu: Record<ReadPath, number[]> = { msgpack: [], influx: [] };
      const nodeCpu: Record<ReadPath, number[]> = { msgpack: [], influx: [] };
      const hashes = new Set<string>();
      for (const [round, path] of alternate<ReadPath>('msgpack', 'influx')) {
        const r = spawnSync(
          process.execPath,
          [
            '--import',
            'tsx',
            'bench/store-influx-client.ts',
            '--evidence-child',
            path,
            influx.url,
            String(influx.pid),
            String(days),
          ],
          {
            encoding: 'utf8',
            env: { ...process.env, HALLMON_LOG_LEVEL: 'warn' },
          },
        );
        if (r.status !== 0) throw new Error(`evidence child (${path}) failed: ${r.stderr}`);
        const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
          builds: Array<{ s: number; nodeCpuS: number; influxdCpuS: number }>;
          hash: string;
        };
        hashes.add(out.hash);
        first[path].push(out.builds[0]!.s);
        warm[path].push(...out.builds.slice(1).map((b) => b.s));
        influxdCpu[path].push(...out.builds.map((b) => b.influxdCpuS));
        nodeCpu[path].push(...out.builds.map((b) => b.nodeCpuS));
        emit({
          case: 'evidence year build',
          profile,
          path,
          round,
          firstS: out.builds[0]!.s,
          warmS: out.builds.slice(1).map((b) => b.s),
          nodeCpuS: out.builds.map((b) => b.nodeCpuS),
          influxdCpuS: out.builds.map((b) => b.influxdCpuS),
        });
      }
      if (hashes.size !== 1) throw new Error('the two read paths built different evidence packs');
      summary(`evidence year (${profile}), first build`, 's', first, 'lower');
      summary(`evidence year (${profile}), warm builds`, 's', warm, 'lower');
      summary(`evidence year (${profile}), influxd CPU per build`, 's', influxdCpu, 'lower');
      summary(`evidence year (${profile}), this process's CPU per build`, 's', nodeCpu, 'lower');
    } finally {
      await influx.stop();
    }
  } finally {
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

const child = process.argv.indexOf('--evidence-child');
if (child >= 0) {
  const [path, url, pid, days] = process.argv.slice(child + 1);
  if (path !== 'msgpack' && path !== 'influx') throw new Error('--evidence-child msgpack|influx URL PID DAYS');
  await evidenceChild(path, url!, Number(pid), Number(days));
} else {
  if (CASES.has('writes') || CASES.has('recompute')) await writesAndRecompute();
  if (CASES.has('evidence')) await evidence();
}
