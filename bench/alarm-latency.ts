// Alarm latency: from publishing the reading that crosses a limit to the socket.io `alarm` message,
// through the whole server path: gateway (mqtt.js, QoS 1) -> embedded aedes -> validation -> SQLite
// commit -> server-side rules (a `rulesAt: 'server'` copy of the demo site) -> alarm stored -> live
// push. The rule is the machine room's critical limit (32 °C) with its minimum duration set to 0 so
// that one reading is a crossing; everything else is the shipped catalogue. Prints p50/p99/max.
// Run: cd /work/main && node --import tsx bench/alarm-latency.ts [--quick]
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import { loadCatalogue, topics } from '@hallmon/firmware-config';
import { startTestServer, DEMO_GATEWAY } from '../tests/helpers/server-process.ts';
import { demoWith } from '../tests/alarms/harness.ts';

const quick = process.argv.includes('--quick');
const N = quick ? 50 : 300;
const catalogue = loadCatalogue();
for (const c of catalogue.clauses) for (const r of c.rules) if (r.id === 'mr-temperature-critical') r.minDurationS = 0;

const server = await startTestServer({ sites: demoWith({ rulesAt: 'server' }), catalogue });
try {
  const token = await server.login();
  const live = io(server.url, {
    auth: { token },
    query: { site: 'demo' },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  await new Promise<void>((r) => live.once('connect', () => r()));
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, clientId: 'latency-gw' });
  (gw.stream as unknown as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
  let waiting: { id: string; state: string; resolve: () => void } | undefined;
  live.on('alarm', (m: { id: string; state: string; rule: string }) => {
    if (waiting && m.rule === 'mr-temperature-critical' && m.state === waiting.state) waiting.resolve();
  });
  const send = (value: number, ts: number) =>
    gw.publishAsync(topics.telemetry('demo'), JSON.stringify({ sensor: 'mr-th-1', metric: 'temperature', value, ts }), {
      qos: 1,
    });
  const await_ = (state: string) => new Promise<void>((resolve) => (waiting = { id: '', state, resolve }));

  let ts = Date.now() - 60_000;
  await send(22, ts);
  const lat: number[] = [];
  for (let i = 0; i < N; i++) {
    ts = Math.max(ts + 1000, Date.now() - 30_000);
    const raised = await_('raised');
    const t0 = performance.now();
    await Promise.all([send(40, ts), raised]);
    lat.push(performance.now() - t0);
    const cleared = await_('cleared');
    await Promise.all([send(22, ts + 500), cleared]);
  }
  lat.sort((a, b) => a - b);
  const q = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]! * 100) / 100;
  console.log(
    JSON.stringify({
      bench: 'alarm-latency',
      path: 'gateway -> server rules -> store -> socket.io',
      alarms: N,
      p50Ms: q(0.5),
      p99Ms: q(0.99),
      maxMs: q(1),
    }),
  );
  live.close();
  await gw.endAsync(true);
} finally {
  await server.stop();
}
