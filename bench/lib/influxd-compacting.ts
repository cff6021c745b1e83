// A real influxd for the store-size benchmark. Like tests/helpers/influxd.ts (loopback ports, temp
// dirs, reporting off) but with the WAL snapshot and full compaction brought forward from minutes and
// hours to seconds, so on-disk size can be read after influxd has done what it does with time anyway.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../tests/helpers/ports.ts';
import { tempDir } from '../../tests/helpers/tmp.ts';
import { waitFor } from '../../tests/helpers/wait.ts';

export interface BenchInfluxd {
  url: string;
  dataDir: string;
  walDir: string;
  stop(): Promise<void>;
}

export async function startCompactingInfluxd(): Promise<BenchInfluxd> {
  const tmp = tempDir('hallmon-bench-influxd-');
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const dataDir = join(tmp.path, 'data');
  const walDir = join(tmp.path, 'wal');
  const conf = join(tmp.path, 'influxdb.conf');
  writeFileSync(
    conf,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = ${JSON.stringify(join(tmp.path, 'meta'))}`,
      '  logging-enabled = false',
      '[data]',
      `  dir = ${JSON.stringify(dataDir)}`,
      `  wal-dir = ${JSON.stringify(walDir)}`,
      '  query-log-enabled = false',
      // Defaults 10m and 4h: a shard that stops receiving writes is snapshotted to TSM and then fully
      // compacted after these delays. Shortened so the measured size is the settled one.
      '  cache-snapshot-write-cold-duration = "1s"',
      '  compact-full-write-cold-duration = "3s"',
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '  pprof-enabled = false',
      '[logging]',
      '  level = "warn"',
      '  suppress-logo = true',
      '[continuous_queries]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  const stderr: string[] = [];
  const proc: ChildProcess = spawn('influxd', ['run', '-config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.on('data', (b: Buffer) => {
    if (stderr.length < 50) stderr.push(b.toString());
  });
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
      });
    }
    tmp.remove();
  };
  try {
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`influxd exited: ${stderr.join('')}`);
        const res = await fetch(`${url}/ping`).catch(() => undefined);
        return res?.status === 204;
      },
      'influxd',
      30_000,
      100,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, dataDir, walDir, stop };
}

/**
 * Bytes under a directory, by kind: "_series" (the per-database series file, whose segments
 * influxd preallocates at 4 MiB each, 8 partitions), else the file-name suffix (".tsm", ".wal").
 * `bytes` is the apparent size (what `ls -l` shows), `allocated` what the disk really holds.
 */
export interface DirUsage {
  bytes: number;
  allocated: number;
  files: Record<string, { n: number; bytes: number; allocated: number }>;
}

export function du(dir: string): DirUsage {
  const u: DirUsage = { bytes: 0, allocated: 0, files: {} };
  const walk = (d: string, inSeries: boolean) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return; // not created yet
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, inSeries || e.name === '_series');
      else if (e.isFile()) {
        const st = statSync(p);
        const kind = inSeries ? '_series' : e.name.includes('.') ? e.name.slice(e.name.lastIndexOf('.')) : e.name;
        const f = (u.files[kind] ??= { n: 0, bytes: 0, allocated: 0 });
        f.n++;
        f.bytes += st.size;
        f.allocated += st.blocks * 512;
        u.bytes += st.size;
        u.allocated += st.blocks * 512;
      }
    }
  };
  walk(dir, false);
  return u;
}
