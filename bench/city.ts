// The city: 220 community centres × 30 sensors at 1 Hz (plus counter events) published through
// Debian's mosquitto 2 into a group of 1, 2 and 3 `hallmon server` processes sharing the broker
// (MQTT 5 shared subscription), a PostgreSQL state database and influxd (docs/cluster.md). For
// each group size it measures, over a steady window after a warm-up:
//   - stored readings/s (the servers' accepted counters over the window, and the count in influxd);
//   - publish -> store latency: sample sites' readings carry their publish time, and socket.io
//     clients on every server see them when the storing server pushes them live (after the store
//     committed), p50 / p99;
//   - CPU of each server (and of postgres with its backends, and influxd) as % of one core, from /proc.
// With 3 servers it then kills one (kill -9) under the same load and measures the failover: how long
// until every site's duty lease is held by a live server, and until the dead server's broker session
// was taken over and what it held stored; every acknowledged reading stored is checked at the end.
// Run: node --import tsx bench/city.ts [--quick] [--sites N] [--seconds S] [--servers N]
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { startGroup, type ServerGroup } from '../tests/e2e/cluster.ts';
import { waitFor } from '../tests/helpers/wait.ts';

const quick = process.argv.includes('--quick');
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SITES = arg('--sites', quick ? 40 : 220);
const DEVICES = 15; // temperature + humidity each: 30 readings a second per site
const WARMUP_S = quick ? 5 : 15;
const SECONDS = arg('--seconds', quick ? 10 : 40);
const SAMPLE_SITES = 10;
const GROUPS = process.argv.includes('--servers') ? [arg('--servers', 3)] : quick ? [1, 3] : [1, 2, 3];

interface Health {
  ingest: { telemetry: { accepted: number }; events: { accepted: number } };
}

const ticks = () => {
  const hz = 100; // USER_HZ on Linux
  return (pid: number) => {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return (Number(f[11]) + Number(f[12])) / hz;
    } catch {
      return NaN;
    }
  };
};
const ownCpu = ticks();
/** CPU seconds of a process and its children (PostgreSQL does its work in one backend per connection). */
function cpuSeconds(pid: number): number {
  let total = ownCpu(pid);
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(f[1]) === pid) total += ownCpu(Number(d));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

/** Publishes every site's 30 readings once a second (one message per site) and a rating now and then. */
function startLoad(g: ServerGroup, clients: MqttClient[]) {
  let acked = 0;
  let sent = 0;
  let failed = 0;
  let events = 0;
  let stop = false;
  let tick = 0;
  const loop = (async () => {
    let next = Date.now();
    while (!stop) {
      const now = Date.now();
      tick++;
      const batch = g.sites.map((site, i) => {
        const readings = g.sensors(site).flatMap((sensor, k) => [
          { sensor, metric: 'temperature', value: 22 + ((k + tick) % 5) / 10, ts: now },
          { sensor, metric: 'humidity', value: 45 + ((k + tick) % 7) / 10, ts: now },
        ]);
        sent += readings.length;
        const c = clients[i]!;
        const p = [
          c.publishAsync(`hallmon/v1/${site}/telemetry`, JSON.stringify(readings), { qos: 1 }).then(() => {
            acked += readings.length;
          }),
        ];
        // Counter events: a rating every 10 s per site.
        if ((tick + i) % 10 === 0) {
          events++;
          p.push(
            c
              .publishAsync(
                `hallmon/v1/${site}/events`,
                JSON.stringify({ device: `${site}-eval-1`, type: 'rating', score: 5, window: 'W01', ts: now }),
                { qos: 1 },
              )
              .then(() => undefined),
          );
        }
        return Promise.all(p);
      });
      void Promise.all(batch).catch(() => failed++);
      next += 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, next - Date.now())));
    }
  })();
  return {
    get acked() {
      return acked;
    },
    get sent() {
      return sent;
    },
    get events() {
      return events;
    },
    get failed() {
      return failed;
    },
    stop: async () => {
      stop = true;
      await loop;
    },
  };
}

async function health(url: string): Promise<Health> {
  return (await (await fetch(`${url}/api/health`)).json()) as Health;
}

async function influxCount(g: ServerGroup, from: number): Promise<number> {
  const q = `SELECT count(value) FROM reading WHERE time >= ${from}ms`;
  const res = await fetch(`${g.influxd.url}/query?db=hallmon&q=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

async function run(servers: number): Promise<void> {
  const g = await startGroup({ servers, sites: SITES, sensors: DEVICES, counters: true, leaseTtlS: 9 });
  const clients: MqttClient[] = [];
  const sockets: Socket[] = [];
  try {
    for (const site of g.sites)
      clients.push(await mqtt.connectAsync(g.broker.url, { clientId: `gw-${site}`, protocolVersion: 5 }));
    // Latency probes: every server's dashboard follows the sample sites.
    const token = await g.token();
    const latencies: number[] = [];
    const firstSeen = new Map<string, number>();
    const samples = g.sites.slice(0, SAMPLE_SITES);
    let measuring = false;
    for (const s of g.servers) {
      const socket = io(s.url, { auth: { token }, transports: ['websocket'] });
      sockets.push(socket);
      socket.on('reading', (r: { site: string; sensor: string; metric: string; ts: string }) => {
        if (r.sensor !== `${r.site}-th-1` || r.metric !== 'temperature') return;
        const key = `${r.site}/${r.ts}`;
        if (firstSeen.has(key)) return;
        const at = Date.now();
        firstSeen.set(key, at);
        if (measuring) latencies.push(at - Date.parse(r.ts));
      });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      for (const site of samples) socket.emit('subscribe', { site });
    }
    const start = Date.now();
    const load = startLoad(g, clients);
    await new Promise((r) => setTimeout(r, WARMUP_S * 1000));
    // The steady window.
    measuring = true;
    const pids = {
      servers: g.servers.map((s) => s.pid),
      postgres: g.postgres.pid,
      influxd: g.influxd.pid,
    };
    const cpu0 = pids.servers.map(cpuSeconds);
    const side0 = [cpuSeconds(pids.postgres), cpuSeconds(pids.influxd)];
    const acc0 = (await Promise.all(g.servers.map((s) => health(s.url)))).map((h) => h.ingest.telemetry.accepted);
    const t0 = performance.now();
    const load0 = loadavg();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const dt = (performance.now() - t0) / 1000;
    const acc1 = (await Promise.all(g.servers.map((s) => health(s.url)))).map((h) => h.ingest.telemetry.accepted);
    const cpu1 = pids.servers.map(cpuSeconds);
    const side1 = [cpuSeconds(pids.postgres), cpuSeconds(pids.influxd)];
    measuring = false;
    const stored = acc1.reduce((a, b, i) => a + b - acc0[i]!, 0);
    const result: Record<string, unknown> = {
      bench: 'city',
      servers,
      sites: SITES,
      sensorsPerSite: DEVICES * 2,
      offeredReadingsPerS: SITES * DEVICES * 2,
      storedReadingsPerS: Math.round(stored / dt),
      storedPerServer: acc1.map((b, i) => Math.round((b - acc0[i]!) / dt)),
      latencyMsP50: pct(latencies, 50),
      latencyMsP99: pct(latencies, 99),
      latencySamples: latencies.length,
      cpuPctPerServer: cpu1.map((c, i) => Math.round(((c - cpu0[i]!) / dt) * 1000) / 10),
      cpuPctPostgres: Math.round(((side1[0]! - side0[0]!) / dt) * 1000) / 10,
      cpuPctInfluxd: Math.round(((side1[1]! - side0[1]!) / dt) * 1000) / 10,
      load: `${load0} -> ${loadavg()}`,
    };
    if (servers === 3) {
      // Failover under the same load: kill -9 the server that owns the most sites.
      const owners = await g.query<{ owner: string; n: number }>(
        'SELECT owner, count(*)::int AS n FROM leases GROUP BY owner ORDER BY n DESC',
      );
      const victim = g.servers.find((s) => owners[0]?.owner.split('-').at(-2) === String(s.pid)) ?? g.servers[1]!;
      const killedAt = performance.now();
      await victim.kill9();
      const nowMs = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
      await waitFor(
        async () => {
          const rows = await g.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM leases WHERE until > ${nowMs} AND owner NOT LIKE $1`,
            [`%-${victim.pid}-%`],
          );
          return rows[0]!.n === SITES + 1;
        },
        'every duty lease held by a live server',
        120_000,
        100,
      );
      result.failoverLeasesS = Math.round((performance.now() - killedAt) / 100) / 10;
      await waitFor(
        async () =>
          (
            await g.query<{ n: number }>('SELECT count(*)::int AS n FROM members WHERE id LIKE $1', [
              `%-${victim.pid}-%`,
            ])
          )[0]!.n === 0,
        "the dead server's broker session taken over",
        180_000,
        100,
      );
      result.failoverSessionS = Math.round((performance.now() - killedAt) / 100) / 10;
    }
    await load.stop();
    // Everything acknowledged is stored (influxd counts each (series, time) once).
    await waitFor(
      async () => (await influxCount(g, start - 1000)) >= load.acked,
      'every acknowledged reading in influxd',
      180_000,
      1000,
    ).catch(() => undefined);
    result.acknowledged = load.acked;
    result.storedInInfluxd = await influxCount(g, start - 1000);
    result.events = load.events;
    console.log(JSON.stringify(result));
  } finally {
    for (const s of sockets) s.disconnect();
    await Promise.all(clients.map((c) => c.endAsync().catch(() => undefined)));
    await g.stop();
  }
}

for (const n of GROUPS) await run(n);
