// Direct store write throughput (readings/s) for the SQLite and InfluxDB adapters at batch sizes of
// 1, 500 and 5,000, plus the SQLite file size per million readings. The mix is a realistic hall:
// 24 series (bench/lib/hall-mix.ts), timestamps advancing 1 s per round of series. Store size per
// million readings for both stores: bench/store-size.ts.
// Prints one JSON line per case. Run: node --import tsx bench/store-ingest.ts [--quick]
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createLogger } from '@hallmon/firmware-config';
import { createStore } from '@hallmon/server';
import type { Store, StoredReading } from '@hallmon/server';
import { startInfluxd } from '../tests/helpers/influxd.ts';
import { tempDir } from '../tests/helpers/tmp.ts';
import { readings } from './lib/hall-mix.ts';

const quick = process.argv.includes('--quick');
const log = createLogger('bench-store', 'warn');

async function run(store: Store, batch: number, data: StoredReading[]): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < data.length; i += batch) await store.writeReadings(data.slice(i, i + batch));
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function emit(o: Record<string, unknown>): void {
  // The 1-minute load average travels with each figure: on a shared machine it explains outliers.
  console.log(JSON.stringify({ bench: 'store-ingest', ...o, load1: +loadavg()[0]!.toFixed(1) }));
}

const plan: Array<{ batch: number; sqlite: number; influx: number }> = quick
  ? [
      { batch: 1, sqlite: 5_000, influx: 500 },
      { batch: 500, sqlite: 100_000, influx: 50_000 },
      { batch: 5000, sqlite: 200_000, influx: 100_000 },
    ]
  : [
      { batch: 1, sqlite: 50_000, influx: 3_000 },
      { batch: 500, sqlite: 1_000_000, influx: 500_000 },
      { batch: 5000, sqlite: 1_000_000, influx: 1_000_000 },
    ];

// SQLite, each case in a fresh file.
for (const durability of ['normal', 'full'] as const) {
  for (const p of plan) {
    if (durability === 'full' && p.batch === 5000) continue;
    const dir = tempDir('hallmon-bench-');
    try {
      const store = createStore({ kind: 'sqlite', dataDir: dir.path, durability }, log);
      await store.open();
      const n = durability === 'full' && p.batch === 1 ? Math.min(p.sqlite, 5_000) : p.sqlite;
      const data = readings(n);
      const s = await run(store, p.batch, data);
      const stored = await store.countReadings();
      // All duplicates: what a redelivered backlog costs.
      const dupN = Math.min(n, 200_000);
      const sd = p.batch >= 500 ? await run(store, p.batch, data.slice(0, dupN)) : undefined;
      await store.close(); // checkpoints the WAL into the main file
      const bytes = statSync(`${dir.path}/hallmon.db`).size;
      emit({
        store: 'sqlite',
        durability,
        batch: p.batch,
        readings: n,
        stored,
        seconds: +s.toFixed(3),
        readingsPerSec: Math.round(n / s),
        ...(sd !== undefined ? { duplicateRewritePerSec: Math.round(dupN / sd) } : {}),
        fileBytes: bytes,
        mbPerMillion: +(((bytes / n) * 1e6) / 1048576).toFixed(1),
      });
    } finally {
      dir.remove();
    }
  }
}

// InfluxDB 1.x, a real influxd on loopback, a fresh database per case.
const influx = await startInfluxd();
try {
  for (const p of plan) {
    const store = createStore({ kind: 'influxdb', url: influx.url, database: `bench_${p.batch}` }, log);
    await store.open();
    const data = readings(p.influx);
    const s = await run(store, p.batch, data);
    const stored = await store.countReadings();
    await store.close();
    emit({
      store: 'influxdb',
      batch: p.batch,
      readings: p.influx,
      stored,
      seconds: +s.toFixed(3),
      readingsPerSec: Math.round(p.influx / s),
    });
  }
} finally {
  await influx.stop();
}
