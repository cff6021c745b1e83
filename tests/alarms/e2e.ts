// End-to-end harness for the scenario tests: real simulated devices (Modbus slaves and ASCII meters
// on socat ptys, MQTT counter devices on the edge's device broker) driven by a scenario on a fast
// SimClock, the real EdgeAgent with its RulesRuntime on the same clock (the edge stamps samples
// with it), forwarding to a real server, which notifies a webhook receiver started by the test.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, loadEdgeConfig, loadProfiles, type EdgeConfig, type LoadedSite } from '@hallmon/firmware-config';
import { EdgeAgent, edgeRules } from '@hallmon/edge';
import { SimClock, getScenario, startSerialDevices, CounterDevices } from '@hallmon/simulators';
import { startTestServer, DEMO_GATEWAY, DEMO_SITE_FILE, type TestServer } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { demoWith, routes, startReceiver, type Receiver } from './harness.ts';
import type { RulesRuntime } from '@hallmon/rules';

export interface E2EOptions {
  scenario: string;
  /** Simulated start and incident, epoch ms (in the past: the server refuses future timestamps). */
  start: number;
  incidentAt: number;
  speed: number;
  serial?: boolean;
  counter?: boolean;
  /** An SMTP receiver: the server sends the machine room's alarms there too (an e-mail route). */
  mail?: { url: string; to: string[] };
}

export interface E2E {
  server: TestServer;
  token: string;
  rx: Receiver;
  rules: RulesRuntime;
  clock: { now(): number };
  site: LoadedSite;
  alarms(): Promise<any[]>;
  stop(): Promise<void>;
}

const PASSWORD = 'device-pw';

export async function startE2E(o: E2EOptions): Promise<E2E> {
  const stops: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  };
  try {
    const log = createLogger('e2e', process.env.HALLMON_LOG_LEVEL ?? 'warn');
    const dir = tempDir('hallmon-e2e-');
    stops.push(() => dir.remove());
    const rx = await startReceiver();
    stops.push(() => rx.stop());
    // Simulated time starts running only once everything is up (start-up takes real seconds, which
    // would be hours of simulated time at high speed); until then it stands at o.start.
    let sim: SimClock | undefined;
    const clock = { now: () => sim?.now() ?? o.start };
    // The server shares the simulated clock: its follow-up deadlines and reminders run on event time.
    const mailRoute = o.mail
      ? [{ id: 'netadmin-mail', format: 'email' as const, zoneKinds: ['machine-room' as const], to: o.mail.to }]
      : [];
    const server = await startTestServer({
      sites: demoWith({ notifications: [...routes(rx.url), ...mailRoute] }),
      notifyRetry: { tries: 3, baseDelayMs: 50, timeoutMs: 2000 },
      clock,
      ...(o.mail ? { smtpUrl: o.mail.url } : {}),
    });
    stops.push(() => server.stop());
    const token = await server.login();
    const profiles = loadProfiles();
    const site = demoWith({}).get('demo')!;
    const signals = getScenario(o.scenario)!.signals(site, 7, { incidentAt: o.incidentAt });

    const raw: EdgeConfig = {
      site: 'demo',
      siteConfig: DEMO_SITE_FILE,
      uplink: { url: server.mqttUrl!, ...DEMO_GATEWAY },
      dataDir: join(dir.path, 'edge'),
    };
    if (o.serial) {
      const serial = await startSerialDevices({ dir: join(dir.path, 'pty'), site, signals, clock, pollMs: 1000 });
      stops.push(() => serial.stop());
      Object.assign(raw, serial.edgeConfig);
    }
    const counterIds = ['eval-w01', 'eval-w02', 'eval-w03', 'eval-w04', 'queue-1'];
    if (o.counter) {
      raw.mqttDevices = {
        port: 0,
        host: '127.0.0.1',
        devices: counterIds.map((id) => ({
          id,
          profile: id.startsWith('queue') ? 'queue-mqtt' : 'evaluator-mqtt',
          zone: 'hall',
          password: PASSWORD,
        })),
      };
    }
    const file = join(dir.path, 'edge.json');
    writeFileSync(file, JSON.stringify(raw));
    const { config } = loadEdgeConfig(file, profiles);
    // Fast time: samples and device events reach the rules up to a few real seconds after their
    // simulated time, i.e. speed × seconds of event time; the watermark slack covers that.
    const rules = edgeRules({ site, profiles, dataDir: config.dataDir, log, clock, slackMs: 3_000 * o.speed })!;
    const agent = new EdgeAgent({ config, site, profiles, log, rules, clock, flushMs: 20 });
    await agent.start();
    stops.push(() => agent.stop());
    if (o.counter) {
      const devices = new CounterDevices({
        url: `mqtt://127.0.0.1:${agent.mqttDevicesPort}`,
        site,
        signals,
        password: PASSWORD,
        clock,
        log,
        tickMs: 100,
      });
      await devices.start();
      stops.push(() => devices.stop());
      // Connected before simulated time runs: at speed 60 the scenario's first minute is one real
      // second, and a device still connecting when its fault window opens was never online, so
      // its going away would be no status change at all (seen on a loaded machine).
      await waitFor(
        () => counterIds.every((id) => devices.isConnected(id)),
        'the counter devices to connect to the edge',
        30_000,
      );
    }
    sim = new SimClock({ start: o.start, speed: o.speed });
    return {
      server,
      token,
      rx,
      rules,
      clock,
      site,
      alarms: async () => (await server.get<any[]>('/api/alarms?site=demo&state=all', token)).body,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Shanghai wall-clock time of a day, epoch ms. */
export function shanghai(day: string, hhmm: string): number {
  return Date.parse(`${day}T${hhmm}:00+08:00`);
}

/** A site-local day some days before today, YYYY-MM-DD. */
export function daysAgo(n: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now() - n * 86_400_000);
}
