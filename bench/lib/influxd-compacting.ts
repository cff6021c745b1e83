// A real influxd for the benchmarks that need InfluxDB's settled state (store size, a year's
// evidence): tests/helpers/influxd.ts with the WAL snapshot and full compaction brought forward from
// minutes and hours to seconds, so what is measured is what influxd turns the data into with time
// anyway; plus a disk-usage reader and a wait for that settled state.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInfluxd } from '../../tests/helpers/influxd.ts';

export interface BenchInfluxd {
  url: string;
  dataDir: string;
  walDir: string;
  pid: number;
  stop(): Promise<void>;
}

/** `keepDir`: keep influxd's data there between runs (see tests/helpers/influxd.ts). */
export async function startCompactingInfluxd(opts: { keepDir?: string } = {}): Promise<BenchInfluxd> {
  const influx = await startInfluxd({
    // Defaults 10m and 4h: a shard that stops receiving writes is snapshotted to TSM and then fully
    // compacted after these delays. Shortened so the measured state is the settled one.
    dataSettings: ['cache-snapshot-write-cold-duration = "1s"', 'compact-full-write-cold-duration = "3s"'],
    ...(opts.keepDir !== undefined ? { keepDir: opts.keepDir } : {}),
  });
  return {
    url: influx.url,
    dataDir: join(influx.dir, 'data'),
    walDir: join(influx.dir, 'wal'),
    pid: influx.pid,
    stop: influx.stop,
  };
}

/**
 * Waits until a database has settled: its WAL emptied into TSM, no compaction temp files, and the
 * TSM set unchanged for three checks in a row (full compaction done). Returns the seconds waited,
 * or undefined after `timeoutMs` (the state is then not the settled one).
 */
export async function waitSettled(dataDir: string, walDir: string, timeoutMs = 300_000): Promise<number | undefined> {
  const t0 = Date.now();
  let last = '';
  let same = 0;
  for (;;) {
    await sleep(2_000);
    const d = du(dataDir);
    const w = du(walDir);
    const sig = JSON.stringify(d.files);
    const walData = w.files['.wal']?.bytes ?? 0;
    const tmp = Object.keys(d.files).some((k) => k.endsWith('.tmp'));
    same = sig === last && walData < 64 * 1024 && !tmp ? same + 1 : 0;
    last = sig;
    if (same >= 3) return Math.round((Date.now() - t0) / 1000);
    if (Date.now() - t0 > timeoutMs) return undefined;
  }
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
