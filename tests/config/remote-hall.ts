// A hall whose edge is configured by the server, with real processes: a socat pty bus with simulated
// Modbus slaves (some of them not in the config yet, as a transmitter an installer is about to add),
// the `hallmon server` process seeded from the shipped demo site plus its edge part (the bus, the
// device port), and the `hallmon edge` process started with only --server, --site and the gateway
// credential. Used by the configuration tests and the dashboard's configuration e2e test.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfiles, type Metric, type SiteConfig } from '@hallmon/firmware-config';
import type { ConfigSite } from '@hallmon/contract';
import { ModbusSlaveBus } from '@hallmon/simulators';
import {
  ADMIN_PASSWORD,
  DEMO_GATEWAY,
  DEMO_SITE_FILE,
  spawnServer,
  type ServerProcess,
} from '../helpers/server-process.ts';
import { runHallmon, type EdgeProcess } from '../helpers/edge-process.ts';
import { ptyPair } from '../helpers/socat.ts';
import { freePort } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait.ts';

/** What the slaves measure (fixed, so what arrives can be checked exactly), by the device id they serve. */
export const TRUTH: Record<string, Partial<Record<Metric, number>>> = {
  'mr-th-1': { temperature: 22.4, humidity: 44.1 },
  'mr-th-2': { temperature: 23.9, humidity: 41.5 },
  'hall-noise-1': { noise_laeq: 61.2 },
  // Unit 5: installed on the bus, not in the config yet.
  'mr-th-3': { temperature: 24.6, humidity: 47.3 },
  // Unit 6: a light sensor; a T/H transmitter configured at its address reads zeros.
  lux: { illuminance: 412 },
};

export interface EdgeHealth {
  config: { mode: string; state: string; running: number | null; error: string | null };
  devices: { id: string; polled: number }[];
  uplink: { connected: boolean; reconnects: number };
  counters: { dropped: number };
}

export interface RemoteHall {
  server: ServerProcess;
  edge: EdgeProcess;
  /** The edge's device broker port (MQTT devices). */
  devicePort: number;
  /** An admin token. */
  token: string;
  health(): Promise<EdgeHealth>;
  call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  site(): Promise<ConfigSite>;
  /** Until the edge reports it runs exactly what the server holds now, at this version. */
  edgeRuns(version: number): Promise<ConfigSite>;
  /** Raw points of a series since the hall started. */
  raw(sensor: string, metric: string): Promise<[string, number][]>;
  stop(): Promise<void>;
}

export async function startRemoteHall(dir: string): Promise<RemoteHall> {
  const started = Date.now();
  const undo: Array<() => unknown> = [];
  const stop = async () => {
    for (const u of undo.reverse()) await u();
  };
  try {
    const pty = await ptyPair(dir, 'bus');
    undo.push(() => pty.close());
    const profiles = loadProfiles();
    const constant = (id: string) => (m: Metric) => TRUTH[id]![m];
    const bus = new ModbusSlaveBus({
      path: pty.device,
      baudRate: 9600,
      slaves: [
        { unitId: 1, profile: profiles.get('th-modbus-f03')!, value: constant('mr-th-1') },
        { unitId: 2, profile: profiles.get('th-modbus-f04')!, value: constant('mr-th-2') },
        { unitId: 3, profile: profiles.get('noise-modbus-f03')!, value: constant('hall-noise-1') },
        { unitId: 5, profile: profiles.get('th-modbus-f03')!, value: constant('mr-th-3') },
        { unitId: 6, profile: profiles.get('lux-modbus-f03')!, value: constant('lux') },
      ],
    });
    await bus.start();
    undo.push(() => bus.stop());

    // The site file an installer starts from: the shipped demo site plus its edge's bus.
    const devicePort = await freePort();
    const demo = JSON.parse(readFileSync(DEMO_SITE_FILE, 'utf8')) as SiteConfig;
    demo.edge = {
      buses: [{ id: 'bus-1', name: '机房总线', port: pty.host, baudRate: 9600, pollMs: 250 }],
      mqttDevices: { port: devicePort, host: '127.0.0.1' },
    };
    const attach: Record<string, number> = { 'mr-th-1': 1, 'mr-th-2': 2, 'hall-noise-1': 3 };
    for (const z of demo.zones)
      for (const d of z.devices)
        if (attach[d.id] !== undefined) {
          d.bus = 'bus-1';
          d.unitId = attach[d.id];
        }
    const siteFile = join(dir, 'demo.json');
    writeFileSync(siteFile, JSON.stringify(demo, null, 2));
    const server = await spawnServer(['--data-dir', join(dir, 'server'), '--config', siteFile]);
    undo.push(() => server.stop());
    const login = await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const token = ((await login.json()) as { token: string }).token;

    // The edge knows only the server, its site and its gateway credential.
    const healthPort = await freePort();
    const edge = runHallmon(
      [
        'edge',
        '--server',
        server.mqttUrl,
        '--site',
        'demo',
        '--username',
        DEMO_GATEWAY.username,
        '--data-dir',
        join(dir, 'edge'),
        '--health-port',
        String(healthPort),
      ],
      { HALLMON_LOG_LEVEL: 'warn', HALLMON_PASSWORD: DEMO_GATEWAY.password },
    );
    undo.push(() => edge.stop());
    const health = async () => (await (await fetch(`http://127.0.0.1:${healthPort}/health`)).json()) as EdgeHealth;
    await waitFor(
      () => {
        if (edge.proc.exitCode !== null) throw new Error(`the edge exited: ${edge.stderr().slice(-2000)}`);
        return health().catch(() => undefined);
      },
      'the edge health endpoint',
      60_000,
    );

    const call = async <T>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
    };
    const site = async () => (await call<ConfigSite>('GET', '/api/config/sites/demo')).body;
    return {
      server,
      edge,
      devicePort,
      token,
      health,
      call,
      site,
      edgeRuns: (version: number) =>
        waitFor(
          async () => {
            const s = await site();
            return s.version.version === version && s.edge.running === version && s.edge.inSync ? s : undefined;
          },
          `the edge to run version ${version}`,
          60_000,
          200,
        ),
      raw: async (sensor, metric) => {
        const from = new Date(started - 60_000).toISOString();
        const to = new Date(Date.now() + 60_000).toISOString();
        const r = await call<{ points: [string, number][] }>(
          'GET',
          `/api/readings?site=demo&sensor=${sensor}&metric=${metric}&from=${from}&to=${to}`,
        );
        return r.status === 200 ? r.body.points : [];
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
