// Ingest from an external MQTT broker (--broker URL), e.g. a site's mosquitto or EMQX, instead of
// the embedded aedes. Access control is that broker's job (its ACL must let each gateway publish
// only under hallmon/v1/{its site}/#); here messages for sites this server does not know are
// rejected and counted. At-least-once: QoS 1, and the PUBACK goes back to the broker only after the
// store committed. mqtt.js calls handleMessage(packet, cb) before it sends the PUBACK and sends it
// only when cb() succeeds; that hook works with MQTT 3.1.1 and 5 (its customHandleAcks option is
// honoured only with protocolVersion 5, so with 3.1.1 brokers it would silently ack at once). A
// fixed clientId with clean: false makes the broker keep our session and queue QoS 1 messages
// while we (or it) restart, and deliver them on reconnect.
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
  /** An edge's report on hallmon/v1/{site}/config/state. */
  onConfigState?: (site: string, payload: Buffer) => void;
}

export function stableClientId(dataDir: string): string {
  return `hallmon-server-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
}

export class ExternalBroker {
  private client: MqttClient | undefined;
  private lastErrorLog = 0;

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
    const topic = this.opts.topic ?? 'hallmon/v1/+/#';
    const client = mqtt.connect(this.opts.url, {
      clientId: this.opts.clientId ?? stableClientId(process.cwd()),
      clean: false,
      username: this.opts.username,
      password: this.opts.password,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      protocolVersion: 4,
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
      client.subscribe(topic, { qos: 1 }, (err) => {
        if (err) this.log.error({ err: err.message, topic }, 'cannot subscribe on the external broker');
        else firstSubscribed();
      });
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

  /** Publishes a retained QoS 1 message (a site's config; that broker's ACL must allow it). */
  async publishRetained(topic: string, payload: string): Promise<void> {
    await this.client?.publishAsync(topic, payload, { qos: 1, retain: true });
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

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(true);
  }
}
