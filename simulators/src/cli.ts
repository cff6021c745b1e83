// `hallmon simulate`: the simulated hall. Live, it plays a scenario on real protocols (Modbus RTU
// and ASCII over socat ptys, counter devices over MQTT) on a simulated clock; with --backfill it
// publishes a scenario's history straight to a server broker as the site's gateway would, or with
// --data-dir writes it into a store through the StoreBackfill the server hands in (SimulateDeps).
import { resolve } from 'node:path';
import mqtt from 'mqtt';
import {
  UsageError,
  createLogger,
  intFlag,
  loadSite,
  loadSites,
  parseCommand,
  parseTimestamp,
  topics,
  type CommandSpec,
  type Logger,
  type ParsedFlags,
  type SiteConfig,
} from '@hallmon/firmware-config';
import { getScenario, listScenarios, type Scenario } from './scenarios/index.ts';
import { siteModel } from './scenarios/site-model.ts';
import { SimClock } from './clock.ts';
import { CounterDevices } from './mqtt/counter-devices.ts';
import { estimateReadings, generateHistory } from './history.ts';
import type { StoreBackfill } from './backfill-options.ts';
import { startSerialDevices } from './live-serial.ts';

const spec: CommandSpec = {
  name: 'simulate',
  summary: 'hallmon simulate: simulated devices speaking the real protocols, driven by seeded scenarios',
  usage:
    'hallmon simulate --list | --scenario NAME [--serial-dir DIR] [--devices-mqtt URL --device-password P] | --scenario NAME --backfill --from DATE --to DATE (--uplink URL --username U --password P | --data-dir DIR [--noise-step S])',
  flags: {
    list: { type: 'boolean', help: 'list the scenarios and exit' },
    scenario: { type: 'string', arg: 'NAME', help: 'scenario to run (see --list)' },
    seed: { type: 'string', arg: 'N', default: '1', help: 'random seed: the same seed gives the same data' },
    site: { type: 'string', arg: 'ID', default: 'demo', help: 'site id of a shipped site config' },
    'site-config': { type: 'string', arg: 'FILE', help: 'site config file to use instead of the shipped ones' },
    speed: {
      type: 'string',
      arg: 'N',
      default: '1',
      help: 'live clock speed: 1 = real time, 60 = a minute per second',
    },
    at: {
      type: 'string',
      arg: 'DATE',
      help: 'live: start the simulated clock here (ISO 8601 or YYYY-MM-DD site-local); default now, with the incident ~45 s after start',
    },
    duration: { type: 'string', arg: 'S', help: 'live: stop after S real seconds (default: run until Ctrl-C)' },
    'serial-dir': {
      type: 'string',
      arg: 'DIR',
      help: 'live: create socat pty pairs here and serve the Modbus bus and the sound level meter',
    },
    baud: { type: 'string', arg: 'N', default: '9600', help: 'live: baud rate of the simulated RS-485 bus' },
    'devices-mqtt': {
      type: 'string',
      arg: 'URL',
      help: "live: the edge's device broker; runs the evaluators and queue machine",
    },
    'device-password': { type: 'string', arg: 'P', help: 'live: password of every simulated counter device' },
    backfill: { type: 'boolean', help: 'publish history as the site gateway instead of running live' },
    from: { type: 'string', arg: 'DATE', help: 'backfill: start (ISO 8601 or YYYY-MM-DD site-local midnight)' },
    to: { type: 'string', arg: 'DATE', help: 'backfill: end, exclusive' },
    uplink: { type: 'string', arg: 'URL', help: 'backfill: server broker, e.g. mqtt://127.0.0.1:1883' },
    username: { type: 'string', arg: 'U', help: 'backfill: gateway username (demo: demo-gateway)' },
    password: { type: 'string', arg: 'P', help: 'backfill: gateway password' },
    batch: { type: 'string', arg: 'N', default: '5000', help: 'backfill: readings per message (500-5000)' },
    'data-dir': {
      type: 'string',
      arg: 'DIR',
      help: "backfill: write straight into the server's SQLite store in DIR (e.g. ./data/demo/server) instead of --uplink, with the year's incidents, then seal the days",
    },
    'noise-step': {
      type: 'string',
      arg: 'S',
      default: '1',
      help: 'backfill --data-dir: seconds between noise readings (1-60; 10 makes a year ~8x smaller and faster)',
    },
    incidents: {
      type: 'boolean',
      default: true,
      help: 'backfill --data-dir: place incidents (AC failures, loud mornings, a damp archive week, evaluator faults, unanswered bad ratings); --no-incidents for plain days',
    },
  },
  examples: [
    'hallmon simulate --list',
    'hallmon simulate --scenario loud-morning-peak --serial-dir /tmp/hall --devices-mqtt mqtt://127.0.0.1:1884 --device-password dev-secret',
    'hallmon simulate --scenario machine-room-ac-failure --at 2025-05-06T13:55:00+08:00 --speed 10 --serial-dir /tmp/hall',
    'hallmon simulate --scenario normal-day --backfill --from 2025-05-01 --to 2025-06-01 --uplink mqtt://127.0.0.1:1883 --username demo-gateway --password demo-gateway-secret',
    'hallmon simulate --scenario normal-day --backfill --from 2025-05-01 --to 2026-05-01 --data-dir ./data/demo/server --noise-step 10',
  ],
};

/** Live runs place the incident this long (real time) after start, so its effect shows quickly. */
const LIVE_LEAD_MS = 45_000;

/** What the simulate command needs from outside simulators: the server's store backfill. */
export interface SimulateDeps {
  backfillStore?: StoreBackfill;
}

export async function run(argv: string[], deps: SimulateDeps = {}): Promise<number> {
  const parsed = parseCommand(spec, argv);
  if (!parsed) return 0;
  const f = parsed.flags;
  if (f.list) {
    const w = Math.max(...listScenarios().map((s) => s.name.length)) + 2;
    for (const s of listScenarios()) process.stdout.write(`${s.name.padEnd(w)}${s.description}\n`);
    return 0;
  }
  const name = str(f.scenario);
  if (!name)
    throw new UsageError(
      `--scenario is required (one of: ${listScenarios()
        .map((s) => s.name)
        .join(', ')}), or --list`,
    );
  const scenario = getScenario(name);
  if (!scenario)
    throw new UsageError(
      `unknown scenario "${name}"; known scenarios: ${listScenarios()
        .map((s) => s.name)
        .join(', ')}`,
    );
  const seed = intFlag(f, 'seed', 0, 4_294_967_295) ?? 1;
  const site = pickSite(str(f.site) ?? 'demo', str(f['site-config']));
  const log = createLogger('simulate');
  try {
    return await (f.backfill ? backfill(scenario, site, seed, f, log, deps) : live(scenario, site, seed, f, log));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    // Environment problems (socat missing, broker unreachable): one clear line, no stack.
    process.stderr.write(`hallmon simulate: ${(err as Error).message}\n`);
    return 1;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function pickSite(id: string, file: string | undefined): SiteConfig {
  if (file) return loadSite(resolve(file));
  const sites = loadSites();
  const site = sites.get(id);
  if (!site)
    throw new UsageError(
      `unknown site "${id}" (shipped: ${[...sites.keys()].join(', ')}); pass --site-config FILE for another site`,
    );
  return site;
}

/** A DATE flag: ISO 8601 with offset, epoch ms, or YYYY-MM-DD meaning site-local midnight. */
function dateFlag(f: ParsedFlags, flag: string, site: SiteConfig): number | undefined {
  const v = str(f[flag]);
  if (v === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(v) && Number.isFinite(Date.parse(`${v}T00:00:00Z`)))
    return siteModel(site).midnight(v);
  const ms = parseTimestamp(/^\d+$/.test(v) ? Number(v) : v);
  if (ms === null)
    throw new UsageError(
      `--${flag} must be YYYY-MM-DD (site-local midnight) or ISO 8601 with an offset, e.g. 2025-05-06T09:30:00+08:00 (got "${v}")`,
    );
  return ms;
}

function speedFlag(f: ParsedFlags): number {
  const v = str(f.speed) ?? '1';
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 100_000)
    throw new UsageError(`--speed must be a positive number up to 100000 (got "${v}")`);
  return n;
}

async function live(scenario: Scenario, site: SiteConfig, seed: number, f: ParsedFlags, log: Logger): Promise<number> {
  const serialDir = str(f['serial-dir']);
  const devicesUrl = str(f['devices-mqtt']);
  if (!serialDir && !devicesUrl)
    throw new UsageError(
      'nothing to simulate: give --serial-dir DIR (Modbus bus and sound level meter) and/or --devices-mqtt URL (counter devices), or --backfill',
    );
  const devicePassword = str(f['device-password']);
  if (devicesUrl && !devicePassword)
    throw new UsageError(
      '--devices-mqtt needs --device-password (the password the edge config gives the counter devices)',
    );
  const speed = speedFlag(f);
  const at = dateFlag(f, 'at', site);
  const durationS = intFlag(f, 'duration', 1, 10_000_000);
  const baud = intFlag(f, 'baud', 300, 921_600) ?? 9600;
  const clock = new SimClock({ start: at, speed });
  if (devicesUrl && speed > 1)
    log.warn(
      'counter events carry simulated time: with --speed above 1 it overtakes real time, and the edge rejects events more than 5 minutes ahead; start in the past with --at',
    );
  const incidentAt = at === undefined ? clock.start + LIVE_LEAD_MS * speed : scenario.placeIncident(site, at);
  const signals = scenario.signals(site, seed, { from: clock.start, incidentAt });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `scenario ${scenario.name} (seed ${seed}) on site ${site.id}, clock ${new Date(clock.start).toISOString()} ×${speed}`,
  );
  if (signals.incidentAt !== undefined)
    out(`incident at ${siteModel(site).localIso(signals.incidentAt)} (simulated time)`);

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((err: Error) => log.warn({ err: err.message }, 'stop failed'));
  };
  try {
    if (serialDir) {
      const serial = await startSerialDevices({ dir: serialDir, site, signals, clock, baud });
      stops.push(() => serial.stop());
      for (const line of serial.describe()) out(line);
      out(`edge config (buses/serialMeters): ${JSON.stringify(serial.edgeConfig)}`);
    }
    if (devicesUrl) {
      const devices = new CounterDevices({ url: devicesUrl, site, signals, password: devicePassword!, clock, log });
      await devices.start();
      stops.push(() => devices.stop());
      out(`counter devices (${siteModel(site).counterDevices.join(', ')}) publishing to ${devicesUrl}`);
    }
    out('running; Ctrl-C to stop');
    await new Promise<void>((resolveWait) => {
      const done = () => resolveWait();
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
      if (durationS) setTimeout(done, durationS * 1000).unref();
    });
  } finally {
    await stopAll();
  }
  return 0;
}

async function backfill(
  scenario: Scenario,
  site: SiteConfig,
  seed: number,
  f: ParsedFlags,
  log: Logger,
  deps: SimulateDeps,
): Promise<number> {
  const from = dateFlag(f, 'from', site);
  const to = dateFlag(f, 'to', site);
  if (from === undefined || to === undefined) throw new UsageError('--backfill needs --from DATE and --to DATE');
  if (!(to > from)) throw new UsageError('--to must be after --from');
  const dataDir = str(f['data-dir']);
  if (dataDir) {
    if (!deps.backfillStore)
      throw new UsageError(
        "--data-dir needs the server's store writer: run it as `hallmon simulate`, not through the simulators package alone",
      );
    return backfillToStore(deps.backfillStore, scenario, site, seed, f, log, from, to, resolve(dataDir));
  }
  const url = str(f.uplink);
  const username = str(f.username);
  const password = str(f.password);
  if (!url || !username || !password)
    throw new UsageError('--backfill needs --uplink URL, --username U and --password P (the site gateway credential)');
  if (!/^(mqtt|mqtts|ws|wss|tcp):\/\//.test(url))
    throw new UsageError(`--uplink must be an mqtt:// (or mqtts/ws/wss) URL (got "${url}")`);
  const batchSize = intFlag(f, 'batch', 500, 5000) ?? 5000;
  if (to > Date.now() + 5 * 60_000)
    log.warn('history reaches more than 5 minutes into the future: the server will reject those readings');

  const client = await mqtt
    .connectAsync(url, {
      username,
      password,
      reconnectPeriod: 1_000,
      connectTimeout: 15_000,
      clientId: `hallmon-backfill-${site.id}-${process.pid}`,
    })
    .catch((err: Error) => {
      throw new Error(`cannot connect to ${url} as ${username}: ${err.message}`);
    });
  const opts = { scenario, site, seed, from, to, batchSize };
  const total = Math.max(1, estimateReadings(opts));
  const started = Date.now();
  let readings = 0;
  let events = 0;
  const report = progressLine(started);
  const progress = (final: boolean) => report(readings, events, total, final);
  // Keep several messages awaiting PUBACK at once: one at a time would be bound by the round trip.
  const inflight = new Set<Promise<unknown>>();
  const send = async (topic: string, payload: unknown[]) => {
    const p = client.publishAsync(topic, JSON.stringify(payload), { qos: 1 });
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    if (inflight.size >= 8) await Promise.race(inflight);
  };
  try {
    for await (const batch of generateHistory(opts)) {
      if (batch.readings.length) await send(topics.telemetry(site.id), batch.readings);
      if (batch.events.length) await send(topics.events(site.id), batch.events);
      readings += batch.readings.length;
      events += batch.events.length;
      progress(false);
    }
    await Promise.all(inflight);
  } finally {
    await client.endAsync().catch(() => undefined);
  }
  progress(true);
  process.stdout.write(
    `backfilled ${readings} readings and ${events} events for ${site.id} (${scenario.name}, seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

/** --backfill --data-dir: straight into the SQLite store (no broker), with a progress line on stderr. */
async function backfillToStore(
  backfillStore: StoreBackfill,
  scenario: Scenario,
  site: SiteConfig,
  seed: number,
  f: ParsedFlags,
  log: Logger,
  from: number,
  to: number,
  dataDir: string,
): Promise<number> {
  const noiseStepS = intFlag(f, 'noise-step', 1, 60) ?? 1;
  const started = Date.now();
  const report = progressLine(started);
  const r = await backfillStore({
    scenario,
    site,
    seed,
    from,
    to,
    dataDir,
    noiseStepS,
    incidents: f.incidents !== false,
    log,
    onProgress: ({ readings, events, total, final }) => {
      report(readings, events, total, final);
      if (final) process.stderr.write('sealing the days...\n');
    },
  });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(
    `backfilled ${r.readings} readings, ${r.events} events and ${r.statuses} status changes for ${site.id} (${scenario.name}, seed ${seed}, noise every ${noiseStepS} s) into ${dataDir} in ${r.seconds.toFixed(1)} s; ${r.sealedDays} days sealed; ${r.followups} bad ratings followed up`,
  );
  for (const i of r.incidents) out(`  incident ${i.scenario} at ${siteModel(site).localIso(i.at)}`);
  return 0;
}

/**
 * The backfill progress line on stderr (percent, counts, rate, ETA): rewritten in place on a
 * terminal four times a second, one line every 5 s into a log; the final call always prints.
 */
function progressLine(started: number): (readings: number, events: number, total: number, final: boolean) => void {
  let lastProgress = 0;
  const tty = process.stderr.isTTY;
  return (readings, events, total, final) => {
    const now = Date.now();
    if (!final && now - lastProgress < (tty ? 250 : 5_000)) return;
    lastProgress = now;
    const secs = Math.max(0.001, (now - started) / 1000);
    const rate = readings / secs;
    const pct = Math.min(100, (100 * readings) / total);
    const eta = rate > 0 ? Math.max(0, (total - readings) / rate) : 0;
    const line = `backfill ${pct.toFixed(1)} %  ${readings.toLocaleString('en')} readings  ${events.toLocaleString('en')} events  ${Math.round(rate).toLocaleString('en')} readings/s  ETA ${fmtDuration(final ? 0 : eta)}`;
    process.stderr.write(tty ? `\r${line.padEnd(100)}${final ? '\n' : ''}` : `${line}\n`);
  };
}

function fmtDuration(s: number): string {
  const t = Math.round(s);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(t % 60).padStart(2, '0')}`;
}
