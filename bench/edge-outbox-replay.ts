// How fast the edge empties its outbox after an outage: fill it with N readings (default 200,000),
// then start a broker (mosquitto, a separate process, so the broker does not share our CPU) and
// time the uplink until the outbox is empty. Target: >= 20,000 readings/s. Prints one JSON line.
import { join } from 'node:path';
import { createLogger } from '@hallmon/firmware-config';
import { Outbox, type OutboxInput, Uplink } from '@hallmon/edge';
import { tempDir } from '../tests/helpers/tmp.ts';
import { freePort } from '../tests/helpers/ports.ts';
import { startMosquitto } from '../tests/helpers/brokers.ts';
import { waitFor } from '../tests/helpers/wait.ts';

const N = Number(process.env.BENCH_READINGS ?? 200_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const SENSORS = ['mr-th-1', 'mr-th-2', 'ar-th-1', 'hall-th-1', 'hall-noise-1'];

const dir = tempDir('hallmon-bench-replay-');
const outbox = new Outbox({ dataDir: join(dir.path, 'data') });
outbox.open();
const t0 = Date.parse('2025-05-01T00:00:00Z');
const fillStart = process.hrtime.bigint();
for (let i = 0; i < N; i += 5000) {
  const chunk: OutboxInput[] = [];
  for (let j = i; j < Math.min(N, i + 5000); j++) {
    const sensor = SENSORS[j % SENSORS.length]!;
    const ts = t0 + Math.floor(j / SENSORS.length) * 1000;
    chunk.push({
      key: sensor,
      ts,
      body: JSON.stringify({
        sensor,
        metric: 'temperature',
        value: 20 + (j % 50) / 10,
        ts: new Date(ts).toISOString(),
        quality: 'ok',
        unit: '°C',
      }),
    });
  }
  outbox.append('telemetry', chunk);
}
const fillS = Number(process.hrtime.bigint() - fillStart) / 1e9;

const port = await freePort();
const broker = await startMosquitto(dir.path, port);
const uplink = new Uplink({
  site: 'demo',
  uplink: { url: `mqtt://127.0.0.1:${port}`, username: 'bench', password: 'bench', batchSize: BATCH },
  outbox,
  log: createLogger('bench', 'warn'),
});
const start = process.hrtime.bigint();
await uplink.start();
await waitFor(() => outbox.stats().count === 0, 'outbox empty', 600_000, 5);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
await uplink.stop();
await broker.stop();
outbox.close();
dir.remove();

console.log(
  JSON.stringify({
    bench: 'edge-outbox-replay',
    readings: N,
    batchSize: BATCH,
    inflight: 8,
    fillReadingsPerS: Math.round(N / fillS),
    replaySeconds: Number(seconds.toFixed(2)),
    readingsPerS: Math.round(N / seconds),
    target: 20_000,
    pass: N / seconds >= 20_000,
  }),
);
