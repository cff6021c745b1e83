// The embedded MQTT broker (aedes) that gateways publish to: plain MQTT on a TCP port, mqtts when
// TLS is configured, and MQTT over WebSocket at /mqtt on the HTTP server. Sockets get noDelay: with
// Nagle plus delayed ACK a QoS 1 round trip on loopback took 44 ms instead of 0.2 ms (TOOLCHAIN).
//
// At-least-once: aedes sends PUBACK only after authorizePublish calls back, so for data topics the
// callback is held until the pipeline has stored the message. A message that cannot be used at all
// (wrong site, oversized, unknown topic, nothing valid in it) is still acknowledged, counted as
// rejected and not forwarded, so a bad message is not redelivered for ever. Only a store failure
// refuses the message (the client is disconnected and resends it).
//
// The configuration topics (docs/contract.md): the server publishes each site's retained config
// message itself (publishRetained); an edge's config/state report goes to onConfigState. A revoked
// gateway credential is disconnected at once (disconnectUsers).
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type Client, type AuthenticateError } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { Logger } from '@hallmon/firmware-config';
import type { GatewayAuth } from './gateway-auth.ts';
import type { IngestPipeline } from './pipeline.ts';
import { parseConfigTopic, parseTopic } from './topic.ts';

export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 = pick a free port; null = no TCP listener (WebSocket only). */
  port: number | null;
  tls?: { cert: Buffer; key: Buffer };
  maxPayload: number;
  /** Serve MQTT over WebSocket on this HTTP(S) server at /mqtt. */
  wsServer?: HttpServer;
  /** An edge's report on hallmon/v1/{site}/config/state (its own site only). */
  onConfigState?: (site: string, payload: Buffer) => void;
}

export const MQTT_WS_PATH = '/mqtt';

export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: NetServer | TlsServer | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<Socket | Duplex>();
  private readonly siteOf = new WeakMap<Client, string>();
  /** Connected clients by the gateway username they logged in with. */
  private readonly byUser = new Map<string, Set<Client>>();
  private readonly userOf = new WeakMap<Client, string>();
  /** Payloads acknowledged but refused: never forwarded or retained. */
  private readonly dropped = new WeakSet<Buffer>();
  private onUpgrade: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined;
  port = 0;

  constructor(
    private readonly opts: EmbeddedBrokerOptions,
    private readonly auth: GatewayAuth,
    private readonly pipeline: IngestPipeline,
    private readonly log: Logger,
  ) {}

  get clients(): number {
    return this.broker?.connectedClients ?? 0;
  }

  async start(): Promise<void> {
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const site = this.auth.check(username, password);
        if (!site) {
          this.pipeline.refuse('unrouted', 'auth', `client ${client.id} user ${username ?? '(none)'}`);
          const err = new Error('bad gateway username or password') as AuthenticateError;
          err.returnCode = 4; // CONNACK 0x04: bad user name or password (MQTT 3.1.1 §3.2.2.3)
          return done(err, false);
        }
        this.siteOf.set(client, site);
        if (username) {
          this.userOf.set(client, username);
          const set = this.byUser.get(username) ?? new Set<Client>();
          set.add(client);
          this.byUser.set(username, set);
        }
        done(null, true);
      },
      authorizePublish: (client, packet, callback) => {
        if (!client) return callback(null); // the broker's own messages (wills are checked at CONNECT time below)
        const site = this.siteOf.get(client);
        const who = `${site ?? '?'} (client ${client.id})`;
        const drop = (
          stream: 'unrouted' | 'telemetry' | 'events' | 'alarms' | 'status',
          reason: 'bad-topic' | 'wrong-site' | 'oversized',
        ) => {
          this.pipeline.refuse(stream, reason, who);
          this.dropped.add(packet.payload as Buffer);
          packet.retain = false;
          callback(null);
        };
        const c = parseConfigTopic(packet.topic);
        if (c) {
          // Only the server publishes a site's config; an edge reports its state for its own site.
          if (c.kind !== 'state') return drop('unrouted', 'bad-topic');
          if (c.site !== site) return drop('unrouted', 'wrong-site');
          const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
          if (payload.length > 64 * 1024) return drop('unrouted', 'oversized');
          this.opts.onConfigState?.(c.site, payload);
          this.dropped.add(packet.payload as Buffer);
          packet.retain = false;
          return callback(null);
        }
        const t = parseTopic(packet.topic);
        if (!t) return drop('unrouted', 'bad-topic');
        if (t.site !== site) return drop(t.stream, 'wrong-site');
        const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
        if (payload.length > this.opts.maxPayload) return drop(t.stream, 'oversized');
        this.pipeline.handle(t.site, t.stream, payload, t.device).then(
          (res) => {
            // Only status changes are worth passing on (retained, for anyone watching the broker);
            // data reaches people through the store and socket.io.
            if (t.stream !== 'status' || res.accepted === 0) {
              this.dropped.add(packet.payload as Buffer);
              if (t.stream !== 'status') packet.retain = false;
            }
            callback(null);
          },
          (err: Error) => callback(err),
        );
      },
      authorizeSubscribe: (client, sub, callback) => {
        // A gateway may watch its own site's topics (e.g. status), nothing else.
        const site = this.siteOf.get(client);
        if (site && (sub.topic === `hallmon/v1/${site}/#` || sub.topic.startsWith(`hallmon/v1/${site}/`)))
          return callback(null, sub);
        callback(null, null);
      },
      authorizeForward: (_client, packet) => (this.dropped.has(packet.payload as Buffer) ? null : packet),
    });
    this.broker = broker;
    broker.on('clientDisconnect', (client) => {
      const user = this.userOf.get(client);
      if (!user) return;
      const set = this.byUser.get(user);
      set?.delete(client);
      if (set && !set.size) this.byUser.delete(user);
    });
    broker.on('clientError', (client, err) =>
      this.log.debug({ client: client.id, err: err.message }, 'mqtt client error'),
    );
    broker.on('connectionError', (client, err) =>
      this.log.debug({ client: client?.id, err: err.message }, 'mqtt connection error'),
    );

    const handle = (socket: Socket) => {
      socket.setNoDelay(true);
      this.track(socket);
      broker.handle(socket);
    };
    if (this.opts.port !== null) {
      this.server = this.opts.tls
        ? createTlsServer({ cert: this.opts.tls.cert, key: this.opts.tls.key }, handle)
        : createNetServer({ noDelay: true }, handle);
      const server = this.server;
      server.on('tlsClientError', (err: Error) => this.log.debug({ err: err.message }, 'mqtts handshake failed'));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.opts.port ?? 0, this.opts.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const addr = server.address();
      this.port = typeof addr === 'object' && addr ? addr.port : 0;
    }
    if (this.opts.wsServer) {
      const wss = new WebSocketServer({ noServer: true, maxPayload: this.opts.maxPayload + 64 * 1024 });
      this.wss = wss;
      this.onUpgrade = (req, socket, head) => {
        if (new URL(req.url ?? '/', 'http://x').pathname !== MQTT_WS_PATH) return; // socket.io's, not ours
        (socket as Socket).setNoDelay?.(true);
        wss.handleUpgrade(req, socket, head, (ws) => {
          const stream = createWebSocketStream(ws);
          stream.on('error', () => undefined);
          this.track(stream);
          broker.handle(stream, req);
        });
      };
      this.opts.wsServer.on('upgrade', this.onUpgrade);
    }
  }

  /** Whether a client is connected with this gateway username. */
  isConnected(username: string): boolean {
    return (this.byUser.get(username)?.size ?? 0) > 0;
  }

  /** Closes every connection logged in with one of these gateway usernames (a revoked credential). */
  disconnectUsers(usernames: Iterable<string>): number {
    let n = 0;
    for (const u of usernames)
      for (const client of this.byUser.get(u) ?? []) {
        n++;
        client.close();
      }
    return n;
  }

  /** Publishes a retained QoS 1 message from the server itself (a site's config); empty clears it. */
  publishRetained(topic: string, payload: string): Promise<void> {
    const broker = this.broker;
    if (!broker) return Promise.resolve();
    return new Promise<void>((resolve, reject) =>
      broker.publish(
        { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain: true, dup: false },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }

  private track(s: Socket | Duplex): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  async stop(): Promise<void> {
    if (this.onUpgrade) this.opts.wsServer?.off('upgrade', this.onUpgrade);
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
    if (this.wss) {
      for (const c of this.wss.clients) c.terminate();
      await new Promise<void>((resolve) => this.wss!.close(() => resolve()));
      this.wss = undefined;
    }
    const broker = this.broker;
    this.broker = undefined;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }
}
