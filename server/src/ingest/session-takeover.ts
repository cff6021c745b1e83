// Takes over the broker session of a server of the group that died, so the messages the broker had
// handed to it and not yet seen acknowledged are stored after all. Every server keeps a persistent
// MQTT 5 session (clean start off, a session expiry), and a broker keeps a dead member's in-flight
// QoS 1 messages (and the share of the group it keeps routing there) in that session. MQTT 5 §4.8.2
// lets a broker hand them to another member when the session ends, but does not require it and
// mosquitto 2 drops them; so the owner of the group's server-wide duties connects with the dead
// server's client id (resuming its session, with a session expiry of 0 so it ends with this
// connection), leaves the shared subscription, stores whatever the broker resends through the same
// ingest path (PUBACK after the store commits), and disconnects once nothing came for QUIET_MS.
import mqtt from 'mqtt';
import type { Logger } from '@hallmon/firmware-config';
import type { IngestPipeline } from './pipeline.ts';
import { parseTopic } from './topic.ts';

const QUIET_MS = 1_500;
const CONNECT_TIMEOUT_MS = 10_000;

export interface TakeoverOptions {
  url: string;
  username?: string;
  password?: string;
  maxPayload: number;
  /** The shared subscription to leave, e.g. $share/hallmon/hallmon/v1/+/# */
  topic: string;
}

/** Drains a dead server's session; resolves with how many messages were stored from it. */
export async function takeOverSession(
  o: TakeoverOptions,
  clientId: string,
  pipeline: IngestPipeline,
  log: Logger,
): Promise<number> {
  const client = mqtt.connect(o.url, {
    clientId,
    clean: false,
    username: o.username,
    password: o.password,
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 0 },
  });
  let stored = 0;
  let inflight = 0;
  let last = Date.now();
  client.handleMessage = (packet, callback) => {
    inflight++;
    last = Date.now();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const t = parseTopic(packet.topic);
    const work =
      !t || !pipeline.hasSite(t.site) || payload.length > o.maxPayload
        ? Promise.resolve()
        : pipeline.handle(t.site, t.stream, payload, t.device).then(() => void stored++);
    work.then(
      () => {
        inflight--;
        last = Date.now();
        callback();
      },
      (err: Error) => {
        inflight--;
        callback(err);
      },
    );
  };
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      setTimeout(() => reject(new Error('no answer from the broker')), CONNECT_TIMEOUT_MS).unref();
    });
    await client.unsubscribeAsync(o.topic).catch(() => undefined);
    while (inflight > 0 || Date.now() - last < QUIET_MS) await new Promise((r) => setTimeout(r, 100));
    return stored;
  } catch (err) {
    log.warn({ err: (err as Error).message, session: clientId }, "could not take over a dead server's broker session");
    throw err;
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}
