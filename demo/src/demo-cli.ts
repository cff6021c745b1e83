// `hallmon demo` (what `npm start` runs): the whole product on embedded defaults in one command.
// The server (embedded aedes + SQLite) runs in this process; the simulated devices of the `demo`
// site speak their real protocols (Modbus RTU and ASCII over socat pseudo-terminals, evaluators and
// a queue machine over MQTT); and a real `hallmon edge` child process reads them and forwards to the
// server, exactly as in a hall. The edge is configured by the server (hallmon edge --server): the
// demo only writes where its simulated devices are (the pty paths, the device port) into the site's
// configuration, so devices added or changed in 设备管理 reach the running edge. It prints the URL
// and the login, and stops everything on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createLogger,
  intFlag,
  loadProfiles,
  loadSites,
  parseCommand,
  UsageError,
  type CommandSpec,
  type EdgeConfig,
  type LoadedSite,
  type SiteConfig,
} from '@hallmon/firmware-config';
import { CounterDevices, getScenario, listScenarios, realClock, startSerialDevices } from '@hallmon/simulators';
import { startServer, type RunningServer } from '@hallmon/server';
import { startEdgeChild, type EdgeChild } from './demo-edge.ts';
import { DemoGateway } from './demo-sites.ts';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'hallmon demo: server + edge agent + simulated devices on embedded defaults (what npm start runs).',
  usage:
    'hallmon demo [--http-port N] [--mqtt-port N] [--device-port N] [--data-dir DIR] [--scenario NAME] [--seed N] [--fresh]',
  flags: {
    'http-port': { type: 'string', arg: 'N', default: '8080', help: 'HTTP port of the API and dashboard' },
    'mqtt-port': { type: 'string', arg: 'N', default: '1883', help: "port of the server's embedded MQTT broker" },
    'device-port': {
      type: 'string',
      arg: 'N',
      default: '1884',
      help: "port of the edge's broker for hall devices (evaluators, queue machine)",
    },
    host: {
      type: 'string',
      arg: 'ADDR',
      default: '127.0.0.1',
      help: 'address the server listens on (0.0.0.0 to reach it from other machines)',
    },
    'data-dir': {
      type: 'string',
      arg: 'DIR',
      default: './data/demo',
      help: 'where the demo keeps its database, outbox and pseudo-terminals',
    },
    scenario: {
      type: 'string',
      arg: 'NAME',
      default: 'machine-room-ac-failure',
      help: 'simulator scenario (hallmon simulate --list)',
    },
    seed: { type: 'string', arg: 'N', default: '1', help: 'random seed of the simulated devices' },
    fresh: { type: 'boolean', help: 'delete the demo data folder first' },
  },
  examples: [
    'npm start',
    'hallmon demo --http-port 9080 --mqtt-port 11883 --device-port 11884',
    'hallmon demo --scenario loud-morning-peak --fresh',
  ],
};

const DEMO_SITE = 'demo';
/** The demo gateway credential, documented in the README so a person can publish by hand. */
const DEMO_GATEWAY = { username: 'demo-gateway', password: 'demo-gateway-secret' };
/** The simulated evaluators' and queue machine's device credential on the edge (demo only, documented). */
const DEMO_DEVICE_SECRET = 'demo-device-secret';
/**
 * The district's other demo halls (firmware-config/sites/qingpu-*.json): no edge, a third-party
 * gateway publishes straight to the server. Plain secrets here match the hashes in those files and
 * are documented in the README (demo only).
 */
const OTHER_GATEWAYS: Record<string, { username: string; password: string }> = {
  'qingpu-xiayang': { username: 'xiayang-gateway', password: 'xiayang-gateway-secret' },
  'qingpu-zhujiajiao': { username: 'zhujiajiao-gateway', password: 'zhujiajiao-gateway-secret' },
};

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) return 0;
  const f = parsed.flags;
  const httpPort = intFlag(f, 'http-port', 1, 65_535)!;
  const mqttPort = intFlag(f, 'mqtt-port', 1, 65_535)!;
  const devicePort = intFlag(f, 'device-port', 1, 65_535)!;
  const seed = intFlag(f, 'seed', 0, 2 ** 31 - 1)!;
  if (new Set([httpPort, mqttPort, devicePort]).size !== 3)
    throw new UsageError('--http-port, --mqtt-port and --device-port must differ');
  const scenario = getScenario(String(f.scenario));
  if (!scenario)
    throw new UsageError(
      `unknown scenario "${String(f.scenario)}"; known: ${listScenarios()
        .map((s) => s.name)
        .join(', ')}`,
    );
  requireSocat();

  const dataDir = resolve(String(f['data-dir']));
  if (f.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const log = createLogger('hallmon-demo', process.env.HALLMON_LOG_LEVEL ?? 'warn');
  const out = (s: string) => process.stdout.write(`${s}\n`);

  const profiles = loadProfiles();
  // The shipped sites seed the server's configuration on the demo's first start; after that the
  // server's store (changes made in the dashboard) is what runs.
  const shipped = loadSites(undefined, profiles);
  if (!shipped.has(DEMO_SITE))
    throw new Error(`the shipped site config "${DEMO_SITE}" is missing from firmware-config/sites`);

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((err: Error) => log.warn({ err: err.message }, 'stop failed'));
  };
  try {
    const adminPassword = demoAdminPassword(dataDir);
    const server = await startServer({
      dataDir: join(dataDir, 'server'),
      httpPort,
      mqttPort,
      host: String(f.host),
      sites: shipped,
      adminPassword,
      log,
      print: () => undefined,
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE')
        throw new UsageError(
          `a port is already in use (${err.message}); stop the other program or pick free ports with --http-port/--mqtt-port`,
        );
      throw err;
    });
    stops.push(() => server.stop());
    const sites = server.config.live.sites;
    let site = sites.get(DEMO_SITE);
    if (!site)
      throw new UsageError(
        `the demo's data folder ${dataDir} has no site "${DEMO_SITE}" (removed in the dashboard?): roll it back with 'hallmon config rollback --data-dir ${join(dataDir, 'server')} --site ${DEMO_SITE} --version N', or start with --fresh`,
      );

    const signals = scenario.signals(site, seed, { from: realClock.now(), incidentAt: realClock.now() + 45_000 });
    const serial = await startSerialDevices({ dir: join(dataDir, 'pty'), site, signals, clock: realClock });
    stops.push(() => serial.stop());
    site = await placeDevices(server, site, serial.edgeConfig, devicePort);
    await ensureDeviceCredentials(server, site);

    const edge: EdgeChild = await startEdgeChild(
      {
        server: `mqtt://127.0.0.1:${mqttPort}`,
        site: DEMO_SITE,
        ...DEMO_GATEWAY,
        dataDir: join(dataDir, 'edge'),
      },
      log,
    );
    stops.push(() => edge.stop());

    await waitForPort(devicePort);
    const devices = new CounterDevices({
      url: `mqtt://127.0.0.1:${devicePort}`,
      site,
      signals,
      password: DEMO_DEVICE_SECRET,
      log,
    });
    await devices.start();
    stops.push(() => devices.stop());

    const gateways: Array<{ site: LoadedSite; username: string; password: string }> = [];
    for (const [id, cred] of Object.entries(OTHER_GATEWAYS)) {
      const other = sites.get(id);
      if (!other) continue;
      const gw = new DemoGateway({
        mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
        site: other,
        ...cred,
        seed: seed + gateways.length + 1,
        log,
      });
      await gw.start();
      stops.push(() => gw.stop());
      gateways.push({ site: other, ...cred });
    }

    const url = `http://${String(f.host) === '0.0.0.0' ? 'localhost' : String(f.host)}:${httpPort}`;
    out('');
    out(`hallmon demo is running: ${url}`);
    out(`  login          admin / ${adminPassword}`);
    out(`  site           ${site.id} (${site.name}), scenario ${scenario.name}: ${scenario.title}`);
    out(`  MQTT           mqtt://127.0.0.1:${mqttPort}  gateway ${DEMO_GATEWAY.username} / ${DEMO_GATEWAY.password}`);
    for (const g of gateways)
      out(
        `  site           ${g.site.id} (${g.site.name}): gateway ${g.username} / ${g.password} publishes straight to the server`,
      );
    for (const line of serial.describe()) out(`  ${line}`);
    out(`  counter devices on the edge's broker mqtt://127.0.0.1:${devicePort} (device id / ${DEMO_DEVICE_SECRET})`);
    out(
      `  edge agent     pid ${edge.pid}, configured by the server (site ${site.id} v${server.config.live.version(site.id)?.version ?? '?'}; 设备管理 in the dashboard)`,
    );
    out(`  data           ${dataDir}`);
    out('Ctrl-C to stop.');

    await new Promise<void>((resolveWait) => {
      process.once('SIGINT', () => resolveWait());
      process.once('SIGTERM', () => resolveWait());
      edge.exited.then((code) => {
        log.error({ code }, 'the edge agent exited');
        process.stderr.write(
          `hallmon demo: the edge agent exited (${String(code)}); see the log lines above. Stopping.\n`,
        );
        resolveWait();
      });
    });
    out('stopping ...');
  } finally {
    await stopAll();
  }
  out('hallmon demo stopped');
  return 0;
}

/** The edge opens its device broker after its serial drivers; devices connect once it listens. */
async function waitForPort(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline) throw new Error(`the edge's device broker did not open port ${port} within 30 s`);
    await sleep(100);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolveConnect(true)));
    s.once('error', () => resolveConnect(false));
  });
}

function requireSocat(): void {
  const probe = spawnSync('socat', ['-V'], { stdio: 'ignore' });
  if (probe.error)
    throw new UsageError(
      'the demo simulates serial devices on pseudo-terminals and needs socat: install it (Debian/Ubuntu: sudo apt-get install socat) and run npm start again',
    );
}

/** HALLMON_ADMIN_PASSWORD, or the one the demo generated on its first start (kept in its data folder). */
function demoAdminPassword(dataDir: string): string {
  const file = join(dataDir, 'admin-password.txt');
  if (process.env.HALLMON_ADMIN_PASSWORD) return process.env.HALLMON_ADMIN_PASSWORD;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const pw = randomBytes(9).toString('base64url');
  writeFileSync(file, `${pw}\n`, { mode: 0o600 });
  return pw;
}

/**
 * Writes where the simulated devices are into the demo site's configuration: one bus with the
 * simulated transmitters at their unit ids, each sound level meter's port, and the edge's device
 * port. Unchanged on a restart with the same folder and ports (then no new version is made).
 */
async function placeDevices(
  server: RunningServer,
  site: SiteConfig,
  serial: Pick<EdgeConfig, 'buses' | 'serialMeters'>,
  devicePort: number,
): Promise<LoadedSite> {
  const bus = serial.buses?.[0];
  const units = new Map(bus?.devices.map((d) => [d.id, d.unitId]) ?? []);
  const meters = new Map(serial.serialMeters?.map((m) => [m.id, m]) ?? []);
  await server.config.editor.edit(
    site.id,
    (s) => {
      s.edge = {
        ...(bus
          ? { buses: [{ id: 'demo-bus', name: '演示总线（模拟）', port: bus.port, baudRate: bus.baudRate ?? 9600 }] }
          : {}),
        mqttDevices: { port: devicePort, host: '127.0.0.1' },
      };
      for (const z of s.zones)
        for (const d of z.devices) {
          const unit = units.get(d.id);
          if (unit !== undefined) {
            d.bus = 'demo-bus';
            d.unitId = unit;
          }
          const m = meters.get(d.id);
          if (m) d.serial = { port: m.port, ...(m.baudRate !== undefined ? { baudRate: m.baudRate } : {}) };
        }
    },
    'demo',
    { note: "the demo's simulated devices" },
  );
  await server.config.live.refresh();
  return server.config.live.sites.get(site.id)!;
}

/** A device credential with the demo's documented secret for every MQTT device that has none. */
async function ensureDeviceCredentials(server: RunningServer, site: SiteConfig): Promise<void> {
  const profiles = loadProfiles();
  const have = new Set(
    (await server.config.store.credentials({ site: site.id, active: true })).flatMap((c) =>
      c.device ? [c.device] : [],
    ),
  );
  for (const z of site.zones)
    for (const d of z.devices)
      if (profiles.get(d.profile)?.transport === 'mqtt' && !have.has(d.id))
        await server.config.editor.newCredential(
          { site: site.id, device: d.id, secret: DEMO_DEVICE_SECRET, note: 'demo device' },
          'demo',
        );
  await server.config.live.refresh();
}
