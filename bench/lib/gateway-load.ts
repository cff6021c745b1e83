// The gateway load the MQTT ingest benchmarks publish (hallmon server and the Node-RED side-by-side
// get identical payloads): 8 hall series, unique (sensor, metric, ts) per reading so every reading
// is a new row, sent by mqtt.js clients with QoS 1 and a fixed number of messages in flight each
// (like an edge draining its outbox).
import { performance } from 'node:perf_hooks';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export const TELEMETRY_TOPIC = 'hallmon/v1/demo/telemetry';
const SERIES = [
  ['mr-th-1', 'temperature'],
  ['mr-th-1', 'humidity'],
  ['mr-th-2', 'temperature'],
  ['mr-th-2', 'humidity'],
  ['ar-th-1', 'temperature'],
  ['ar-th-1', 'humidity'],
  ['hall-th-1', 'temperature'],
  ['hall-co2-1', 'co2'],
] as const;

export interface Reading {
  sensor: string;
  metric: string;
  value: number;
  ts: number;
}

/** Numbers readings from 0; `count` is how many were made (the expected stored total). */
export class ReadingSource {
  count = 0;
  private readonly base = Date.now() - 20 * 86_400_000;

  next(): Reading {
    const i = this.count++;
    const [sensor, metric] = SERIES[i % SERIES.length]!;
    return { sensor, metric, value: 20 + (i % 100) / 10, ts: this.base + Math.floor(i / SERIES.length) };
  }

  /** One JSON payload: an object for 1 reading per message, an array otherwise (docs/contract.md). */
  payload(perMessage: number): string {
    return JSON.stringify(perMessage === 1 ? this.next() : Array.from({ length: perMessage }, () => this.next()));
  }
}

export function noDelay(c: MqttClient): void {
  (c.stream as unknown as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
}

/**
 * Publishes `messages` payloads of `perMessage` readings from `clients` connections, `window` in
 * flight per client; resolves when every PUBACK is in (seconds from first publish to last PUBACK).
 */
export async function publishLoad(
  src: ReadingSource,
  mqttUrl: string,
  auth: IClientOptions,
  perMessage: number,
  messages: number,
  clients: number,
  window: number,
  onStart?: () => void,
): Promise<{ seconds: number; readings: number; startedAt: number }> {
  const conns: MqttClient[] = await Promise.all(
    Array.from({ length: clients }, () => mqtt.connectAsync(mqttUrl, { ...auth, reconnectPeriod: 0 })),
  );
  for (const c of conns) noDelay(c);
  const payloads = Array.from({ length: messages }, () => src.payload(perMessage));
  const startedAt = performance.now();
  onStart?.();
  await Promise.all(
    conns.map(async (c, ci) => {
      const mine = payloads.filter((_, i) => i % clients === ci);
      let next = 0;
      const worker = async () => {
        while (next < mine.length) {
          const p = mine[next++]!;
          await c.publishAsync(TELEMETRY_TOPIC, p, { qos: 1 });
        }
      };
      await Promise.all(Array.from({ length: window }, worker));
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  await Promise.all(conns.map((c) => c.endAsync()));
  return { seconds, readings: perMessage * messages, startedAt };
}
