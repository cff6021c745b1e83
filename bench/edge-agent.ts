// Footprint of the real edge agent (node bin/hallmon.js edge, a child process) reading 50 simulated
// Modbus T/H transmitters at 1 Hz on 5 socat buses and forwarding to mosquitto: RSS and CPU of the
// edge process sampled from /proc over BENCH_SECONDS (default 60) after a 10 s warm-up. `hallmon edge`
// runs in that one process (dist/edge.mjs, built by bin/build.js); any child it has (the bundle build, should a source be
// newer) is counted too: RSS of live children, CPU of exited ones.
// Targets: RSS < 80 MB, CPU < 10 % of one core. Prints one JSON line.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfiles } from '@hallmon/firmware-config';
import { ModbusSlaveBus } from '@hallmon/simulators';
import { tempDir } from '../tests/helpers/tmp.ts';
import { freePort } from '../tests/helpers/ports.ts';
import { ptyPair, type PtyPair } from '../tests/helpers/socat.ts';
import { startMosquitto, type TestBroker } from '../tests/helpers/brokers.ts';
import { waitFor, sleep } from '../tests/helpers/wait.ts';
import { REPO, runHallmon, type EdgeProcess } from '../tests/helpers/edge-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARMUP_S = 10;
const BUSES = 5;
const PER_BUS = 10;
const CLK_TCK = 100; // Linux USER_HZ for /proc/<pid>/stat

const dir = tempDir('hallmon-bench-agent-');
const profiles = loadProfiles();
const th = profiles.get('th-modbus-f03')!;
const demo = JSON.parse(readFileSync(join(REPO, 'firmware-config', 'sites', 'demo.json'), 'utf8')) as {
  gateway: unknown;
};
const ids = Array.from({ length: BUSES * PER_BUS }, (_, i) => `th-${String(i + 1).padStart(2, '0')}`);
writeFileSync(
  join(dir.path, 'site.json'),
  JSON.stringify({
    id: 'demo',
    name: 'bench site',
    timezone: 'Asia/Shanghai',
    openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
    gateway: demo.gateway,
    zones: [
      {
        id: 'machine-room',
        kind: 'machine-room',
        name: '机房',
        devices: ids.map((id) => ({ id, profile: 'th-modbus-f03' })),
      },
    ],
  }),
);

const pairs: PtyPair[] = [];
const sims: ModbusSlaveBus[] = [];
let broker: TestBroker | undefined;
let edge: EdgeProcess | undefined;
try {
  for (let b = 0; b < BUSES; b++) {
    const pair = await ptyPair(dir.path, `bus${b}`);
    pairs.push(pair);
    const sim = new ModbusSlaveBus({
      path: pair.device,
      baudRate: 9600,
      slaves: Array.from({ length: PER_BUS }, (_, u) => ({
        unitId: u + 1,
        profile: th,
        value: (m: string, t: number) => (m === 'temperature' ? 22 + ((t / 1000) % 3) : 45),
      })),
    });
    await sim.start();
    sims.push(sim);
  }
  const brokerPort = await freePort();
  broker = await startMosquitto(dir.path, brokerPort);
  const healthPort = await freePort();
  writeFileSync(
    join(dir.path, 'edge.json'),
    JSON.stringify({
      site: 'demo',
      siteConfig: './site.json',
      uplink: { url: `mqtt://127.0.0.1:${brokerPort}`, username: 'demo-gateway', password: 'demo-gateway-secret' },
      dataDir: './data',
      healthPort,
      buses: pairs.map((p, b) => ({
        port: p.host,
        baudRate: 9600,
        pollMs: 1000,
        devices: Array.from({ length: PER_BUS }, (_, u) => ({
          id: ids[b * PER_BUS + u]!,
          profile: 'th-modbus-f03',
          unitId: u + 1,
          zone: 'machine-room',
        })),
      })),
    }),
  );

  // BENCH_EDGE_ENTRY: run another entry point taking the same arguments (e.g. a prebuilt JS bundle
  // of the edge, to separate the tsx loader's share of the footprint from the agent's own).
  edge = runHallmon(
    ['edge', '--config', join(dir.path, 'edge.json')],
    { HALLMON_LOG_LEVEL: 'warn' },
    process.env.BENCH_EDGE_ENTRY,
  );
  const pid = edge.proc.pid!;
  const health = async () =>
    (await (await fetch(`http://127.0.0.1:${healthPort}/health`)).json()) as {
      uplink: { forwarded: number; connected: boolean };
      counters: { readings: number };
      process: Record<string, number>;
    };
  await waitFor(
    async () => (await health()).uplink.forwarded > 0,
    `edge forwarding (stderr: ${edge.stderr().slice(-1000)})`,
    60_000,
    500,
  );
  await sleep(WARMUP_S * 1000);

  const cpuTicks = () => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime stime cutime cstime (fields 14-17)
  };
  const children = () => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const rssOf = (p: number) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))![1]) / 1024;
    } catch {
      return 0; // a child that exited between the listing and the read
    }
  };
  const rssMB = () => [pid, ...children()].reduce((sum, p) => sum + rssOf(p), 0);
  const h0 = await health();
  const c0 = cpuTicks();
  const w0 = Date.now();
  let rssMax = 0;
  let rssSum = 0;
  let samples = 0;
  while (Date.now() - w0 < SECONDS * 1000) {
    await sleep(2000);
    const r = rssMB();
    rssMax = Math.max(rssMax, r);
    rssSum += r;
    samples++;
  }
  const wall = (Date.now() - w0) / 1000;
  const cpuPct = ((cpuTicks() - c0) / CLK_TCK / wall) * 100;
  const h1 = await health();

  console.log(
    JSON.stringify({
      bench: 'edge-agent',
      devices: ids.length,
      buses: BUSES,
      pollHz: 1,
      seconds: Math.round(wall),
      readingsPerS: Math.round((h1.counters.readings - h0.counters.readings) / wall),
      forwardedPerS: Math.round((h1.uplink.forwarded - h0.uplink.forwarded) / wall),
      rssMaxMB: Number(rssMax.toFixed(1)),
      rssAvgMB: Number((rssSum / Math.max(1, samples)).toFixed(1)),
      cpuPctOfCore: Number(cpuPct.toFixed(2)),
      edgeMemory: h1.process,
      nodeOptions: process.env.NODE_OPTIONS ?? '',
      entry: process.env.BENCH_EDGE_ENTRY ?? 'bin/hallmon.js edge (bundle, plain node)',
      targets: { rssMB: 80, cpuPct: 10 },
      pass: rssMax < 80 && rssSum / Math.max(1, samples) < 80 && cpuPct < 10,
    }),
  );
} finally {
  // Everything this bench started goes, also when it fails half-way.
  await edge?.stop('SIGTERM');
  for (const s of sims) await s.stop();
  for (const p of pairs) await p.close();
  await broker?.stop();
  dir.remove();
}
