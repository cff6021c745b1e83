// Store size per million readings, both stores on identical data (bench/lib/hall-mix.ts: 24 hall
// series, 1 s apart), 1,000,000 readings written through the store adapters in batches of 5,000.
// SQLite: hallmon.db after close (the WAL is checkpointed into it), raw rows plus the 1m/1h/1d
// rollups and noise histograms. InfluxDB 1.x: the database's data (TSM) and wal dirs, right after the
// writes and again once influxd has snapshotted its WAL and fully compacted the shard (delays
// shortened, see bench/lib/influxd-compacting.ts); raw points only (rollups are computed on read).
// The database's series file (_series/, preallocated, fixed per database) is reported apart.
// Run: cd /work/main && node --import tsx bench/store-size.ts [--quick]
import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createLogger } from '@hallmon/firmware-config';
import { createStore } from '@hallmon/server';
import type { Store } from '@hallmon/server';
import { tempDir } from '../tests/helpers/tmp.ts';
import { readings } from './lib/hall-mix.ts';
import { du, startCompactingInfluxd, waitSettled } from './lib/influxd-compacting.ts';

const quick = process.argv.includes('--quick');
const N = quick ? 200_000 : 1_000_000;
const BATCH = 5_000;
const log = createLogger('bench-store-size', 'warn');
const MB = 1048576;
const perMillion = (bytes: number) => +(((bytes / N) * 1e6) / MB).toFixed(1);

function emit(o: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'store-size', readings: N, ...o, load1: +loadavg()[0]!.toFixed(1) }));
}

async function fill(store: Store): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i += BATCH) await store.writeReadings(readings(Math.min(BATCH, N - i), i));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

// SQLite.
{
  const dir = tempDir('hallmon-bench-size-');
  try {
    const store = createStore({ kind: 'sqlite', dataDir: dir.path, durability: 'normal' }, log);
    await store.open();
    const seconds = await fill(store);
    const stored = await store.countReadings();
    await store.close();
    const files = readdirSync(dir.path).filter((f) => f.startsWith('hallmon.db'));
    const bytes = files.reduce((a, f) => a + statSync(join(dir.path, f)).size, 0);
    // Where the bytes go, per table and index (SQLite's dbstat virtual table, when compiled in).
    let byTable: Record<string, number> | undefined;
    const db = new Database(join(dir.path, 'hallmon.db'), { readonly: true });
    try {
      const rows = db
        .prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY 2 DESC')
        .all() as Array<{ name: string; bytes: number }>;
      byTable = Object.fromEntries(
        rows.filter((r) => r.bytes >= MB / 10).map((r) => [r.name, +(((r.bytes / N) * 1e6) / MB).toFixed(1)]),
      );
    } catch {
      byTable = undefined;
    } finally {
      db.close();
    }
    emit({
      store: 'sqlite',
      what: 'hallmon.db after close (WAL checkpointed)',
      files,
      stored,
      writeSeconds: +seconds.toFixed(1),
      bytes,
      mbPerMillion: perMillion(bytes),
      ...(byTable ? { mbPerMillionByTable: byTable } : {}),
    });
  } finally {
    dir.remove();
  }
}

// InfluxDB 1.6.
{
  const influx = await startCompactingInfluxd();
  try {
    const database = 'size_bench';
    const store = createStore({ kind: 'influxdb', url: influx.url, database }, log);
    await store.open();
    const seconds = await fill(store);
    const stored = await store.countReadings();
    const dataDir = join(influx.dataDir, database);
    const walDir = join(influx.walDir, database);
    const report = (phase: string, extra: Record<string, unknown> = {}) => {
      const d = du(dataDir);
      const w = du(walDir);
      // The series file is a per-database cost (it grows with the number of series, not readings):
      // reported apart, and the per-million figure is TSM + WAL + the shard's other files.
      const series = d.files._series ?? { n: 0, bytes: 0, allocated: 0 };
      const points = d.bytes - series.bytes + w.bytes;
      emit({
        store: 'influxdb',
        phase,
        what: `data/${database} + wal/${database}; index-version inmem (the 1.6 default: the series index lives in RAM)`,
        stored,
        writeSeconds: +seconds.toFixed(1),
        tsmAndWalBytes: points,
        mbPerMillion: perMillion(points),
        seriesFileBytes: series.bytes,
        seriesFileAllocatedBytes: series.allocated,
        dataBytes: d.bytes,
        walBytes: w.bytes,
        allocatedBytes: d.allocated + w.allocated,
        dataFiles: d.files,
        walFiles: w.files,
        ...extra,
      });
    };
    report('right after the writes');
    const settled = await waitSettled(dataDir, walDir);
    if (settled === undefined) report('NOT settled after 300 s (figure is the unsettled size)');
    else report('settled (WAL snapshotted, shard fully compacted)', { settleSeconds: settled });
    await store.close();
  } finally {
    await influx.stop();
  }
}
