// Live push over socket.io on the API's HTTP server: clients authenticate with the API token in
// the handshake (`auth: { token }`), join per-site rooms with `emit('subscribe', { site })` (or
// `?site=` in the handshake query) and receive `reading`, `event`, `alarm` and `status` as data is
// stored. A socket joins only the sites its account covers, and every RECHECK_MS its token is judged
// again against the user store (authenticator.ts): a signed-out, disabled or re-passworded account
// is disconnected, and sites taken off the account are left. A slow client must not slow ingest: when its transport has more than HIGH_WATER bytes (or
// packets) queued, its readings are coalesced to the latest value per (site, sensor, metric) and
// other messages queued up to a cap; everything waiting goes out once it drains. Coalesced and
// dropped messages are counted for /api/health. In a server group (docs/cluster.md) what one server
// pushes reaches the dashboards connected to the others through socket.io's PostgreSQL adapter
// (server-side events over LISTEN/NOTIFY): every alarm, event and status change, and the readings
// coalesced to the newest value per series every FORWARD_MS, which is what a live view shows.
import type { Server as HttpServer } from 'node:http';
import { Server as IoServer, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/postgres-adapter';
import { listenerPool, type Pool } from '../state/postgres/pool.ts';
import { SITE_ID_PATTERN, type Logger } from '@hallmon/firmware-config';
import { inScope } from '@hallmon/contract';
import { isPrincipal, type Authenticator, type Principal } from '../auth/authenticator.ts';
import type { LiveSink } from '../ingest/pipeline.ts';
import type { ClientToServerEvents, LiveMessageName, ServerToClientEvents, SubscribeAck } from '@hallmon/contract';
import type { StoredReading, StoredEvent, StoredAlarm, StatusChange } from '../store/store.ts';
import { alarmJson, eventJson, readingJson, statusJson } from '../api/wire-json.ts';

const HIGH_WATER_BYTES = 1024 * 1024;
const HIGH_WATER_PACKETS = 2_000;
/** Non-reading messages kept per congested client before the oldest are dropped. */
const MAX_QUEUED = 5_000;
const DRAIN_CHECK_MS = 50;
/** How often connected sockets have their token and sites checked again. */
const RECHECK_MS = 10_000;
const SITE = new RegExp(SITE_ID_PATTERN);
/** How often readings are forwarded to the other servers of a group (newest per series). */
const FORWARD_MS = 500;

/** Between the servers of a group: one site's live messages. */
interface ServerSideEvents {
  live: (site: string, msgs: Forwarded[]) => void;
}

type Forwarded = Outgoing & { key?: string };

interface SocketData {
  token: string;
  principal: Principal;
}

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

/** One message of the contract: its name and the data typed by it. */
type Outgoing = { [K in LiveMessageName]: { event: K; data: Parameters<ServerToClientEvents[K]>[0] } }[LiveMessageName];

function send(socket: LiveSocket, m: Outgoing): void {
  // The union of (name, data) pairs is checked where an Outgoing is built; emit takes one pair.
  (socket.emit as (event: LiveMessageName, data: Outgoing['data']) => boolean)(m.event, m.data);
}

interface Backlog {
  readings: Map<string, Outgoing>;
  other: Outgoing[];
}

export interface LiveStats {
  clients: number;
  sent: number;
  coalesced: number;
  dropped: number;
}

export class LivePush implements LiveSink {
  private io: IoServer<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData> | undefined;
  /** Readings waiting to be forwarded to the group, newest per series, by site. */
  private readonly outbox = new Map<string, Map<string, Forwarded>>();
  private forwardTimer: NodeJS.Timeout | undefined;
  private readonly backlog = new Map<LiveSocket, Backlog>();
  private drainTimer: NodeJS.Timeout | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;
  private readonly stats = { sent: 0, coalesced: 0, dropped: 0 };

  constructor(
    private readonly server: HttpServer,
    private readonly auth: Authenticator,
    /** The server's sites (the live site map: a site added later can be subscribed to). */
    private readonly sites: { has(site: string): boolean },
    private readonly log: Logger,
    /** The state database of a server group: live messages are shared through it. */
    private readonly group?: Pool,
  ) {}

  start(): void {
    // destroyUpgrade: false, because MQTT over WebSocket shares this server's upgrade event.
    const io = new IoServer<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>(this.server, {
      serveClient: false,
      destroyUpgrade: false,
      maxHttpBufferSize: 64 * 1024,
      ...(this.group ? { adapter: createAdapter(listenerPool(this.group), { channelPrefix: 'hallmon-live' }) } : {}),
    });
    this.io = io;
    if (this.group) {
      io.on('live', (site, msgs) => this.deliver(site, msgs));
      this.forwardTimer = setInterval(() => this.forwardReadings(), FORWARD_MS);
      this.forwardTimer.unref();
    }
    io.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const token = typeof auth?.token === 'string' ? auth.token : undefined;
      this.auth.principal(token).then(
        (p) => {
          if (!token || !isPrincipal(p))
            return next(
              new Error(
                `unauthorized: ${isPrincipal(p) ? 'connect with auth: { token } from POST /api/login' : p.refused}`,
              ),
            );
          socket.data.token = token;
          socket.data.principal = p;
          next();
        },
        (err: Error) => next(new Error(`the server cannot check tokens now (${err.message}); try again shortly`)),
      );
    });
    io.on('connection', (socket) => {
      const q = socket.handshake.query.site;
      if (typeof q === 'string') this.join(socket, q);
      socket.on('subscribe', (msg: unknown, ack?: unknown) => {
        const site = typeof msg === 'string' ? msg : (msg as { site?: unknown } | null)?.site;
        const joined = this.join(socket, site);
        const answer: SubscribeAck =
          joined === true
            ? { ok: true, site: site as string }
            : joined === 'unknown'
              ? { ok: false, error: `unknown site ${JSON.stringify(site)}` }
              : {
                  ok: false,
                  error: `the account "${socket.data.principal.username}" does not cover site "${site as string}"`,
                };
        if (typeof ack === 'function') (ack as (a: SubscribeAck) => void)(answer);
      });
      socket.on('unsubscribe', (msg: unknown) => {
        const site = typeof msg === 'string' ? msg : (msg as { site?: unknown } | null)?.site;
        if (typeof site === 'string') void socket.leave(`site:${site}`);
      });
      socket.on('disconnect', () => this.backlog.delete(socket));
    });
    this.recheckTimer = setInterval(() => void this.recheck(), RECHECK_MS);
    this.recheckTimer.unref();
  }

  private join(socket: LiveSocket, site: unknown): true | 'unknown' | 'denied' {
    if (typeof site !== 'string' || !SITE.test(site) || !this.sites.has(site)) return 'unknown';
    if (!inScope(socket.data.principal.sites, site)) return 'denied';
    void socket.join(`site:${site}`);
    return true;
  }

  /** Judges every connected socket's token again; public so tests need not wait for the timer. */
  async recheck(now = Date.now()): Promise<void> {
    const io = this.io;
    if (!io) return;
    for (const socket of io.sockets.sockets.values()) {
      const p = await this.auth.principal(socket.data.token, now).catch(() => undefined);
      // The state backend did not answer: judged again on the next round.
      if (!p) continue;
      if (!isPrincipal(p)) {
        this.log.info({ user: socket.data.principal.username, why: p.refused }, 'live client signed out');
        socket.disconnect(true);
        continue;
      }
      socket.data.principal = p;
      for (const room of socket.rooms)
        if (room.startsWith('site:') && !inScope(p.sites, room.slice(5))) void socket.leave(room);
    }
  }

  get clients(): number {
    return this.io?.engine.clientsCount ?? 0;
  }

  snapshot(): LiveStats {
    return { clients: this.clients, ...this.stats };
  }

  readings(site: string, items: StoredReading[]): void {
    this.fanOut(
      site,
      items.map((r) => ({ event: 'reading' as const, data: readingJson(r), key: `${r.sensor}\u0000${r.metric}` })),
    );
  }

  events(site: string, items: StoredEvent[]): void {
    this.fanOut(
      site,
      items.map((e) => ({ event: 'event' as const, data: eventJson(e) })),
    );
  }

  alarms(site: string, items: StoredAlarm[]): void {
    this.fanOut(
      site,
      items.map((a) => ({ event: 'alarm' as const, data: alarmJson(a) })),
    );
  }

  status(site: string, items: StatusChange[]): void {
    this.fanOut(
      site,
      items.map((s) => ({ event: 'status' as const, data: statusJson(s) })),
    );
  }

  private fanOut(site: string, msgs: Forwarded[]): void {
    const io = this.io;
    if (!io || msgs.length === 0) return;
    if (this.group) this.forward(site, msgs);
    this.deliver(site, msgs);
  }

  /** To the other servers of the group: readings wait for the next round, the rest goes now. */
  private forward(site: string, msgs: Forwarded[]): void {
    const now: Forwarded[] = [];
    for (const m of msgs) {
      if (!m.key) {
        now.push(m);
        continue;
      }
      let box = this.outbox.get(site);
      if (!box) this.outbox.set(site, (box = new Map()));
      box.set(m.key, m);
    }
    if (now.length) this.io?.serverSideEmit('live', site, now);
  }

  private forwardReadings(): void {
    for (const [site, box] of this.outbox) this.io?.serverSideEmit('live', site, [...box.values()]);
    this.outbox.clear();
  }

  /** To the sockets of this server that follow the site. */
  private deliver(site: string, msgs: Forwarded[]): void {
    const io = this.io;
    if (!io || msgs.length === 0) return;
    const members = io.sockets.adapter.rooms.get(`site:${site}`);
    if (!members) return;
    for (const id of members) {
      const socket = io.sockets.sockets.get(id);
      if (!socket) continue;
      let b = this.backlog.get(socket);
      if (!b && !congested(socket)) {
        for (const m of msgs) send(socket, m);
        this.stats.sent += msgs.length;
        continue;
      }
      if (!b) {
        b = { readings: new Map(), other: [] };
        this.backlog.set(socket, b);
        this.armDrain();
      }
      for (const m of msgs) {
        if (m.key) {
          if (b.readings.has(m.key)) this.stats.coalesced++;
          b.readings.set(m.key, m);
        } else {
          b.other.push(m);
          if (b.other.length > MAX_QUEUED) {
            b.other.shift();
            this.stats.dropped++;
          }
        }
      }
    }
  }

  private armDrain(): void {
    if (this.drainTimer) return;
    this.drainTimer = setInterval(() => {
      for (const [socket, b] of this.backlog) {
        if (!socket.connected) {
          this.backlog.delete(socket);
          continue;
        }
        if (congested(socket)) continue;
        this.backlog.delete(socket);
        for (const m of b.other) send(socket, m);
        for (const m of b.readings.values()) send(socket, m);
        this.stats.sent += b.other.length + b.readings.size;
      }
      if (this.backlog.size === 0 && this.drainTimer) {
        clearInterval(this.drainTimer);
        this.drainTimer = undefined;
      }
    }, DRAIN_CHECK_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.forwardTimer);
    this.forwardTimer = undefined;
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = undefined;
    clearInterval(this.recheckTimer);
    this.recheckTimer = undefined;
    this.backlog.clear();
    const io = this.io;
    this.io = undefined;
    if (!io) return;
    io.disconnectSockets(true);
    // The group adapter holds a listening database connection and timers of its own.
    await (io.of('/').adapter as { close?: () => Promise<void> | void }).close?.();
    // io.close() would also close the shared HTTP server; the server owner closes that.
    io.engine.close();
  }
}

/** True when the client's transport has more queued than we let it have. */
function congested(socket: LiveSocket): boolean {
  const conn = socket.conn as unknown as {
    writeBuffer?: unknown[];
    transport?: { socket?: { bufferedAmount?: number } };
  };
  if ((conn.writeBuffer?.length ?? 0) > HIGH_WATER_PACKETS) return true;
  return (conn.transport?.socket?.bufferedAmount ?? 0) > HIGH_WATER_BYTES;
}
