// Server ingest benchmark: `hallmon server` (the real CLI, its own process) fed by mqtt.js gateways
// over loopback with QoS 1 (every PUBACK means stored), once per store: SQLite, and InfluxDB 1.x (a
// real influxd on loopback). Measures sustained readings/s with 1 and 500 readings per message, then
// publish -> socket.io latency at about 1,000 readings/s. Prints one JSON line per result.
// Run: cd /work/main && node --import tsx bench/server-ingest.ts [--quick] [--store sqlite|influxdb|both]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import { spawnServer, DEMO_GATEWAY, ADMIN_PASSWORD } from '../tests/helpers/server-process.ts';
import { startInfluxd, type TestInfluxd } from '../tests/helpers/influxd.ts';
import { noDelay, publishLoad, ReadingSource, TELEMETRY_TOPIC } from './lib/gateway-load.ts';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    store: { type: 'string', default: process.env.HALLMON_BENCH_STORE ?? 'both' },
  },
});
const quick = flags.quick === true;
const STORES =
  flags.store === 'both'
    ? (['sqlite', 'influxdb'] as const)
    : flags.store === 'sqlite' || flags.store === 'influxdb'
      ? ([flags.store] as const)
      : undefined;
if (!STORES) {
  console.error(`--store must be sqlite, influxdb or both (got "${flags.store}")`);
  process.exit(2);
}
let src = new ReadingSource();

async function latency(srv: { url: string; mqttUrl: string }, token: string, seconds: number) {
  const sock = io(srv.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('connect_error', reject);
  });
  await sock.timeout(10_000).emitWithAck('subscribe', { site: 'demo' });
  const sent = new Map<number, number>();
  const lat: number[] = [];
  sock.on('reading', (m: { value: number }) => {
    const t = sent.get(m.value);
    if (t !== undefined) {
      lat.push(performance.now() - t);
      sent.delete(m.value);
    }
  });
  const gw = await mqtt.connectAsync(srv.mqttUrl, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  noDelay(gw);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const ts0 = Date.now() - 86_400_000;
  // 10 single-reading messages every 10 ms = about 1,000 readings/s.
  while (performance.now() < end) {
    const tick = performance.now();
    for (let k = 0; k < 10; k++) {
      const id = 1_000_000 + n++;
      sent.set(id, performance.now());
      gw.publish(
        TELEMETRY_TOPIC,
        JSON.stringify({ sensor: 'mr-th-1', metric: 'temperature', value: id, ts: ts0 + n }),
        { qos: 1 },
      );
    }
    const wait = 10 - (performance.now() - tick);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const deadline = performance.now() + 10_000;
  while (lat.length < n && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await gw.endAsync();
  sock.close();
  lat.sort((a, b) => a - b);
  const pct = (p: number) => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? NaN;
  return {
    sent: n,
    received: lat.length,
    rate: n / seconds,
    p50: pct(50),
    p99: pct(99),
    max: lat[lat.length - 1] ?? NaN,
  };
}

const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
// The 1-minute load average travels with each figure: on a shared machine it explains outliers.
const emit = (o: Record<string, unknown>) => console.log(JSON.stringify({ ...o, load1: round(loadavg()[0]!, 1) }));
const INFLUX_DB = 'hallmon_bench';

/** Points really in influxd (not what the server says it accepted): unique (series, ts) overwrite. */
async function influxCount(influx: TestInfluxd): Promise<number> {
  const q = new URLSearchParams({ db: INFLUX_DB, q: 'SELECT count(value) FROM reading', epoch: 'ms' });
  const body = (await (await fetch(`${influx.url}/query?${q}`)).json()) as {
    results?: Array<{ series?: Array<{ values: unknown[][] }> }>;
  };
  const v = body.results?.[0]?.series?.[0]?.values[0]?.[1];
  return typeof v === 'number' ? v : 0;
}

async function benchStore(store: 'sqlite' | 'influxdb'): Promise<void> {
  src = new ReadingSource();
  const influx = store === 'influxdb' ? await startInfluxd() : undefined;
  try {
    const args = influx ? ['--store', 'influxdb', '--influx-url', `${influx.url}/${INFLUX_DB}`] : [];
    const srv = await spawnServer(args, { HALLMON_LOG_LEVEL: 'error' });
    try {
      await measure(srv, store, influx);
    } finally {
      await srv.stop();
    }
  } finally {
    await influx?.stop();
  }
}

async function measure(
  srv: { url: string; mqttUrl: string },
  store: 'sqlite' | 'influxdb',
  influx: TestInfluxd | undefined,
): Promise<void> {
  // Warm-up (JIT, SQLite series ids, gateway credential cache); not reported.
  await publishLoad(src, srv.mqttUrl, DEMO_GATEWAY, 1, 2_000, 4, 100);
  await publishLoad(src, srv.mqttUrl, DEMO_GATEWAY, 500, 20, 4, 4);
  for (const [perMessage, messages, clients, window] of [
    [1, quick ? 5_000 : 40_000, 4, 100],
    [500, quick ? 100 : 600, 4, 4],
  ] as const) {
    const r = await publishLoad(src, srv.mqttUrl, DEMO_GATEWAY, perMessage, messages, clients, window);
    emit({
      bench: 'server-ingest',
      store,
      qos: 1,
      readingsPerMessage: perMessage,
      clients,
      inFlightPerClient: window,
      readings: r.readings,
      seconds: round(r.seconds, 2),
      readingsPerSecond: round(r.readings / r.seconds),
      messagesPerSecond: round(messages / r.seconds),
    });
  }
  const health = (await (await fetch(`${srv.url}/api/health`)).json()) as {
    ingest: { accepted: number; rejected: object };
  };
  emit({
    bench: 'server-ingest-check',
    store,
    storedAccepted: health.ingest.accepted,
    expected: src.count,
    ...(influx ? { pointsInInfluxd: await influxCount(influx) } : {}),
    rejected: health.ingest.rejected,
  });
  const login = (await (
    await fetch(`${srv.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    })
  ).json()) as { token: string };
  const l = await latency(srv, login.token, quick ? 3 : 10);
  emit({
    bench: 'server-live-latency',
    store,
    path: `mqtt publish (QoS 1) -> validate -> ${store === 'sqlite' ? 'sqlite commit' : 'influxdb /write 204'} -> socket.io client`,
    targetRate: 1000,
    achievedRate: round(l.rate),
    sent: l.sent,
    received: l.received,
    p50Ms: round(l.p50, 2),
    p99Ms: round(l.p99, 2),
    maxMs: round(l.max, 2),
  });
}

for (const store of STORES) await benchStore(store);
