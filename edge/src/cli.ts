// `hallmon edge --config FILE`: loads and checks the edge config (every problem at once, exit 2),
// makes sure the data folder is writable, runs the agent until SIGINT/SIGTERM and stops it cleanly
// so that everything read is in the outbox before the process exits. `hallmon edge --server URL
// --site ID --username U --password P` runs an edge configured by the server instead
// (remote-config.ts): it fetches its devices, buses and rules over its uplink. A local --config file
// wins over the server's configuration, and the edge tells the server so.
import { accessSync, constants, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import {
  ConfigError,
  createLogger,
  intFlag,
  loadEdgeConfig,
  loadProfiles,
  parseCommand,
  SITE_ID_PATTERN,
  topics,
  UsageError,
  type CommandSpec,
  type EdgeConfig,
  type EdgeConfigState,
  type Logger,
  type ParsedFlags,
} from '@hallmon/firmware-config';
import { safeUrl } from './uplink.ts';

export const spec: CommandSpec = {
  name: 'edge',
  summary:
    'The hall edge agent: reads serial and MQTT devices, keeps every reading in a durable outbox, forwards it to the server.',
  usage:
    'hallmon edge --config FILE [--health-port N]\n       hallmon edge --server URL --site ID --username U --password P [--data-dir DIR] [--ca FILE] [--health-port N]',
  // short and multiple are spelled out: cli-args passes them to util.parseArgs, which rejects undefined.
  flags: {
    config: {
      type: 'string',
      short: 'c',
      multiple: false,
      arg: 'FILE',
      help: 'edge config (JSON or YAML); relative paths in it resolve against its folder',
    },
    'health-port': {
      type: 'string',
      short: 'p',
      multiple: false,
      arg: 'N',
      help: 'serve GET /health on 127.0.0.1:N (overrides healthPort; 0 = off)',
    },
    server: {
      type: 'string',
      multiple: false,
      arg: 'URL',
      help: "the server's MQTT address (mqtt://host:1883, mqtts://, ws://host:8080/mqtt): run with the configuration the server keeps for --site",
    },
    site: { type: 'string', multiple: false, arg: 'ID', help: 'the site this edge serves (with --server)' },
    username: { type: 'string', multiple: false, arg: 'U', help: "the site's gateway username (with --server)" },
    password: {
      type: 'string',
      multiple: false,
      arg: 'P',
      help: 'its password (with --server; HALLMON_PASSWORD keeps it off the command line)',
    },
    'data-dir': {
      type: 'string',
      multiple: false,
      arg: 'DIR',
      help: 'outbox, rule state and the last configuration received (with --server)',
      default: './data/edge',
    },
    ca: {
      type: 'string',
      multiple: false,
      arg: 'FILE',
      help: 'CA certificate (PEM) for mqtts with a private CA (with --server)',
    },
  },
  examples: [
    'hallmon edge --config /etc/hallmon/edge.json',
    'HALLMON_CONFIG=edge.yaml hallmon edge --health-port 9102',
    'HALLMON_PASSWORD=... hallmon edge --server mqtt://10.0.0.5:1883 --site demo --username demo-gateway --data-dir /var/lib/hallmon-edge',
    // The edge runs from a bundle (bin/edge-bundle.js) rebuilt when a source is newer; this is the escape hatch.
    'HALLMON_EDGE_FROM_SOURCE=1 hallmon edge -c edge.json   # run the TypeScript sources through tsx (debugging)',
    // Interpreter-only by default to keep a hall PC's memory low (docs/benchmarks.md, "Edge agent").
    "HALLMON_EDGE_JIT=1 hallmon edge -c edge.json   # keep V8's optimising compilers (sites with thousands of readings/s)",
  ],
};

/** The config with dataDir, serial port paths and the CA file resolved against the config's folder. */
export function resolvePaths(config: EdgeConfig, configFile: string): EdgeConfig {
  const base = dirname(resolve(configFile));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...config,
    dataDir: abs(config.dataDir),
    uplink: { ...config.uplink, ...(config.uplink.ca ? { ca: abs(config.uplink.ca) } : {}) },
    ...(config.buses ? { buses: config.buses.map((b) => ({ ...b, port: abs(b.port) })) } : {}),
    ...(config.serialMeters ? { serialMeters: config.serialMeters.map((m) => ({ ...m, port: abs(m.port) })) } : {}),
  };
}

/** Creates dataDir and proves it is writable, or says what to fix. */
function checkDataDir(dir: string, what: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    const probe = join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    return undefined;
  } catch (err) {
    return `the data folder ${dir} (${what}) cannot be created or written: ${(err as Error).message}. Point it at a writable folder or fix its permissions.`;
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) return 0;
  const configArg = parsed.flags.config;
  const healthPort = intFlag(parsed.flags, 'health-port', 0, 65_535);
  const str = (name: string) =>
    typeof parsed.flags[name] === 'string' && parsed.flags[name] !== '' ? (parsed.flags[name] as string) : undefined;
  if ((typeof configArg !== 'string' || !configArg) && str('server') !== undefined)
    return runRemote(parsed.flags, healthPort);
  if (typeof configArg !== 'string' || !configArg)
    throw new UsageError(
      `--config FILE is required (or set HALLMON_CONFIG), or --server URL --site ID --username U --password P for an edge configured by the server\nRun 'hallmon edge --help' for the options.`,
    );
  const file = resolve(configArg);

  let loaded;
  let profiles;
  try {
    profiles = loadProfiles();
    loaded = loadEdgeConfig(file, profiles);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `hallmon edge: ${err.message}\nFix these in the edge config (or the site config it names) and start again.\n`,
      );
      return 2;
    }
    throw err;
  }
  const config = resolvePaths(loaded.config, file);
  const dirProblem = checkDataDir(config.dataDir, `dataDir in ${file}`);
  if (dirProblem) {
    process.stderr.write(`hallmon edge: ${dirProblem}\n`);
    return 2;
  }

  const log = createLogger('edge');
  if (str('server') !== undefined)
    log.warn(
      { config: file },
      '--server is ignored: the local edge config wins over the configuration the server keeps',
    );
  // Last line of defence: a driver library rejecting a promise nobody awaits (modbus-serial can)
  // must not take the whole agent and its buffered readings down.
  const onRejection = (reason: unknown) => log.error({ err: String(reason) }, 'unhandled rejection (kept running)');
  process.on('unhandledRejection', onRejection);

  // Loaded only now: --help and config errors answer without opening serial or MQTT libraries.
  const { EdgeAgent } = await import('./agent.ts');
  const { edgeRules } = await import('./edge-rules.ts');
  // Exactly one place evaluates each sensor: no rules here when the site says rulesAt: 'server'.
  const rules = edgeRules({
    site: loaded.site,
    profiles,
    dataDir: config.dataDir,
    log: log.child({ component: 'rules' }),
  });
  const agent = new EdgeAgent({ config, site: loaded.site, profiles, log, healthPort, ...(rules ? { rules } : {}) });
  // The server shows that this edge runs a local file (its configuration is not the server's).
  agent.configStatus = { mode: 'local', file };
  agent.uplink.setRetained(topics.configState(config.site), JSON.stringify(localState()));
  try {
    await agent.start();
  } catch (err) {
    process.off('unhandledRejection', onRejection);
    process.stderr.write(`hallmon edge: could not start: ${(err as Error).message}\n`);
    log.flush();
    return 1;
  }
  const ob = agent.outbox.stats();
  log.info(
    {
      site: config.site,
      devices: agent.driverSummary(),
      uplink: safeUrl(config.uplink.url),
      outbox: { queued: ob.count, file: agent.outbox.file },
      rules: rules ? `on the edge (state ${rules.stateWhere})` : 'on the server (site rulesAt: server)',
      health: agent.healthPort ? `http://127.0.0.1:${agent.healthPort}/health` : 'off',
      ...(agent.mqttDevicesPort !== undefined ? { mqttDevicesPort: agent.mqttDevicesPort } : {}),
    },
    `edge agent for site ${config.site} started`,
  );

  await untilSignal(log, () => agent.stop());
  process.off('unhandledRejection', onRejection);
  return 0;
}

/** The retained state of a locally configured edge (schemas/remote-config.ts). */
function localState(): EdgeConfigState {
  return { mode: 'local', state: 'local', running: null, digest: null, received: null, ts: new Date().toISOString() };
}

/** Waits for SIGINT/SIGTERM, then stops; a second signal means "now" (the outbox is safe either way). */
async function untilSignal(log: Logger, stop: () => Promise<void>): Promise<void> {
  const signal = await new Promise<NodeJS.Signals>((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal('SIGINT'));
    process.once('SIGTERM', () => resolveSignal('SIGTERM'));
  });
  log.info({ signal }, 'stopping: finishing reads, flushing the outbox');
  const force = () => process.exit(130);
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await stop();
  log.info('edge agent stopped');
  log.flush();
  // Everything is closed; should a library still hold a handle, do not hang the service manager.
  setTimeout(() => process.exit(0), 5000).unref();
}

/** `hallmon edge --server URL --site ID --username U --password P`: configured by the server. */
async function runRemote(flags: ParsedFlags, healthPort: number | undefined): Promise<number> {
  const str = (name: string) =>
    typeof flags[name] === 'string' && flags[name] !== '' ? (flags[name] as string) : undefined;
  const server = str('server')!;
  if (!/^(mqtt|mqtts|ws|wss|tcp):\/\//.test(server))
    throw new UsageError(`--server must be the server's MQTT address, e.g. mqtt://10.0.0.5:1883 (got "${server}")`);
  const site = str('site');
  if (!site || !new RegExp(SITE_ID_PATTERN).test(site))
    throw new UsageError(`--server needs --site ID, the site this edge serves (1-40 of a-z, 0-9, -)`);
  const username = str('username');
  const password = str('password');
  if (!username || !password)
    throw new UsageError(
      `--server needs the site's gateway credential: --username U and --password P (or HALLMON_PASSWORD); 'hallmon credential new --site ${site}' makes one`,
    );
  const ca = str('ca') ? resolve(str('ca')!) : undefined;
  const dataDir = resolve(str('data-dir') ?? './data/edge');
  const dirProblem = checkDataDir(dataDir, '--data-dir');
  if (dirProblem) {
    process.stderr.write(`hallmon edge: ${dirProblem}\n`);
    return 2;
  }
  const log = createLogger('edge');
  const onRejection = (reason: unknown) => log.error({ err: String(reason) }, 'unhandled rejection (kept running)');
  process.on('unhandledRejection', onRejection);
  const { RemoteConfig } = await import('./remote-config.ts');
  const remote = new RemoteConfig({
    site,
    base: { uplink: { url: server, username, password, ...(ca ? { ca } : {}) }, dataDir },
    profiles: loadProfiles(),
    log,
    ...(healthPort !== undefined ? { healthPort } : {}),
  });
  try {
    await remote.start();
  } catch (err) {
    process.off('unhandledRejection', onRejection);
    process.stderr.write(`hallmon edge: could not start: ${(err as Error).message}\n`);
    log.flush();
    return 1;
  }
  const st = remote.status;
  log.info(
    {
      site,
      uplink: safeUrl(server),
      config:
        st.running === null
          ? 'waiting for the server'
          : `version ${st.running} (saved; the server may send a newer one)`,
      outbox: { queued: remote.agent.outbox.stats().count, file: remote.agent.outbox.file },
      health: remote.agent.healthPort ? `http://127.0.0.1:${remote.agent.healthPort}/health` : 'off',
    },
    `edge agent for site ${site} started; its configuration comes from the server`,
  );
  await untilSignal(log, () => remote.stop());
  process.off('unhandledRejection', onRejection);
  return 0;
}
