// Start time and memory of `hallmon server` (docs/benchmarks.md, "Release build"): the real command
// as a child process, run from the TypeScript sources through tsx (HALLMON_FROM_SOURCE=1, how every
// command ran before the release build) and from the built bundle (dist/hallmon.mjs), alternately,
// RUNS times each (default 5) on a fresh data dir. Per start: wall time until /api/health answers,
// CPU time the process had used by then (user + system, from /proc: steadier than wall time on a
// shared machine), and resident memory at that moment and after 10 s idle. Prints one JSON line
// with the medians of each mode.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../tests/helpers/ports.ts';
import { tempDir } from '../tests/helpers/tmp.ts';
import { sleep } from '../tests/helpers/wait.ts';
import { HALLMON } from '../tests/helpers/edge-process.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IDLE_MS = 10_000;
const CLK_TCK = 100; // Linux USER_HZ for /proc/<pid>/stat

interface Sample {
  readyMs: number;
  cpuMs: number;
  rssReadyMB: number;
  rssIdleMB: number;
}

function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

function rssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) / 1024;
}

async function once(fromSource: boolean): Promise<Sample> {
  const dir = tempDir('hallmon-bench-start-');
  const http = await freePort();
  const mqtt = await freePort();
  const started = performance.now();
  const proc = spawn(
    process.execPath,
    [
      HALLMON,
      'server',
      '--host',
      '127.0.0.1',
      '--http-port',
      String(http),
      '--mqtt-port',
      String(mqtt),
      '--data-dir',
      join(dir.path, 'data'),
    ],
    {
      env: {
        ...process.env,
        HALLMON_ADMIN_PASSWORD: 'bench-admin-password',
        HALLMON_LOG_LEVEL: 'warn',
        HALLMON_FROM_SOURCE: fromSource ? '1' : '',
      },
      stdio: 'ignore',
    },
  );
  const exited = new Promise((r) => proc.once('exit', r));
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${http}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error('hallmon server did not start');
      await sleep(10);
    }
    const readyMs = performance.now() - started;
    const sample = { readyMs, cpuMs: cpuMs(proc.pid!), rssReadyMB: rssMB(proc.pid!), rssIdleMB: 0 };
    await sleep(IDLE_MS);
    sample.rssIdleMB = rssMB(proc.pid!);
    return sample;
  } finally {
    proc.kill('SIGTERM');
    await exited;
    dir.remove();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

// One start of each first, unmeasured: the built bundle is (re)built if stale and both paths are in
// the page cache, so neither mode pays for the other's first read of the disk.
await once(true);
await once(false);
const runs: Record<'tsx' | 'built', Sample[]> = { tsx: [], built: [] };
for (let i = 0; i < RUNS; i++) {
  runs.tsx.push(await once(true));
  runs.built.push(await once(false));
}
const summary = (xs: Sample[]) => ({
  readyMs: Math.round(median(xs.map((x) => x.readyMs))),
  cpuMs: Math.round(median(xs.map((x) => x.cpuMs))),
  rssReadyMB: Number(median(xs.map((x) => x.rssReadyMB)).toFixed(1)),
  rssIdleMB: Number(median(xs.map((x) => x.rssIdleMB)).toFixed(1)),
});
process.stdout.write(
  `${JSON.stringify({ bench: 'server-start', runs: RUNS, tsx: summary(runs.tsx), built: summary(runs.built) })}\n`,
);
