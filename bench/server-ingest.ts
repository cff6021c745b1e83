// Server ingest benchmark: `hallmon server` (the real CLI, its own process, SQLite store) fed by
// mqtt.js gateways over loopback with QoS 1 (every PUBACK means stored). Measures sustained
// readings/s with 1 and 500 readings per message, then publish -> socket.io latency at about
// 1,000 readings/s. Prints one JSON line per result.
// Run: cd /work/main && node --import tsx bench/server-ingest.ts [--quick]
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import { spawnServer, DEMO_GATEWAY, ADMIN_PASSWORD } from '../tests/helpers/server-process.ts';

const quick = process.argv.includes('--quick');
const SERIES = [
  ['mr-th-1', 'temperature'],
  ['mr-th-1', 'humidity'],
  ['mr-th-2', 'temperature'],
  ['mr-th-2', 'humidity'],
  ['ar-th-1', 'temperature'],
  ['ar-th-1', 'humidity'],
  ['hall-th-1', 'temperature'],
  ['hall-co2-1', 'co2'],
] as const;

let seq = 0;
const base = Date.now() - 20 * 86_400_000;
function reading() {
  const i = seq++;
  const [sensor, metric] = SERIES[i % SERIES.length]!;
  // Unique (sensor, metric, ts): otherwise the store would count duplicates, not new rows.
  return { sensor, metric, value: 20 + (i % 100) / 10, ts: base + Math.floor(i / SERIES.length) };
}

async function ingest(mqttUrl: string, perMessage: number, messages: number, clients: number, window: number) {
  const conns: MqttClient[] = await Promise.all(
    Array.from({ length: clients }, () => mqtt.connectAsync(mqttUrl, { ...DEMO_GATEWAY, reconnectPeriod: 0 })),
  );
  for (const c of conns) (c.stream as unknown as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  const payloads = Array.from({ length: messages }, () =>
    JSON.stringify(perMessage === 1 ? reading() : Array.from({ length: perMessage }, reading)),
  );
  const t0 = performance.now();
  await Promise.all(
    conns.map(async (c, ci) => {
      const mine = payloads.filter((_, i) => i % clients === ci);
      // Keep `window` messages in flight per client (like an edge draining its outbox).
      let next = 0;
      const worker = async () => {
        while (next < mine.length) {
          const p = mine[next++]!;
          await c.publishAsync('hallmon/v1/demo/telemetry', p, { qos: 1 });
        }
      };
      await Promise.all(Array.from({ length: window }, worker));
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(conns.map((c) => c.endAsync()));
  return { seconds, readings: perMessage * messages };
}

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
  (gw.stream as unknown as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const ts0 = Date.now() - 86_400_000;
  // 10 single-reading messages every 10 ms = about 1,000 readings/s.
  while (performance.now() < end) {
    const tick = performance.now();
    for (let k = 0; k < 10; k++) {
      const id = 1_000_000 + n++;
      sent.set(id, performance.now());
      gw.publish('hallmon/v1/demo/telemetry', JSON.stringify({ sensor: 'mr-th-1', metric: 'temperature', value: id, ts: ts0 + n }), { qos: 1 });
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
  return { sent: n, received: lat.length, rate: n / seconds, p50: pct(50), p99: pct(99), max: lat[lat.length - 1] ?? NaN };
}

const srv = await spawnServer([], { HALLMON_LOG_LEVEL: 'error' });
try {
  const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
  // Warm-up (JIT, SQLite series ids, gateway credential cache); not reported.
  await ingest(srv.mqttUrl, 1, 2_000, 4, 100);
  await ingest(srv.mqttUrl, 500, 20, 4, 4);
  for (const [perMessage, messages, clients, window] of [
    [1, quick ? 5_000 : 40_000, 4, 100],
    [500, quick ? 100 : 600, 4, 4],
  ] as const) {
    const r = await ingest(srv.mqttUrl, perMessage, messages, clients, window);
    console.log(
      JSON.stringify({
        bench: 'server-ingest',
        store: 'sqlite',
        qos: 1,
        readingsPerMessage: perMessage,
        clients,
        inFlightPerClient: window,
        readings: r.readings,
        seconds: round(r.seconds, 2),
        readingsPerSecond: round(r.readings / r.seconds),
        messagesPerSecond: round(messages / r.seconds),
      }),
    );
  }
  const health = (await (await fetch(`${srv.url}/api/health`)).json()) as { ingest: { accepted: number; rejected: object } };
  console.log(JSON.stringify({ bench: 'server-ingest-check', storedAccepted: health.ingest.accepted, expected: seq, rejected: health.ingest.rejected }));
  const login = (await (
    await fetch(`${srv.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) })
  ).json()) as { token: string };
  const l = await latency(srv, login.token, quick ? 3 : 10);
  console.log(
    JSON.stringify({
      bench: 'server-live-latency',
      path: 'mqtt publish (QoS 1) -> validate -> sqlite commit -> socket.io client',
      targetRate: 1000,
      achievedRate: round(l.rate),
      sent: l.sent,
      received: l.received,
      p50Ms: round(l.p50, 2),
      p99Ms: round(l.p99, 2),
      maxMs: round(l.max, 2),
    }),
  );
} finally {
  await srv.stop();
}
