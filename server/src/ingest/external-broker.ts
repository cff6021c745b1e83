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
// `$share/<group>/hallmon/v1/+/#` (MQTT 5 §4.8.2), so each message is taken by one of them; the
// session then ends when the connection does (Session Expiry Interval 0), which is what makes the
// broker hand the QoS 1 messages a dead server had not acknowledged to another one of the group
// ("If the Client's Session terminates before the Client reconnects, the Server SHOULD send the
// Application Message to another Client that is subscribed to the same Shared Subscription"); a
// redelivered message is stored once (idempotent writes). The owner of a site whose rules run on
// the server also follows that site's own topics with a plain subscription (`follow`): the whole
// stream of the site in publish order, for the rules only (it is stored through the group). The
// two kinds are told apart by their MQTT 5 subscription identifiers.
import { createHash } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '@hallmon/firmware-config';
import type { IngestPipeline } from './pipeline.ts';
import { parseTopic } from './topic.ts';

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
}

/** What a followed site's messages are handed to (validated, not stored): the server-side rules. */
export type FollowHandler = (site: string, stream: string, payload: Buffer, device?: string) => void;

/** MQTT 5 subscription identifiers: the ingest subscription and the followed sites. */
const SUB_INGEST = 1;
const SUB_FOLLOW = 2;

/** Session expiry when alone: a week of outage is kept by the broker (its own limits permitting). */
const ALONE_SESSION_S = 7 * 86_400;

export function stableClientId(dataDir: string): string {
  return `hallmon-server-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}

export class ExternalBroker {
  private client: MqttClient | undefined;
  private lastErrorLog = 0;
  private readonly followed = new Set<string>();
  private follower: FollowHandler | undefined;

  constructor(
    private readonly opts: ExternalBrokerOptions,
    private readonly pipeline: IngestPipeline,
    private readonly log: Logger,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Resolves once connected and subscribed (SUBACK) the first time; later outages reconnect by themselves. */
  async start(): Promise<void> {
    let firstSubscribed: () => void = () => undefined;
    const subscribed = new Promise<void>((resolve) => (firstSubscribed = resolve));
    const plain = this.opts.topic ?? 'hallmon/v1/+/#';
    const group = this.opts.shareGroup;
    const topic = group ? `$share/${group}/${plain}` : plain;
    const client = mqtt.connect(this.opts.url, {
      clientId: this.opts.clientId ?? stableClientId(process.cwd()),
      clean: false,
      username: this.opts.username,
      password: this.opts.password,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: group ? 0 : ALONE_SESSION_S },
    });
    client.handleMessage = (packet, callback) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const ids = packet.properties?.subscriptionIdentifier;
      const subs = ids === undefined ? [SUB_INGEST] : Array.isArray(ids) ? ids : [ids];
      if (subs.includes(SUB_FOLLOW)) this.onFollowed(packet.topic, payload);
      if (!subs.includes(SUB_INGEST)) return callback();
      this.onMessage(packet.topic, payload).then(
        () => callback(),
        (err: Error) => {
          // Not acknowledged: drop the connection so the broker redelivers the message.
          callback(err);
          client.stream?.destroy();
        },
      );
    };
    this.client = client;
    client.on('error', (err) => {
      const now = Date.now();
      if (now - this.lastErrorLog > 10_000) {
        this.lastErrorLog = now;
        this.log.warn({ err: err.message, broker: this.opts.url }, 'external broker error (retrying)');
      }
    });
    client.on('offline', () => this.log.warn({ broker: this.opts.url }, 'external broker unreachable; reconnecting'));
    client.on('connect', (connack) => {
      this.log.info({ broker: this.opts.url, sessionPresent: connack.sessionPresent }, 'connected to external broker');
      // Subscribing again is harmless with a kept session and needed when the broker lost it.
      client.subscribe(topic, { qos: 1, properties: { subscriptionIdentifier: SUB_INGEST } }, (err, granted) => {
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
      if (this.followed.size) this.subscribeFollowed([...this.followed]);
    });
    await new Promise<void>((resolve, reject) => {
      const onConnect = () => {
        client.off('error', onError);
        resolve(subscribed);
      };
      const onError = (err: Error) => {
        // Refused credentials will not get better by retrying.
        if ((err as { code?: number }).code === 4 || (err as { code?: number }).code === 5) {
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
    for (const s of fresh) this.followed.add(s);
    if (fresh.length && this.client?.connected) this.subscribeFollowed(fresh);
  }

  unfollow(sites: string[]): void {
    const gone = sites.filter((s) => this.followed.delete(s));
    if (gone.length && this.client?.connected) this.client.unsubscribe(gone.map(followTopic));
  }

  private subscribeFollowed(sites: string[]): void {
    this.client?.subscribe(
      sites.map(followTopic),
      { qos: 1, properties: { subscriptionIdentifier: SUB_FOLLOW } },
      (err) => {
        if (err) this.log.error({ err: err.message, sites }, 'cannot follow the sites whose rules run here');
      },
    );
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

  private async onMessage(topic: string, payload: Buffer): Promise<void> {
    const t = parseTopic(topic);
    if (!t) return this.pipeline.refuse('unrouted', 'bad-topic', `external ${topic.slice(0, 100)}`);
    if (!this.pipeline.hasSite(t.site)) return this.pipeline.refuse(t.stream, 'unknown-site', t.site);
    if (payload.length > this.opts.maxPayload) return this.pipeline.refuse(t.stream, 'oversized', t.site);
    await this.pipeline.handle(t.site, t.stream, payload, t.device);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(true);
  }
}

const followTopic = (site: string) => `hallmon/v1/${site}/#`;
