// Forwards the outbox to the server broker over MQTT, at least once: records leave the outbox only
// in the PUBACK callback of the QoS 1 message that carried them (MQTT-4.3.2: PUBACK acknowledges a
// QoS 1 PUBLISH). A window of messages is in flight, always taken from the outbox head; after any
// reconnect the replay starts again from the oldest unacknowledged record, so order is kept and the
// only cost of a broken connection is duplicates, which the server stores idempotently.
// The same connection carries what the server sends the edge (its configuration: subscriptions,
// renewed on every connect) and the retained messages the edge keeps up to date (its config state).
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { topics, type EdgeConfig, type Logger } from '@hallmon/firmware-config';
import type { Outbox, OutboxRecord, Stream } from './outbox.ts';

export interface UplinkOptions {
  site: string;
  uplink: EdgeConfig['uplink'];
  outbox: Outbox;
  log: Logger;
  /** Defaults to hallmon-edge-{site}-{random}. */
  clientId?: string;
  /** Topics to subscribe to (QoS 1) on every connect, with what to do with their messages. */
  subscriptions?: { topic: string; onMessage(payload: Buffer): void }[];
  /** First reconnect delay (default 1000 ms); doubles per failed attempt up to maxReconnectMs. */
  reconnectMs?: number;
  maxReconnectMs?: number;
}

export interface UplinkStats {
  connected: boolean;
  url: string;
  /** Records removed from the outbox after PUBACK. */
  forwarded: number;
  /** MQTT messages PUBACKed. */
  messages: number;
  inflight: number;
  reconnects: number;
  lastError: string | null;
  connectedSince: string | null;
}

/** Priority when several streams wait: small, urgent records first, bulk telemetry last. */
const ORDER: Stream[] = ['status', 'alarms', 'events', 'telemetry'];

/** The URL with any password removed, for logs and health. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//');
  }
}

export class Uplink {
  private client: MqttClient | undefined;
  /** Bumped per connection: callbacks of an old connection must not touch the new window. */
  private gen = 0;
  private connected = false;
  private stopping = false;
  private inflight = 0;
  private cursors: Record<Stream, number> = { telemetry: 0, events: 0, alarms: 0, status: 0 };
  private retryTimer: NodeJS.Timeout | undefined;
  private delay: number;
  private forwarded = 0;
  private messages = 0;
  private reconnects = 0;
  private lastError: string | null = null;
  private lastLoggedError = '';
  private lastLogAt = 0;
  private connectedSince: string | null = null;
  private ca: Buffer | undefined;
  /** Retained messages to (re)publish on every connect: topic -> payload. */
  private readonly retained = new Map<string, string>();
  private readonly batchSize: number;
  private readonly window: number;
  private readonly clientId: string;
  private readonly minDelay: number;
  private readonly maxDelay: number;

  constructor(private readonly opts: UplinkOptions) {
    this.batchSize = opts.uplink.batchSize ?? 500;
    this.window = opts.uplink.inflight ?? 8;
    this.clientId = opts.clientId ?? `hallmon-edge-${opts.site}-${Math.random().toString(16).slice(2, 10)}`;
    this.minDelay = opts.reconnectMs ?? 1000;
    this.maxDelay = opts.maxReconnectMs ?? 5000;
    this.delay = this.minDelay;
  }

  /** Starts connecting; never throws for an unreachable broker (it keeps retrying), only for a missing CA file. */
  start(): Promise<void> {
    if (this.opts.uplink.ca) {
      try {
        this.ca = readFileSync(this.opts.uplink.ca);
      } catch (err) {
        throw new Error(
          `cannot read the uplink CA certificate ${this.opts.uplink.ca} (uplink.ca in the edge config): ${(err as Error).message}`,
          { cause: err },
        );
      }
    }
    this.stopping = false;
    this.connect();
    return Promise.resolve();
  }

  /**
   * Publishes a retained message now when connected and again after every reconnect (QoS 1), the
   * newest payload per topic: a state the broker should always hold, not data for the outbox.
   */
  setRetained(topic: string, payload: string): void {
    this.retained.set(topic, payload);
    if (this.connected && this.client) this.client.publish(topic, payload, { qos: 1, retain: true });
  }

  /** New records were appended: fill the window if there is room. Cheap when nothing can be sent. */
  kick(): void {
    this.pump();
  }

  stats(): UplinkStats {
    return {
      connected: this.connected,
      url: safeUrl(this.opts.uplink.url),
      forwarded: this.forwarded,
      messages: this.messages,
      inflight: this.inflight,
      reconnects: this.reconnects,
      lastError: this.lastError,
      connectedSince: this.connectedSince,
    };
  }

  /** Publishes the retained `offline` (a graceful stop sets no will), waits briefly for PUBACKs, closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (this.connected) {
      await withTimeout(
        new Promise<void>((resolve) =>
          client.publish(topics.status(this.opts.site, 'edge'), 'offline', { qos: 1, retain: true }, () => resolve()),
        ),
        2000,
      );
    }
    this.connected = false;
    this.gen++;
    // end(false) lets messages already in flight collect their PUBACK (and leave the outbox).
    await withTimeout(new Promise<void>((resolve) => client.end(false, {}, () => resolve())), 3000);
    await withTimeout(new Promise<void>((resolve) => client.end(true, {}, () => resolve())), 1000);
  }

  private connect(): void {
    const gen = ++this.gen;
    const { url, username, password } = this.opts.uplink;
    const client = mqtt.connect(url, {
      clientId: this.clientId,
      username,
      password,
      ca: this.ca,
      clean: true,
      // Reconnects are ours (one fresh client each): mqtt.js would otherwise replay its own store of
      // unacknowledged messages on top of our replay from the outbox head.
      reconnectPeriod: 0,
      queueQoSZero: false,
      connectTimeout: 10_000,
      keepalive: 30,
      // mqtt-packet otherwise pre-builds 65,536 two-byte Buffers for packet ids on the first publish:
      // 6 MB of heap for ~100 messages/s. Allocating the id per packet is cheaper than keeping them.
      writeCache: false,
      will: { topic: topics.status(this.opts.site, 'edge'), payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      if (gen !== this.gen) return;
      this.connected = true;
      this.connectedSince = new Date().toISOString();
      this.delay = this.minDelay;
      this.inflight = 0;
      this.cursors = { telemetry: 0, events: 0, alarms: 0, status: 0 };
      this.opts.log.info(
        { url: safeUrl(url), depth: this.opts.outbox.stats().count },
        'uplink connected; forwarding the outbox',
      );
      this.lastLoggedError = '';
      client.publish(topics.status(this.opts.site, 'edge'), 'online', { qos: 1, retain: true });
      for (const [topic, payload] of this.retained) client.publish(topic, payload, { qos: 1, retain: true });
      for (const sub of this.opts.subscriptions ?? [])
        client.subscribe(sub.topic, { qos: 1 }, (err, granted) => {
          if (gen !== this.gen) return;
          if (err || granted?.some((g) => g.qos === 128))
            this.opts.log.error(
              { topic: sub.topic, err: err?.message },
              'the broker refused a subscription the edge needs (its configuration topic); check the broker ACL',
            );
        });
      this.pump();
    });
    client.on('message', (topic, payload) => {
      if (gen !== this.gen) return;
      const sub = this.opts.subscriptions?.find((s) => s.topic === topic);
      if (!sub) return;
      try {
        sub.onMessage(payload);
      } catch (err) {
        this.opts.log.error({ topic, err: (err as Error).message }, 'handling a message from the server failed');
      }
    });
    client.on('error', (err) => {
      if (gen !== this.gen) return;
      this.noteError(err);
    });
    client.on('close', () => {
      if (gen !== this.gen || this.stopping) return;
      this.down(client);
    });
  }

  private down(client: MqttClient): void {
    const wasConnected = this.connected;
    this.connected = false;
    this.connectedSince = null;
    this.inflight = 0;
    this.gen++;
    client.end(true);
    if (wasConnected)
      this.opts.log.warn(
        { url: safeUrl(this.opts.uplink.url) },
        'uplink lost; buffering in the outbox and reconnecting',
      );
    this.reconnects++;
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.maxDelay);
    this.retryTimer = setTimeout(() => {
      if (!this.stopping) this.connect();
    }, delay);
  }

  private noteError(err: Error & { code?: string | number }): void {
    const msg = err.message || String(err.code);
    this.lastError = msg;
    const now = Date.now();
    if (msg === this.lastLoggedError && now - this.lastLogAt < 60_000) return;
    this.lastLoggedError = msg;
    this.lastLogAt = now;
    const refused = /not authori[sz]ed|bad user ?name or password|refused/i.test(msg) && !/ECONNREFUSED/.test(msg);
    const hint = refused
      ? 'the broker refused the login: check uplink.username and uplink.password in the edge config against the site gateway credential'
      : `cannot reach the broker: check uplink.url (${safeUrl(this.opts.uplink.url)}), that the server is running, and the network/firewall`;
    this.opts.log.warn({ err: msg }, `uplink error; ${hint}; readings stay in the outbox`);
  }

  /** Fills the in-flight window from the outbox head. */
  private pump(): void {
    const client = this.client;
    if (!client || !this.connected || this.stopping) return;
    const gen = this.gen;
    while (this.inflight < this.window) {
      const next = this.nextMessage();
      if (!next) break;
      this.inflight++;
      client.publish(next.topic, next.payload, { qos: 1, retain: next.retain }, (err) =>
        this.acked(gen, next.seqs, err),
      );
    }
  }

  private nextMessage(): { topic: string; payload: string; retain: boolean; seqs: number[] } | undefined {
    const { outbox, site } = this.opts;
    for (const stream of ORDER) {
      const rows: OutboxRecord[] = outbox.peek(stream, stream === 'status' ? 1 : this.batchSize, this.cursors[stream]);
      if (!rows.length) continue;
      this.cursors[stream] = rows[rows.length - 1]!.seq;
      const seqs = rows.map((r) => r.seq);
      if (stream === 'status')
        return { topic: topics.status(site, rows[0]!.key), payload: rows[0]!.body, retain: true, seqs };
      return { topic: topics[stream](site), payload: `[${rows.map((r) => r.body).join(',')}]`, retain: false, seqs };
    }
    return undefined;
  }

  private acked(gen: number, seqs: number[], err: Error | undefined): void {
    if (err) {
      // The connection broke before PUBACK: the records stay and are replayed after reconnecting.
      return;
    }
    if (this.opts.outbox.isOpen) this.forwarded += this.opts.outbox.remove(seqs);
    this.messages++;
    if (gen !== this.gen) return;
    this.inflight--;
    this.pump();
  }
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<void>((resolve) => (t = setTimeout(resolve, ms)))]).finally(() =>
    clearTimeout(t),
  );
}
