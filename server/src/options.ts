// `hallmon server` options (docs/contract.md, "CLI"): every flag with its HALLMON_* twin, validated up
// front so a bad value fails at start-up naming the flag, before any port is opened.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LOG_FLAGS, UsageError, intFlag, type CommandSpec, type ParsedFlags } from '@hallmon/firmware-config';
import { STATE_FLAG, stateFlag } from './state/index.ts';

export interface TlsFiles {
  cert: string;
  key: string;
}

export interface ServerOptions {
  httpPort: number;
  mqttPort: number;
  host: string;
  dataDir: string;
  store: 'sqlite' | 'influxdb';
  influxUrl?: string;
  /** External broker URL: ingest subscribes there instead of embedding aedes. */
  broker?: string;
  brokerUsername?: string;
  brokerPassword?: string;
  /** Site config files: they seed an empty config store, later imported when changed (config/config-seed.ts). */
  config: string[];
  tls?: TlsFiles;
  maxPayload: number;
  retentionDays: number;
  /** MQTT over WebSocket at /mqtt on the HTTP port. */
  mqttWs: boolean;
  /** PostgreSQL URL of the state backend; undefined: SQLite files in dataDir. */
  state?: string;
  /** Shared-subscription group with the other servers on the same --broker and --state. */
  shareGroup?: string;
  /** Duty lease time, ms (how long a dead server's duties wait before another takes them). */
  leaseTtlMs?: number;
  /** Ingest connections to the broker in a group (the same on every server of the group). */
  ingestConnections?: number;
  /** SMTP relay for e-mail notification routes (smtp:// or smtps://, credentials in the URL). */
  smtpUrl?: string;
  /** From address of alarm e-mail (default hallmon@<relay host>). */
  smtpFrom?: string;
  /** The scheduled reports file; undefined = the shipped firmware-config/reports/schedule.json. */
  reports?: string;
  /** The address people reach the server at, for links in notifications and report messages. */
  publicUrl?: string;
  /** The folder of the sites' Ed25519 signing keys; undefined = DATA-DIR/keys. */
  signingKeys?: string;
  /** Where each sealed day's signed digests are posted (a district server's /api/digests). */
  publishDigests: string[];
  /** Bearer token GET /metrics asks for; none: open, as Prometheus scrapers expect. */
  metricsToken?: string;
  /** influxd's RPC address (backups of an InfluxDB store). */
  influxRpc?: string;
  /** Scheduled backups: folder, interval, how many kept. */
  backup?: { dir: string; everyMs: number; keep: number };
}

export const serverCommand: CommandSpec = {
  name: 'server',
  summary: 'The hallmon server: MQTT ingest, time-series store, HTTP API, live push.',
  usage: 'hallmon server [options]',
  flags: {
    'http-port': {
      type: 'string',
      arg: 'N',
      help: 'HTTP(S) port for the API, dashboard, socket.io and MQTT over WebSocket',
      default: '8080',
    },
    'mqtt-port': {
      type: 'string',
      arg: 'N',
      help: 'port of the embedded MQTT broker (mqtts when TLS is set); 0 = none',
      default: '1883',
    },
    host: { type: 'string', arg: 'ADDR', help: 'address to listen on', default: '0.0.0.0' },
    'data-dir': {
      type: 'string',
      arg: 'DIR',
      help: 'where the store, users and token secret live',
      default: './data/server',
    },
    store: { type: 'string', arg: 'KIND', help: 'time-series store: sqlite or influxdb', default: 'sqlite' },
    'influx-url': {
      type: 'string',
      arg: 'URL',
      help: 'InfluxDB 1.x URL for --store influxdb, e.g. http://127.0.0.1:8086/hallmon',
    },
    broker: {
      type: 'string',
      arg: 'URL',
      help: 'use this external MQTT broker instead of the embedded one (it does the ACL)',
    },
    'broker-username': { type: 'string', arg: 'USER', help: 'username for --broker' },
    'broker-password': { type: 'string', arg: 'PASS', help: 'password for --broker' },
    config: {
      type: 'string',
      arg: 'FILE',
      multiple: true,
      help: 'site config file (repeatable): seeds the configuration store on the first start, and is imported again as a new version only when its content changed; default on the first start: the shipped demo sites',
    },
    'tls-cert': { type: 'string', arg: 'FILE', help: 'PEM certificate: serve HTTPS and mqtts' },
    'tls-key': { type: 'string', arg: 'FILE', help: 'PEM private key for --tls-cert' },
    'max-payload': {
      type: 'string',
      arg: 'BYTES',
      help: 'largest MQTT payload accepted',
      default: String(1024 * 1024),
    },
    'retention-days': {
      type: 'string',
      arg: 'N',
      help: 'days of raw readings kept (rollups are kept for ever)',
      default: '400',
    },
    state: STATE_FLAG,
    'share-group': {
      type: 'string',
      arg: 'NAME',
      help: 'run as one of a group of servers: subscribe to --broker as $share/NAME/hallmon/v1/+/# (MQTT 5) so each message is stored by one server; needs --broker and --state postgres://…',
    },
    'ingest-connections': {
      type: 'string',
      arg: 'N',
      help: 'with --share-group: connections each server takes its share of the messages on (each stores one message per store round trip); the same on every server of the group',
      default: '8',
    },
    'lease-ttl': {
      type: 'string',
      arg: 'SECONDS',
      help: "with --state postgres: how long a server's duties (server-side rules, notifications, seals) wait for it before another server of the group takes them",
      default: '9',
    },
    'smtp-url': {
      type: 'string',
      arg: 'URL',
      help: 'SMTP relay for e-mail notification routes, e.g. smtp://hallmon:secret@mail.example.cn:587 (smtps:// for TLS on connect)',
    },
    'smtp-from': { type: 'string', arg: 'ADDR', help: 'From address of alarm e-mail (default hallmon@<relay host>)' },
    reports: {
      type: 'string',
      arg: 'FILE',
      help: 'scheduled reports (plans, keep, routes of the district packs); default: the shipped schedule',
    },
    'public-url': {
      type: 'string',
      arg: 'URL',
      help: 'the address people open the dashboard at, for links sent to robots (default: this server on 127.0.0.1)',
    },
    'signing-keys': {
      type: 'string',
      arg: 'DIR',
      help: "folder of the sites' Ed25519 keys that sign day links and packs (made on first use); keep it outside --data-dir. Default DATA-DIR/keys",
    },
    'publish-digests': {
      type: 'string',
      arg: 'URL',
      multiple: true,
      help: "post each sealed day's signed digests here as they are made, e.g. https://district.example/api/digests (repeatable)",
    },
    'mqtt-ws': {
      type: 'boolean',
      help: 'serve MQTT over WebSocket at /mqtt on the HTTP port; on by default, --no-mqtt-ws or HALLMON_MQTT_WS=0 turns it off',
      default: true,
    },
    'metrics-token': {
      type: 'string',
      arg: 'TOKEN',
      help: 'ask Prometheus for Authorization: Bearer TOKEN on GET /metrics (default: open, counts only)',
    },
    'influx-rpc': {
      type: 'string',
      arg: 'HOST:PORT',
      help: "influxd's RPC address, for backups of --store influxdb (default the URL's host, port 8088)",
    },
    'backup-dir': {
      type: 'string',
      arg: 'DIR',
      help: 'write scheduled backups (hallmon backup) into this folder',
    },
    'backup-every': {
      type: 'string',
      arg: 'TIME',
      help: 'with --backup-dir: how often, e.g. 24h, 6h, 30m',
      default: '24h',
    },
    'backup-keep': { type: 'string', arg: 'N', help: 'with --backup-dir: backups kept', default: '14' },
    ...LOG_FLAGS,
  },
  examples: [
    'hallmon server',
    'hallmon server --http-port 8080 --mqtt-port 1883 --data-dir /var/lib/hallmon',
    'hallmon server --store influxdb --influx-url http://127.0.0.1:8086/hallmon',
    'hallmon server --broker mqtt://broker.local:1883 --broker-username hallmon --broker-password secret',
    'hallmon server --broker mqtt://broker.local:1883 --share-group hallmon --state postgres://hallmon:secret@db.local:5432/hallmon --store influxdb --influx-url http://influx.local:8086/hallmon',
    'HALLMON_SMTP_URL=smtp://hallmon:secret@mail.example.cn:587 hallmon server --smtp-from hallmon@example.cn',
    'hallmon server --signing-keys /etc/hallmon/keys --publish-digests https://district.example/api/digests',
  ],
};

function str(flags: ParsedFlags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function url(flags: ParsedFlags, name: string, protocols: string[]): string | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new UsageError(`--${name} must be a URL such as ${protocols[0]}//host:port (got "${v}")`);
  }
  if (!protocols.includes(u.protocol))
    throw new UsageError(`--${name} must use ${protocols.map((p) => p.replace(':', '')).join(' or ')} (got "${v}")`);
  return v;
}

/** Every URL of a repeatable flag, each checked. */
function urls(flags: ParsedFlags, name: string): string[] {
  const v = flags[name];
  const list = Array.isArray(v) ? v : typeof v === 'string' && v !== '' ? [v] : [];
  return list.map((u) => url({ [name]: u }, name, ['http:', 'https:'])!);
}

function readable(flag: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const full = resolve(file);
  if (!existsSync(full)) throw new UsageError(`--${flag}: file not found: ${full}`);
  try {
    readFileSync(full);
  } catch (err) {
    throw new UsageError(`--${flag}: cannot read ${full}: ${(err as Error).message}`);
  }
  return full;
}

/** "24h", "30m", "7d" in ms, or a UsageError naming the flag. */
export function durationFlag(flags: ParsedFlags, name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const m = /^(\d+)\s*(m|h|d)$/.exec(v);
  const ms = m ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'] : 0;
  if (!ms || ms < 60_000) throw new UsageError(`--${name} must be a time such as 24h, 6h or 30m (got "${v}")`);
  return ms;
}

function backupSchedule(flags: ParsedFlags): ServerOptions['backup'] {
  const dir = str(flags, 'backup-dir');
  if (!dir) return undefined;
  return {
    dir: resolve(dir),
    everyMs: durationFlag(flags, 'backup-every') ?? 86_400_000,
    keep: intFlag(flags, 'backup-keep', 1, 10_000) ?? 14,
  };
}

/** Turns parsed flags into options, or throws a UsageError naming the bad flag. */
export function serverOptions(flags: ParsedFlags): ServerOptions {
  const store = str(flags, 'store') ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'influxdb')
    throw new UsageError(`--store must be sqlite or influxdb (got "${store}")`);
  const influxUrl = url(flags, 'influx-url', ['http:', 'https:']);
  if (store === 'influxdb' && !influxUrl)
    throw new UsageError('--store influxdb needs --influx-url, e.g. http://127.0.0.1:8086/hallmon');
  const cert = readable('tls-cert', str(flags, 'tls-cert'));
  const key = readable('tls-key', str(flags, 'tls-key'));
  if (!!cert !== !!key) throw new UsageError('--tls-cert and --tls-key go together: give both PEM files or neither');
  const config = flags.config;
  const configFiles = (Array.isArray(config) ? config : typeof config === 'string' ? [config] : []).map((f) =>
    resolve(f),
  );
  for (const f of configFiles) if (!existsSync(f)) throw new UsageError(`--config: file not found: ${f}`);
  const host = str(flags, 'host') ?? '0.0.0.0';
  const state = stateFlag(flags);
  const broker = url(flags, 'broker', ['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']);
  const shareGroup = str(flags, 'share-group');
  if (shareGroup !== undefined) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(shareGroup))
      throw new UsageError(`--share-group must be 1-64 letters, digits, _ or - (got "${shareGroup}")`);
    if (!broker) throw new UsageError('--share-group needs --broker: the servers of a group share an external broker');
    if (!state)
      throw new UsageError(
        '--share-group needs --state postgres://…: the servers of a group keep their state in one database',
      );
  }
  return {
    httpPort: intFlag(flags, 'http-port', 0, 65_535) ?? 8080,
    mqttPort: intFlag(flags, 'mqtt-port', 0, 65_535) ?? 1883,
    host,
    dataDir: resolve(str(flags, 'data-dir') ?? './data/server'),
    store,
    influxUrl,
    broker,
    brokerUsername: str(flags, 'broker-username'),
    brokerPassword: str(flags, 'broker-password'),
    config: configFiles,
    tls: cert && key ? { cert, key } : undefined,
    maxPayload: intFlag(flags, 'max-payload', 1024, 256 * 1024 * 1024) ?? 1024 * 1024,
    retentionDays: intFlag(flags, 'retention-days', 1, 36_500) ?? 400,
    mqttWs: flags['mqtt-ws'] !== false,
    state,
    shareGroup,
    leaseTtlMs: (intFlag(flags, 'lease-ttl', 2, 3600) ?? 9) * 1000,
    ingestConnections: intFlag(flags, 'ingest-connections', 1, 64) ?? 8,
    smtpUrl: url(flags, 'smtp-url', ['smtp:', 'smtps:']),
    smtpFrom: str(flags, 'smtp-from'),
    reports: readable('reports', str(flags, 'reports')),
    publicUrl: url(flags, 'public-url', ['http:', 'https:'])?.replace(/\/+$/, ''),
    signingKeys: str(flags, 'signing-keys') ? resolve(str(flags, 'signing-keys')!) : undefined,
    publishDigests: urls(flags, 'publish-digests'),
    metricsToken: str(flags, 'metrics-token'),
    influxRpc: str(flags, 'influx-rpc'),
    backup: backupSchedule(flags),
  };
}
