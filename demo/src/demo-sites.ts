// `hallmon demo`'s other halls: sites with no edge, where a third-party gateway publishes contract
// telemetry and counter events straight to the server's broker with the site's own credential
// (rulesAt: "server"). One MQTT client per site; values come from a simulator scenario, so the
// district overview has more than one live hall to show.
import mqtt, { type MqttClient } from 'mqtt';
import {
  deviceProfile,
  loadProfiles,
  topics,
  toIso,
  type LoadedSite,
  type Logger,
  type Metric,
} from '@hallmon/firmware-config';
import { getScenario, type ScenarioSignals } from '@hallmon/simulators';

export interface DemoGatewayOptions {
  /** The server's broker, e.g. mqtt://127.0.0.1:1883. */
  mqttUrl: string;
  site: LoadedSite;
  username: string;
  password: string;
  seed: number;
  log: Logger;
  /** Climate metrics (everything but noise) every this many seconds (default 10, a lively demo). */
  climateEveryS?: number;
  /** Scenario driving the values (default normal-day). */
  scenario?: string;
}

/** One simulated third-party gateway: publishes once a second while started. */
export class DemoGateway {
  private client: MqttClient | undefined;
  private timer: NodeJS.Timeout | undefined;
  private signals: ScenarioSignals | undefined;
  private cursor = 0;
  private lastClimate = 0;
  private readonly sensors: Array<{ id: string; metrics: Metric[] }> = [];
  private readonly counters: string[] = [];
  /** Messages published, for tests and the demo's log. */
  published = 0;

  constructor(private readonly opts: DemoGatewayOptions) {}

  async start(): Promise<void> {
    const profiles = loadProfiles();
    for (const z of this.opts.site.zones)
      for (const d of z.devices) {
        const p = deviceProfile(profiles, d);
        if (p?.deviceClass === 'sensor' && p.metrics.length)
          this.sensors.push({ id: d.id, metrics: p.metrics.map((m) => m.metric) });
        else if (p?.deviceClass === 'evaluator' || p?.deviceClass === 'queue') this.counters.push(d.id);
      }
    const name = this.opts.scenario ?? 'normal-day';
    const scenario = getScenario(name);
    if (!scenario) throw new Error(`unknown scenario "${name}"`);
    const now = Date.now();
    this.signals = scenario.signals(this.opts.site, this.opts.seed, { from: now });
    this.cursor = now;
    this.client = await mqtt.connectAsync(this.opts.mqttUrl, {
      username: this.opts.username,
      password: this.opts.password,
      clientId: `demo-gateway-${this.opts.site.id}`,
      reconnectPeriod: 2_000,
    });
    // Counter devices behind this gateway are up (the Devices page shows them online).
    for (const id of this.counters)
      this.publish(topics.status(this.opts.site.id, id), { status: 'online', ts: toIso(now) }, true);
    this.tick();
    this.timer = setInterval(() => this.tick(), 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.client?.endAsync().catch(() => undefined);
    this.client = undefined;
  }

  private publish(topic: string, body: unknown, retain = false): void {
    this.client?.publish(topic, JSON.stringify(body), { qos: 1, retain }, (err) => {
      if (err) this.opts.log.debug({ err: err.message, site: this.opts.site.id }, 'demo gateway publish failed');
    });
    this.published++;
  }

  private tick(): void {
    const signals = this.signals;
    if (!signals) return;
    const now = Date.now();
    const sec = Math.floor(now / 1000) * 1000;
    const climate = sec - this.lastClimate >= (this.opts.climateEveryS ?? 10) * 1000;
    if (climate) this.lastClimate = sec;
    const readings: Array<Record<string, unknown>> = [];
    for (const s of this.sensors)
      for (const metric of s.metrics) {
        if (metric !== 'noise_laeq' && !climate) continue;
        if (signals.fault(s.id, sec) !== 'none') continue;
        const value = signals.value(s.id, metric, sec);
        if (value === undefined || !Number.isFinite(value)) continue;
        readings.push({
          sensor: s.id,
          metric,
          value: Math.round(value * 10) / 10,
          ts: toIso(sec),
          ...(metric === 'noise_laeq' ? { dur: 1 } : {}),
        });
      }
    if (readings.length) this.publish(topics.telemetry(this.opts.site.id), readings);
    const events = signals.events(this.cursor, now);
    this.cursor = now;
    if (events.length) this.publish(topics.events(this.opts.site.id), events);
  }
}
