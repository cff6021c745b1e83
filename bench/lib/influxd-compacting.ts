// A real influxd for the store-size benchmark: tests/helpers/influxd.ts with the WAL snapshot and
// full compaction brought forward from minutes and hours to seconds, so on-disk size can be read
// after influxd has done what it does with time anyway; plus a disk-usage reader.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startInfluxd } from '../../tests/helpers/influxd.ts';

export interface BenchInfluxd {
  url: string;
  dataDir: string;
  walDir: string;
  stop(): Promise<void>;
}

export async function startCompactingInfluxd(): Promise<BenchInfluxd> {
  const influx = await startInfluxd({
    // Defaults 10m and 4h: a shard that stops receiving writes is snapshotted to TSM and then fully
    // compacted after these delays. Shortened so the measured size is the settled one.
    dataSettings: ['cache-snapshot-write-cold-duration = "1s"', 'compact-full-write-cold-duration = "3s"'],
  });
  return { url: influx.url, dataDir: join(influx.dir, 'data'), walDir: join(influx.dir, 'wal'), stop: influx.stop };
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
