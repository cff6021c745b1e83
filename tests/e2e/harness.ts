// The end-to-end hall for e2e tests: simulated serial devices on socat ptys (a Modbus bus with two
// T/H transmitters of different models and a noise transmitter, and an ASCII sound level meter),
// the real `hallmon edge` process reading them, and helpers to talk to a real server's API.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfiles, type EdgeConfig, type Metric } from '@hallmon/firmware-config';
import { AsciiMeter, ModbusSlaveBus } from '@hallmon/simulators';
import { ptyPair, type PtyPair } from '../helpers/socat.ts';
import { freePort } from '../helpers/ports.ts';
import { runHallmon, type EdgeProcess } from '../helpers/edge-process.ts';
import { waitFor } from '../helpers/wait.ts';

/** What the simulated devices measure: fixed values, so what the API returns can be checked exactly. */
export const TRUTH = {
  'mr-th-1': { temperature: -5.3, humidity: 45.6 },
  'mr-th-2': { temperature: 21.7, humidity: 38.2 },
  'hall-noise-1': { noise_laeq: 63.4 },
  'hall-slm-1': { noise_laeq: 58.2 },
} as const satisfies Record<string, Partial<Record<Metric, number>>>;

/** Calibration the edge config applies to mr-th-2 (value = raw × scale + offset). */
export const MR_TH_2_CAL = { temperature: { offset: -0.5 }, humidity: { scale: 1.02 } };
export const EXPECTED = {
  ...TRUTH,
  'mr-th-2': { temperature: 21.2, humidity: 38.964 },
} as const;

export interface Hall {
  edge: EdgeProcess;
  healthUrl: string;
  /** Stops the simulated devices (the edge stays up). */
  stopDevices(): Promise<void>;
  stop(): Promise<void>;
  health(): Promise<EdgeHealth>;
}

export interface EdgeHealth {
  uplink: { connected: boolean };
  outbox: { queued: number } | null;
  /** buffered: records read but not yet written to the outbox (the agent flushes on a timer). */
  counters: { readings: number; buffered: number };
}

export async function startHall(
  dir: string,
  uplink: { url: string; username: string; password: string },
  pollMs = 250,
): Promise<Hall> {
  const profiles = loadProfiles();
  const p = (id: string) => profiles.get(id)!;
  const busPair: PtyPair = await ptyPair(dir, 'bus');
  const slmPair: PtyPair = await ptyPair(dir, 'slm');
  const constant = (sensor: keyof typeof TRUTH) => (metric: Metric) =>
    (TRUTH[sensor] as Partial<Record<Metric, number>>)[metric];
  const bus = new ModbusSlaveBus({
    path: busPair.device,
    baudRate: 9600,
    slaves: [
      { unitId: 1, profile: p('th-modbus-f03'), value: constant('mr-th-1') },
      { unitId: 2, profile: p('th-modbus-f04'), value: constant('mr-th-2') },
      { unitId: 3, profile: p('noise-modbus-f03'), value: constant('hall-noise-1') },
    ],
  });
  const meter = new AsciiMeter({
    path: slmPair.device,
    baudRate: 9600,
    intervalMs: 1000,
    value: constant('hall-slm-1'),
  });
  await bus.start();
  await meter.start();
  const config: EdgeConfig = {
    site: 'demo',
    uplink,
    dataDir: join(dir, 'edge-data'),
    buses: [
      {
        port: busPair.host,
        baudRate: 9600,
        pollMs,
        devices: [
          { id: 'mr-th-1', profile: 'th-modbus-f03', unitId: 1, zone: 'machine-room' },
          { id: 'mr-th-2', profile: 'th-modbus-f04', unitId: 2, zone: 'machine-room', calibration: MR_TH_2_CAL },
          { id: 'hall-noise-1', profile: 'noise-modbus-f03', unitId: 3, zone: 'hall' },
        ],
      },
    ],
    serialMeters: [{ id: 'hall-slm-1', profile: 'slm-ascii-rs232', port: slmPair.host, baudRate: 9600, zone: 'hall' }],
  };
  const file = join(dir, 'edge.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  const healthPort = await freePort();
  const edge = runHallmon(['edge', '--config', file, '--health-port', String(healthPort)], {
    HALLMON_LOG_LEVEL: 'warn',
  });
  const healthUrl = `http://127.0.0.1:${healthPort}/health`;
  const health = async () => (await (await fetch(healthUrl)).json()) as EdgeHealth;
  await waitFor(
    () => {
      if (edge.proc.exitCode !== null)
        throw new Error(`hallmon edge exited (${edge.proc.exitCode}): ${edge.stderr().slice(-2000)}`);
      return health().catch(() => undefined);
    },
    'edge health endpoint',
    60_000,
  );
  let devicesUp = true;
  const stopDevices = async () => {
    if (!devicesUp) return;
    devicesUp = false;
    await bus.stop();
    await meter.stop();
  };
  return {
    edge,
    healthUrl,
    health,
    stopDevices,
    stop: async () => {
      await edge.stop('SIGTERM');
      await stopDevices();
      await busPair.close();
      await slmPair.close();
    },
  };
}

/**
 * Waits until the edge has forwarded everything it counted: nothing in its memory buffer, the
 * outbox empty (the server acknowledged every record after storing it), the uplink up, and the
 * same reading count on two checks in a row (a reply already on the wire when the devices
 * stopped is still counted). The buffer counts too: a reading counted just before a check may
 * still wait for the flush timer.
 */
export async function drained(hall: Hall): Promise<EdgeHealth> {
  let previous = -1;
  return waitFor(
    async () => {
      const h = await hall.health();
      const idle = h.uplink.connected && h.outbox !== null && h.outbox.queued === 0 && h.counters.buffered === 0;
      const settled = idle && h.counters.readings === previous;
      previous = idle ? h.counters.readings : -1;
      return settled ? h : undefined;
    },
    'the edge outbox to drain',
    90_000,
    300,
  );
}

export interface Api {
  token: string;
  get<T>(path: string): Promise<T>;
}

export async function api(baseUrl: string, password: string): Promise<Api> {
  const res = await fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return {
    token,
    get: async <T>(path: string) => {
      const r = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    },
  };
}

export const SERIES = Object.entries(TRUTH).flatMap(([sensor, m]) =>
  Object.keys(m).map((metric) => ({ sensor, metric })),
);

/** Every raw point of one series in the last day and the next minute. */
export async function rawPoints(a: Api, sensor: string, metric: string): Promise<[string, number][]> {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const r = await a.get<{ points: [string, number][] }>(
    `/api/readings?site=demo&sensor=${sensor}&metric=${metric}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
  );
  return r.points;
}

/** The 1-minute rollup counts of one series over the same range, summed. */
export async function rollupCount(a: Api, sensor: string, metric: string): Promise<number> {
  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 120_000).toISOString();
  const r = await a.get<{ buckets?: { count: number }[] }>(
    `/api/readings?site=demo&sensor=${sensor}&metric=${metric}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&step=1m`,
  );
  return (r.buckets ?? []).reduce((s, b) => s + b.count, 0);
}
