// Simulated 好差评 evaluators and queue machines: one MQTT client per device, connected to the edge's
// device broker with the device's own credential, publishing the scenario's counter events as
// contract JSON (QoS 1) when their event time comes on the (simulated) clock. A device whose fault
// is 'silent' disconnects, like an evaluator that lost its network, and reconnects afterwards.
import mqtt, { type MqttClient } from 'mqtt';
import { topics, type DeviceEvent, type Logger, type SiteConfig } from '@hallmon/firmware-config';
import { realClock, type Clock } from '../signal.ts';
import type { ScenarioSignals } from '../scenarios/types.ts';
import { siteModel } from '../scenarios/site-model.ts';

export interface CounterDevicesOptions {
  /** The edge's device broker, e.g. mqtt://127.0.0.1:1884. */
  url: string;
  site: SiteConfig;
  signals: ScenarioSignals;
  /** One password for every device, or one per device id. */
  password: string | Record<string, string>;
  clock?: Clock;
  log: Logger;
  /** Only these devices (default: every evaluator and queue machine of the site). */
  devices?: string[];
  /** How often the clock is checked for due events, real ms (default 200). */
  tickMs?: number;
}

interface SimDevice {
  id: string;
  client: MqttClient | undefined;
  published: number;
}

export class CounterDevices {
  private readonly devices = new Map<string, SimDevice>();
  private readonly clock: Clock;
  private timer: NodeJS.Timeout | undefined;
  private cursor = 0;
  private stopped = true;
  /** Events published (acknowledged or queued) per device, for progress and tests. */
  readonly counts = new Map<string, number>();

  constructor(private readonly opts: CounterDevicesOptions) {
    this.clock = opts.clock ?? realClock;
    const ids = opts.devices ?? siteModel(opts.site).counterDevices;
    for (const id of ids) this.devices.set(id, { id, client: undefined, published: 0 });
  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.cursor = this.clock.now();
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.tickMs ?? 200);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all([...this.devices.values()].map((d) => this.disconnect(d)));
  }

  /** Whether a device's client is connected right now. */
  isConnected(id: string): boolean {
    return !!this.devices.get(id)?.client?.connected;
  }

  private password(id: string): string {
    const p = this.opts.password;
    return typeof p === 'string' ? p : (p[id] ?? '');
  }

  private connect(d: SimDevice): void {
    if (d.client || this.stopped) return;
    const client = mqtt.connect(this.opts.url, {
      username: d.id,
      password: this.password(d.id),
      clientId: `sim-${d.id}`,
      clean: false, // keep QoS 1 messages across reconnects, as a real device buffers them
      reconnectPeriod: 2_000,
      connectTimeout: 10_000,
    });
    let warned = false;
    client.on('error', (err) => {
      if (!warned)
        this.opts.log.warn({ device: d.id, err: err.message }, 'simulated device cannot connect to the device broker');
      warned = true;
    });
    client.on('connect', () => {
      warned = false;
      this.opts.log.debug({ device: d.id }, 'simulated device connected');
    });
    d.client = client;
  }

  private async disconnect(d: SimDevice): Promise<void> {
    const c = d.client;
    d.client = undefined;
    if (c) await c.endAsync(true).catch(() => undefined);
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.clock.now();
    for (const d of this.devices.values()) {
      const silent = this.opts.signals.fault(d.id, now) === 'silent';
      if (silent && d.client) {
        this.opts.log.info({ device: d.id }, 'simulated device goes offline (scenario fault)');
        void this.disconnect(d);
      } else if (!silent && !d.client) this.connect(d);
    }
    if (now <= this.cursor) return;
    const due = this.opts.signals.events(this.cursor, now);
    this.cursor = now;
    for (const e of due) this.publish(e);
  }

  private publish(e: DeviceEvent): void {
    const d = this.devices.get(e.device);
    // A disconnected (silent) device's events are lost, as with a real evaluator off the network.
    if (!d?.client) return;
    d.client.publish(topics.events(this.opts.site.id), JSON.stringify(e), { qos: 1 }, (err) => {
      if (err && !this.stopped) this.opts.log.debug({ device: d.id, err: err.message }, 'event not delivered');
    });
    d.published++;
    this.counts.set(d.id, d.published);
  }
}
