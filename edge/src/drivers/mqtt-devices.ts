// Counter devices (好差评 evaluators, queue machines) and MQTT sensors publish to a broker embedded in
// the edge. This driver is that broker (aedes on a noDelay TCP server): it authenticates each device
// by its own credential, accepts only contract events/telemetry under its own identity, validates
// every element, and reports accepted input, rejections by reason and online/offline to the sink.
// Credentials are plain passwords (a hand-written edge config) or scrypt hashes (sent by the server);
// update() takes a changed device list while running and disconnects at once every client whose
// credential is gone (a revoked device credential).
import { createServer, type Server, type Socket } from 'node:net';
import { createHash, timingSafeEqual } from 'node:crypto';
import { Aedes, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import {
  DeviceEvent,
  MAX_BATCH,
  MAX_FUTURE_MS,
  Reading,
  compiled,
  parseTimestamp,
  toIso,
  topics,
  verifySecret,
  type DeviceProfile,
  type EdgeConfig,
  type Logger,
} from '@hallmon/firmware-config';
import type { Driver, DriverSink } from './driver.ts';

type MqttDevicesConfig = NonNullable<EdgeConfig['mqttDevices']>;

export interface MqttDevicesDriverOptions {
  site: string;
  config: MqttDevicesConfig;
  profiles: Map<string, DeviceProfile>;
  sink: DriverSink;
  log: Logger;
  /** Clock for timestamps and the future-ts check (tests may pass their own). */
  now?: () => number;
}

/** Rejection reasons: the first word of every fault detail, so counters group by it. */
export type RejectReason =
  'auth' | 'topic' | 'too-large' | 'json' | 'schema' | 'batch' | 'identity' | 'event-type' | 'timestamp' | 'future';

interface DeviceEntry {
  id: string;
  /** SHA-256 of each plain password of the config. */
  digests: Buffer[];
  /** scrypt hashes (passwordHashes): the server's credentials. */
  hashes: string[];
  profile: DeviceProfile | undefined;
  window: string | undefined;
}

/** What a connected client authenticated as: its device and which credential admitted it. */
type DeviceClient = Client & { hallmonDevice?: string; hallmonCredential?: string };

interface DeviceState {
  clients: Set<Client>;
  lastSeen: number;
  status: 'online' | 'offline' | undefined;
}

const checkEvent = compiled(DeviceEvent);
const checkReading = compiled(Reading);
const LOG_EVERY_MS = 10_000;

function digest(s: string | Buffer): Buffer {
  return createHash('sha256').update(s).digest();
}

/** CONNACK return code 5, "not authorized" (MQTT 3.1.1 §3.2.2.3). */
function notAuthorized(message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: 5 as const }) as AuthenticateError;
}

export class MqttDevicesDriver implements Driver {
  readonly name: string;
  private devices = new Map<string, DeviceEntry>();
  /** scrypt hash -> SHA-256 of the password that last verified against it (scrypt is slow). */
  private readonly verified = new Map<string, string>();
  private readonly state = new Map<string, DeviceState>();
  private readonly maxPayload: number;
  private readonly offlineAfterMs: number;
  private readonly now: () => number;
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private timer: NodeJS.Timeout | undefined;
  private boundPort = 0;
  /** Rejections not yet logged, by reason (logging is rate-limited). */
  private readonly pendingLog = new Map<string, { count: number; last: string }>();
  private lastLog = 0;

  constructor(private opts: MqttDevicesDriverOptions) {
    const { config, profiles } = opts;
    this.name = `mqtt-devices ${config.host ?? '0.0.0.0'}:${config.port}`;
    this.maxPayload = config.maxPayload ?? 65_536;
    this.offlineAfterMs = (config.offlineAfterS ?? 120) * 1000;
    this.now = opts.now ?? Date.now;
    this.devices = deviceEntries(config, profiles);
  }

  /** Whether a config change can be taken by update() (same listener), or needs a new driver. */
  sameListener(config: MqttDevicesConfig): boolean {
    const c = this.opts.config;
    return (
      c.port === config.port &&
      (c.host ?? '0.0.0.0') === (config.host ?? '0.0.0.0') &&
      (c.maxPayload ?? 65_536) === (config.maxPayload ?? 65_536) &&
      (c.offlineAfterS ?? 120) === (config.offlineAfterS ?? 120)
    );
  }

  /**
   * Takes a changed device list (same listener, see sameListener) without restarting the broker:
   * connected devices whose credential is still valid stay connected; a client whose device was
   * removed or whose credential was revoked is disconnected at once.
   */
  update(config: MqttDevicesConfig): void {
    this.opts = { ...this.opts, config };
    this.devices = deviceEntries(config, this.opts.profiles);
    const clients = this.broker ? connectedClients(this.broker) : [];
    let closed = 0;
    for (const client of clients as DeviceClient[]) {
      const id = client.hallmonDevice;
      if (!id) continue;
      const dev = this.devices.get(id);
      if (dev && this.stillValid(dev, client.hallmonCredential)) continue;
      closed++;
      this.opts.log.info({ device: id }, 'device credential removed or revoked: disconnecting the device');
      client.close();
    }
    this.opts.log.info({ devices: this.devices.size, disconnected: closed }, 'device list updated');
  }

  private stillValid(dev: DeviceEntry, credential: string | undefined): boolean {
    if (credential === undefined) return false;
    return credential.startsWith('scrypt$')
      ? dev.hashes.includes(credential)
      : dev.digests.some((d) => d.toString('hex') === credential);
  }

  /** The bound TCP port (useful with port 0). */
  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => {
        // Devices may only watch their own status topic (e.g. to show "connected" on the unit).
        const id = deviceOf(client);
        if (id && sub.topic === topics.status(this.opts.site, id)) return done(null, sub);
        this.reject('topic', id, `subscription to "${sub.topic}" refused`);
        done(null, null);
      },
    });
    this.broker = broker;
    broker.on('clientReady', (client) => this.connected(client));
    broker.on('clientDisconnect', (client) => this.disconnected(client));
    broker.on('ping', (_p, client) => this.seen(client));
    broker.on('clientError', (client, err) =>
      this.opts.log.debug({ device: deviceOf(client), err: err.message }, 'device connection error'),
    );
    broker.on('connectionError', (_c, err) =>
      this.opts.log.debug({ err: err.message }, 'device connection error before CONNECT'),
    );
    broker.on('keepaliveTimeout', (client) =>
      this.opts.log.info({ device: deviceOf(client) }, 'device keepalive timed out'),
    );

    const server = createServer({ noDelay: true }, (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      broker.handle(socket);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.config.port, this.opts.config.host ?? '0.0.0.0', () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: NodeJS.ErrnoException) => {
      this.server = undefined;
      broker.close();
      this.broker = undefined;
      throw new Error(
        err.code === 'EADDRINUSE'
          ? `device broker port ${this.opts.config.port} is already in use: set mqttDevices.port in the edge config to a free port`
          : `device broker cannot listen on ${this.opts.config.host ?? '0.0.0.0'}:${this.opts.config.port}: ${err.message}`,
      );
    });
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.opts.config.port;
    const every = Math.min(5_000, Math.max(250, this.offlineAfterMs / 4));
    this.timer = setInterval(() => this.checkSilence(), every);
    this.timer.unref();
    this.opts.log.info({ port: this.boundPort, devices: this.devices.size }, 'device broker listening');
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flushLog(true);
    const server = this.server;
    const broker = this.broker;
    this.server = undefined;
    this.broker = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }

  private authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (err: AuthenticateError | null, ok: boolean | null) => void,
  ): void {
    const dev = username === undefined ? undefined : this.devices.get(username);
    const credential = dev && password ? this.match(dev, password) : undefined;
    if (credential === undefined) {
      const who =
        username === undefined
          ? 'no username'
          : dev
            ? `wrong password for "${username}"`
            : `unknown device "${String(username).slice(0, 64)}"`;
      this.reject('auth', undefined, who);
      return done(notAuthorized('not authorized'), false);
    }
    (client as DeviceClient).hallmonDevice = dev!.id;
    (client as DeviceClient).hallmonCredential = credential;
    done(null, true);
  }

  /** Which credential of the device the password matches (hex digest or scrypt hash), if any. */
  private match(dev: DeviceEntry, password: Buffer): string | undefined {
    const d = digest(password);
    // Compare digests (equal length) so the time taken says nothing about the password.
    for (const known of dev.digests) if (timingSafeEqual(d, known)) return known.toString('hex');
    const hex = d.toString('hex');
    for (const hash of dev.hashes) {
      if (this.verified.get(hash) === hex) return hash;
      if (verifySecret(password.toString('utf8'), hash)) {
        this.verified.set(hash, hex);
        return hash;
      }
    }
    return undefined;
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
    const id = client ? deviceOf(client) : undefined;
    if (!client || !id) return done(); // the broker's own messages (none today)
    const dev = this.devices.get(id);
    if (!dev) return done(new Error('not authorized'));
    this.seen(client);
    const isEvents = packet.topic === topics.events(this.opts.site);
    const isTelemetry = packet.topic === topics.telemetry(this.opts.site) && dev.profile?.deviceClass === 'sensor';
    if (!isEvents && !isTelemetry) {
      // MQTT 3.1.1 has no way to refuse one PUBLISH but closing the connection.
      this.reject('topic', id, `publish to "${packet.topic.slice(0, 120)}" not allowed`);
      return done(new Error('not authorized'));
    }
    // From here on the message is acknowledged (PUBACK follows done()) whatever it holds: a device
    // must not resend a bad message forever. Bad content is counted and dropped.
    try {
      this.ingest(dev, isEvents ? 'events' : 'telemetry', packet.payload);
    } catch (err) {
      this.reject('schema', id, `unexpected error: ${(err as Error).message}`);
    }
    // authorizeSubscribe refuses these topics to every client, so aedes forwards them nowhere.
    done();
  }

  private ingest(dev: DeviceEntry, kind: 'events' | 'telemetry', payload: Buffer | string): void {
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (size > this.maxPayload) return this.reject('too-large', dev.id, `${size} bytes, limit ${this.maxPayload}`);
    let body: unknown;
    try {
      body = JSON.parse(payload.toString());
    } catch (err) {
      return this.reject('json', dev.id, `not JSON: ${(err as Error).message.slice(0, 80)}`);
    }
    const items = Array.isArray(body) ? body : [body];
    if (items.length > MAX_BATCH)
      return this.reject('batch', dev.id, `${items.length} elements, at most ${MAX_BATCH} per message`);
    const now = this.now();
    let accepted = 0;
    for (const item of items)
      if (kind === 'events' ? this.acceptEvent(dev, item, now) : this.acceptReading(dev, item, now)) accepted++;
    if (accepted) this.opts.sink.polled(dev.id);
  }

  /** Checks a timestamp; returns epoch ms or null after counting the rejection. */
  private time(dev: DeviceEntry, ts: unknown, now: number): number | null {
    const ms = parseTimestamp(ts);
    if (ms === null) {
      this.reject(
        'timestamp',
        dev.id,
        `ts ${JSON.stringify(ts).slice(0, 40)} is not ISO 8601 with an offset or epoch ms`,
      );
      return null;
    }
    if (ms > now + MAX_FUTURE_MS) {
      this.reject('future', dev.id, `ts ${toIso(ms)} is more than 5 minutes ahead of the edge clock`);
      return null;
    }
    return ms;
  }

  private acceptEvent(dev: DeviceEntry, item: unknown, now: number): boolean {
    if (!checkEvent.Check(item)) {
      const first = checkEvent.Errors(item).First();
      return (
        this.reject('schema', dev.id, first ? `${first.path || '/'}: ${first.message}` : 'not an event object'),
        false
      );
    }
    if (item.device !== dev.id)
      return (this.reject('identity', dev.id, `event for "${item.device}" sent by "${dev.id}"`), false);
    const allowed = dev.profile?.events;
    if (allowed && !allowed.includes(item.type))
      return (this.reject('event-type', dev.id, `"${item.type}" is not an event of profile ${dev.profile?.id}`), false);
    if (item.type === 'rating' && item.score === undefined)
      return (this.reject('schema', dev.id, '/score: a rating needs a score from 1 to 5'), false);
    const ms = this.time(dev, item.ts, now);
    if (ms === null) return false;
    const event: DeviceEvent = { ...item, ts: toIso(ms) };
    if (event.window === undefined && dev.window !== undefined) event.window = dev.window;
    this.opts.sink.event(event);
    return true;
  }

  private acceptReading(dev: DeviceEntry, item: unknown, now: number): boolean {
    if (!checkReading.Check(item)) {
      const first = checkReading.Errors(item).First();
      return (
        this.reject('schema', dev.id, first ? `${first.path || '/'}: ${first.message}` : 'not a reading object'),
        false
      );
    }
    if (item.sensor !== dev.id)
      return (this.reject('identity', dev.id, `reading for "${item.sensor}" sent by "${dev.id}"`), false);
    if (!Number.isFinite(item.value)) return (this.reject('schema', dev.id, '/value: not a finite number'), false);
    if (dev.profile && !dev.profile.metrics.some((m) => m.metric === item.metric))
      return (
        this.reject('schema', dev.id, `/metric: "${item.metric}" is not measured by profile ${dev.profile.id}`),
        false
      );
    const ms = this.time(dev, item.ts, now);
    if (ms === null) return false;
    this.opts.sink.sample({
      sensor: item.sensor,
      metric: item.metric,
      value: item.value,
      ts: ms,
      ...(item.dur !== undefined ? { dur: item.dur } : {}),
    });
    return true;
  }

  private connected(client: Client): void {
    const id = deviceOf(client);
    if (!id) return;
    let st = this.state.get(id);
    if (!st) this.state.set(id, (st = { clients: new Set(), lastSeen: 0, status: undefined }));
    st.clients.add(client);
    this.seen(client);
  }

  private disconnected(client: Client): void {
    const id = deviceOf(client);
    const st = id ? this.state.get(id) : undefined;
    if (!id || !st) return;
    st.clients.delete(client);
    if (st.clients.size === 0) this.setStatus(id, st, 'offline');
  }

  private seen(client: Client): void {
    const id = deviceOf(client);
    const st = id ? this.state.get(id) : undefined;
    if (!id || !st) return;
    st.lastSeen = this.now();
    if (st.clients.size > 0) this.setStatus(id, st, 'online');
  }

  private checkSilence(): void {
    const now = this.now();
    for (const [id, st] of this.state)
      if (st.status === 'online' && now - st.lastSeen > this.offlineAfterMs) this.setStatus(id, st, 'offline');
    this.flushLog(false);
  }

  private setStatus(id: string, st: DeviceState, status: 'online' | 'offline'): void {
    if (st.status === status) return;
    st.status = status;
    this.opts.sink.status(id, status, this.now());
    this.opts.log.info({ device: id, status }, `device ${status}`);
  }

  /** Counts one rejected input; logs are grouped and rate-limited (a device can send thousands). */
  private reject(reason: RejectReason, device: string | undefined, detail: string): void {
    const text = `${reason}: ${detail}`;
    this.opts.sink.fault('rejected', device, text, this.now());
    const key = `${reason}|${device ?? ''}`;
    const p = this.pendingLog.get(key);
    if (p) {
      p.count++;
      p.last = text;
    } else this.pendingLog.set(key, { count: 1, last: text });
    this.flushLog(false);
  }

  private flushLog(force: boolean): void {
    const now = Date.now();
    if (!this.pendingLog.size || (!force && now - this.lastLog < LOG_EVERY_MS)) return;
    this.lastLog = now;
    for (const [key, p] of this.pendingLog) {
      const [reason, device] = key.split('|');
      this.opts.log.warn(
        { reason, device: device || undefined, count: p.count },
        `rejected device input (${p.count}×), last: ${p.last}`,
      );
    }
    this.pendingLog.clear();
  }
}

/** aedes keeps its connected clients by id (aedes.js `this.clients`), untyped in its .d.ts. */
export function connectedClients(broker: Aedes): Client[] {
  return Object.values((broker as unknown as { clients: Record<string, Client> }).clients);
}

function deviceEntries(config: MqttDevicesConfig, profiles: Map<string, DeviceProfile>): Map<string, DeviceEntry> {
  const out = new Map<string, DeviceEntry>();
  for (const d of config.devices ?? [])
    out.set(d.id, {
      id: d.id,
      digests: d.password !== undefined ? [digest(d.password)] : [],
      hashes: d.passwordHashes ?? [],
      profile: profiles.get(d.profile),
      window: d.window,
    });
  return out;
}

function deviceOf(client: Client | null): string | undefined {
  return (client as (Client & { hallmonDevice?: string }) | null)?.hallmonDevice;
}
