// Ingest from an external MQTT broker (--broker URL), e.g. a site's mosquitto or EMQX, instead of
// the embedded aedes. Access control is that broker's job (its ACL must let each gateway publish
// only under hallmon/v1/{its site}/#); here messages for sites this server does not know are
// rejected and counted. At-least-once: QoS 1, and the PUBACK goes back to the broker only after the
// store committed. mqtt.js calls handleMessage(packet, cb) before it sends the PUBACK and sends it
// only when cb() succeeds; that hook works with MQTT 3.1.1 and 5 (its customHandleAcks option is
// honoured only with protocolVersion 5, so it is not used). We connect as an MQTT 5 client.
// Alone, a fixed clientId with clean start off and a long session expiry makes the broker keep our
// session and queue QoS 1 messages while we (or it) restart, and deliver them on reconnect.
// In a server group (`shareGroup`, docs/cluster.md) every server subscribes to
// `$share/<group>/hallmon/v1/+/#` (MQTT 5 §4.8.2), so each message is taken by one of them, with a
// persistent session of its own; when a server dies another one takes its session over and stores
// what the broker had handed to it (session-takeover.ts); a message stored twice is stored once
// (idempotent writes). The owner of a site whose rules run on
// the server also follows that site's own topics with a plain subscription (`follow`): the whole
// stream of the site in publish order, for the rules only (it is stored through the group). That
// subscription has a connection of its own: a broker may send one copy of a message to a client
// whose subscriptions overlap, which would leave the shared one without it.
import { createHash } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '@hallmon/firmware-config';
import type { IngestPipeline } from './pipeline.ts';
import { parseConfigTopic, parseTopic } from './topic.ts';

export interface ExternalBrokerOptions {
  url: string;
  username?: string;
  password?: string;
  /** Stable per installation (derived from the data dir) so the broker keeps our session. */
  clientId?: string;
  maxPayload: number;
  /** Default: hallmon/v1/+/# */
  topic?: string;
  /** Shared-subscription group of a server group; undefined: this server takes every message. */
  shareGroup?: string;
  /** Ingest connections in a group (each a member of the shared subscription). Default 1. */
  connections?: number;
  /** An edge's report on hallmon/v1/{site}/config/state. */
  onConfigState?: (site: string, payload: Buffer) => void;
}

/** What a followed site's messages are handed to (validated, not stored): the server-side rules, the entry register. */
export type FollowHandler = (site: string, stream: string, payload: Buffer, device?: string) => void;

/** Session expiry: a week of outage is kept by the broker (its own limits permitting). */
const SESSION_S = 7 * 86_400;

export function stableClientId(dataDir: string): string {
  return `hallmon-server-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}

export class ExternalBroker {
  private clients: MqttClient[] = [];
  private lastErrorLog = 0;
  private readonly followed = new Set<string>();
  private follower: FollowHandler | undefined;
  private followClient: MqttClient | undefined;

  constructor(
    private readonly opts: ExternalBrokerOptions,
    private readonly pipeline: IngestPipeline,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.clients.length > 0 && this.clients.every((c) => c.connected);
  }

  /** The client ids of the ingest connections (one alone; `connections` in a group). */
  static clientIds(base: string, connections: number): string[] {
    return connections <= 1 ? [base] : Array.from({ length: connections }, (_, k) => `${base}-${k}`);
  }

  /** Resolves once every connection is connected and subscribed (SUBACK) the first time. */
  async start(): Promise<void> {
    const base = this.opts.clientId ?? stableClientId(process.cwd());
    const ids = ExternalBroker.clientIds(base, this.opts.shareGroup ? (this.opts.connections ?? 1) : 1);
    await Promise.all(ids.map((id) => this.connect(id)));
  }

  // A connection hands its QoS 1 messages over one at a time (mqtt.js sends the PUBACK, in order,
  // before it reads the next PUBLISH), so one connection stores one message per store round trip;
  // a group's server opens several, whose messages meet in the ingest batches.
  private async connect(clientId: string): Promise<void> {
    let firstSubscribed: () => void = () => undefined;
    const subscribed = new Promise<void>((resolve) => (firstSubscribed = resolve));
    const group = this.opts.shareGroup;
    const topic = this.topic;
    const client = mqtt.connect(this.opts.url, {
      clientId,
      clean: false,
      username: this.opts.username,
      password: this.opts.password,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: SESSION_S },
    });
    client.handleMessage = (packet, callback) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      this.onMessage(packet.topic, payload).then(
        () => callback(),
        (err: Error) => {
          // Not acknowledged: drop the connection so the broker redelivers the message.
          callback(err);
          client.stream?.destroy();
        },
      );
    };
    this.clients.push(client);
    client.on('error', (err) => {
      const now = Date.now();
      if (now - this.lastErrorLog > 10_000) {
        this.lastErrorLog = now;
        this.log.warn({ err: err.message, broker: this.opts.url }, 'external broker error (retrying)');
      }
    });
    client.on('offline', () => this.log.warn({ broker: this.opts.url }, 'external broker unreachable; reconnecting'));
    client.on('connect', (connack) => {
      this.log.info(
        { broker: this.opts.url, clientId, sessionPresent: connack.sessionPresent },
        'connected to external broker',
      );
      // Subscribing again is harmless with a kept session and needed when the broker lost it.
      client.subscribe(topic, { qos: 1 }, (err, granted) => {
        const refused = granted?.find((g) => g.qos > 2);
        if (err || refused)
          this.log.error(
            { err: err?.message ?? `reason code ${refused?.qos}`, topic },
            group
              ? 'cannot subscribe on the external broker; shared subscriptions need an MQTT 5 broker (mosquitto 2, EMQX)'
              : 'cannot subscribe on the external broker',
          );
        else firstSubscribed();
      });
    });
    await new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        client.off('error', onError);
        resolve(subscribed);
      };
      const onError = (err: Error) => {
        // Refused credentials will not get better by retrying (MQTT 3.1.1 codes 4, 5; MQTT 5 134, 135).
        if ([4, 5, 134, 135].includes((err as { code?: number }).code ?? -1)) {
          client.off('connect', onConnect);
          client.end(true);
          reject(
            new Error(
              `the external broker ${this.opts.url} refused our credentials: check --broker-username/--broker-password`,
            ),
          );
        }
      };
      client.once('connect', onConnect);
      client.on('error', onError);
    });
  }

  /** Hands every message of these sites to `handler` as well (the owner's server-side rules). */
  follow(sites: string[], handler: FollowHandler): void {
    this.follower = handler;
    const fresh = sites.filter((s) => !this.followed.has(s));
    if (!fresh.length) return;
    for (const s of fresh) this.followed.add(s);
    if (!this.followClient) this.followClient = this.connectFollower();
    else if (this.followClient.connected) this.subscribeFollowed(this.followClient, fresh);
  }

  unfollow(sites: string[]): void {
    const gone = sites.filter((s) => this.followed.delete(s));
    if (gone.length && this.followClient?.connected) this.followClient.unsubscribe(gone.map(followTopic));
  }

  private connectFollower(): MqttClient {
    const c = mqtt.connect(this.opts.url, {
      clientId: `${this.opts.clientId ?? stableClientId(process.cwd())}-rules`,
      clean: true,
      username: this.opts.username,
      password: this.opts.password,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      protocolVersion: 5,
    });
    c.on('message', (topic, payload) => this.onFollowed(topic, payload));
    c.on('connect', () => {
      if (this.followed.size) this.subscribeFollowed(c, [...this.followed]);
    });
    c.on('error', () => undefined); // the ingest connection reports broker trouble
    return c;
  }

  private subscribeFollowed(c: MqttClient, sites: string[]): void {
    c.subscribe(sites.map(followTopic), { qos: 1 }, (err) => {
      if (err) this.log.error({ err: err.message, sites }, 'cannot follow the sites whose rules run here');
    });
  }

  private onFollowed(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (!t || !this.followed.has(t.site) || payload.length > this.opts.maxPayload) return;
    try {
      this.follower?.(t.site, t.stream, payload, t.device);
    } catch (err) {
      this.log.error({ err: (err as Error).message, site: t.site }, 'the rules could not take a message');
    }
  }

  /** Publishes a retained QoS 1 message (a site's config; that broker's ACL must allow it). */
  async publishRetained(topic: string, payload: string): Promise<void> {
    await this.clients[0]?.publishAsync(topic, payload, { qos: 1, retain: true });
  }

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    const c = parseConfigTopic(topic);
    if (c) {
      // Our own retained config messages come back through the subscription: only states are news.
      if (c.kind === 'state' && this.pipeline.hasSite(c.site) && payload.length <= 64 * 1024)
        this.opts.onConfigState?.(c.site, payload);
      return;
    }
    const t = parseTopic(topic);
    if (!t) return this.pipeline.refuse('unrouted', 'bad-topic', `external ${topic.slice(0, 100)}`);
    if (!this.pipeline.hasSite(t.site)) return this.pipeline.refuse(t.stream, 'unknown-site', t.site);
    if (payload.length > this.opts.maxPayload) return this.pipeline.refuse(t.stream, 'oversized', t.site);
    await this.pipeline.handle(t.site, t.stream, payload, t.device);
  }

  /** The subscription this server ingests from (a shared one in a group). */
  get topic(): string {
    const plain = this.opts.topic ?? 'hallmon/v1/+/#';
    return this.opts.shareGroup ? `$share/${this.opts.shareGroup}/${plain}` : plain;
  }

  async stop(): Promise<void> {
    const clients = this.clients;
    this.clients = [];
    for (const client of clients) {
      // In a group, leave the shared subscription first: the broker routes nothing more to this
      // session, and what it still holds is taken over by another server (session-takeover.ts).
      if (client.connected && this.opts.shareGroup) await client.unsubscribeAsync(this.topic).catch(() => undefined);
      await client.endAsync(true);
    }
    const follower = this.followClient;
    this.followClient = undefined;
    if (follower) await follower.endAsync(true);
  }
}

const followTopic = (site: string) => `hallmon/v1/${site}/#`;
