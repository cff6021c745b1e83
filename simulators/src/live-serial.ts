// Serves a site's serial devices live: every Modbus RTU device of the site on one simulated RS-485
// bus (at its configured unit id, else the free ones 1.. in site-config order) and each ASCII sound
// level meter on its own port, each
// on a socat pseudo-terminal pair with stable paths. Returns the edge-config fragment (buses,
// serialMeters) that points an edge at the host ends. Used by `hallmon simulate` and `hallmon demo`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deviceProfile, loadProfiles, type Bus, type SerialMeter, type SiteConfig } from '@hallmon/firmware-config';
import type { Clock } from './signal.ts';
import type { ScenarioSignals } from './scenarios/types.ts';

export interface SerialDevicesOptions {
  /** Folder for the pty links (`bus-dev`/`bus-host`, `<meter>-dev`/`<meter>-host`). */
  dir: string;
  site: SiteConfig;
  signals: ScenarioSignals;
  clock: Clock;
  /** Baud rate of the simulated bus (default 9600). */
  baud?: number;
  /** How often the edge should poll each device (written into the edge-config fragment). */
  pollMs?: number;
}

export interface RunningSerialDevices {
  edgeConfig: { buses?: Bus[]; serialMeters?: SerialMeter[] };
  /** One human-readable line per port. */
  describe(): string[];
  stop(): Promise<void>;
}

export async function startSerialDevices(opts: SerialDevicesOptions): Promise<RunningSerialDevices> {
  // Loaded only here: the serial simulators open ports, and --list/--backfill need none of it.
  const { ModbusSlaveBus, AsciiMeter } = await import('./serial/index.ts');
  const { dir, site, signals, clock } = opts;
  const baud = opts.baud ?? 9600;
  mkdirSync(dir, { recursive: true });
  const profiles = loadProfiles();
  const devices = site.zones.flatMap((z) =>
    z.devices.map((d) => ({ ...d, zone: z.id, p: deviceProfile(profiles, d) })),
  );
  const modbus = devices.filter((d) => d.p?.transport === 'modbus-rtu');
  const meters = devices.filter((d) => d.p?.transport === 'ascii-line');
  const stops: Array<() => Promise<void>> = [];
  const lines: string[] = [];
  const edgeConfig: RunningSerialDevices['edgeConfig'] = {};
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    if (modbus.length) {
      const used = new Set(modbus.flatMap((d) => (d.unitId !== undefined ? [d.unitId] : [])));
      let free = 1;
      const unitOf = (d: (typeof modbus)[number]) => {
        if (d.unitId !== undefined) return d.unitId;
        while (used.has(free)) free++;
        used.add(free);
        return free;
      };
      const busDevices = modbus.map((d) => ({ id: d.id, profile: d.profile, unitId: unitOf(d), zone: d.zone }));
      const pair = await ptyPair(dir, 'bus', stops);
      const bus = new ModbusSlaveBus({
        path: pair.device,
        baudRate: baud,
        clock,
        slaves: modbus.map((d, i) => ({
          unitId: busDevices[i]!.unitId,
          profile: d.p!,
          value: (metric, t) => signals.value(d.id, metric, t),
          fault: (t) => signals.fault(d.id, t),
        })),
      });
      await bus.start();
      stops.push(() => bus.stop());
      lines.push(
        `modbus bus: ${pair.host} at ${baud} baud, ${busDevices.map((d) => `${d.id}=unit ${d.unitId}`).join(', ')}`,
      );
      edgeConfig.buses = [
        { port: pair.host, baudRate: baud, ...(opts.pollMs ? { pollMs: opts.pollMs } : {}), devices: busDevices },
      ];
    }
    const serialMeters: SerialMeter[] = [];
    for (const m of meters) {
      const pair = await ptyPair(dir, m.id, stops);
      const meterBaud = m.p!.serial?.baudRate ?? 9600;
      const meter = new AsciiMeter({
        path: pair.device,
        baudRate: meterBaud,
        intervalMs: 1000,
        clock,
        value: (metric, t) => signals.value(m.id, metric, t),
        fault: (t) => signals.fault(m.id, t),
      });
      await meter.start();
      stops.push(() => meter.stop());
      lines.push(`sound level meter ${m.id}: ${pair.host} at ${meterBaud} baud`);
      serialMeters.push({ id: m.id, profile: m.profile, port: pair.host, zone: m.zone, baudRate: meterBaud });
    }
    if (serialMeters.length) edgeConfig.serialMeters = serialMeters;
  } catch (err) {
    await stop();
    throw err;
  }
  return { edgeConfig, describe: () => lines, stop };
}

/** socat pty,raw,echo=0,link=DIR/NAME-dev pty,raw,echo=0,link=DIR/NAME-host: a stable-path pty pair. */
async function ptyPair(
  dir: string,
  name: string,
  stops: Array<() => Promise<void>>,
): Promise<{ device: string; host: string }> {
  const device = join(resolve(dir), `${name}-dev`);
  const host = join(resolve(dir), `${name}-host`);
  // No -d0: socat 1.7.4 (Debian 12) rejects it; the default level logs only errors and warnings.
  const proc: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${host}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-500)));
  const failed = new Promise<never>((_, reject) => {
    proc.once('error', (err) =>
      reject(new Error(`cannot run socat (install it: apt-get install socat): ${err.message}`)),
    );
    proc.once('exit', (code) => reject(new Error(`socat exited (${code}) creating ${device}: ${stderr.trim()}`)));
  });
  failed.catch(() => undefined);
  stops.push(
    () =>
      new Promise<void>((res) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return res();
        proc.once('exit', () => res());
        proc.kill('SIGTERM');
      }),
  );
  const deadline = Date.now() + 10_000;
  while (!(existsSync(device) && existsSync(host))) {
    if (Date.now() > deadline) throw new Error(`socat did not create ${device} and ${host} within 10 s`);
    await Promise.race([sleep(25), failed]);
  }
  return { device, host };
}
