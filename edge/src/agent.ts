// The edge agent: wires the device drivers (Modbus buses, ASCII meters, MQTT counter devices) to the
// normaliser, the durable outbox and the uplink, and keeps per-device state for the health report.
// It is the DriverSink of every driver: samples are buffered for a few milliseconds and appended to
// the outbox in one transaction; a reading counts as acknowledged only once it is in the outbox.
import {
  effectiveProfile,
  toIso,
  type AlarmRecord,
  type BusDevice,
  type Calibration,
  type DeviceEvent,
  type DeviceProfile,
  type DeviceStatus,
  type EdgeConfig,
  type LoadedSite,
  type Logger,
  type NormalisedReading,
} from '@hallmon/firmware-config';
import type { Driver, DriverSink, FaultKind, RawSample } from './drivers/driver.ts';
import type { MqttDevicesDriver } from './drivers/mqtt-devices.ts';
import type { ModbusRtuDriver } from './drivers/modbus-rtu.ts';
import { createNormaliser, type NormaliserDevice } from './normalise.ts';
import { Outbox, type OutboxInput, type Stream } from './outbox.ts';
import { StateChanges } from './state-changes.ts';
import { Uplink, type UplinkOptions } from './uplink.ts';
import { EdgeCounters } from './counters.ts';
import { HealthServer } from './health.ts';
import type { AgentRules } from '@hallmon/rules';

export interface EdgeAgentOptions {
  /** The edge config with paths already resolved (see cli.ts). */
  config: EdgeConfig;
  site: LoadedSite;
  profiles: Map<string, DeviceProfile>;
  log: Logger;
  /** Rule-engine hook: alarms raised or cleared by a reading go to the 'alarms' stream. */
  onReading?: (r: NormalisedReading) => AlarmRecord[];
  /** Retained messages the uplink keeps published (remote-config.ts: the config state). */
  subscriptions?: UplinkOptions['subscriptions'];
  /** The live clause rules (rules-runtime.ts): fed readings, events and status; its timer pushes alarms. */
  rules?: AgentRules;
  /** Event-time clock for sample and status timestamps (default: the drivers' real time; a SimClock in fast simulations). */
  clock?: { now(): number };
  /** Overrides config.healthPort (the --health-port flag). */
  healthPort?: number;
  /** Buffer flush period (default 50 ms) and size (default 500 records). */
  flushMs?: number;
  flushRecords?: number;
}

export interface DeviceState {
  id: string;
  driver: string;
  status: DeviceStatus | 'unknown';
  lastSeen: string | null;
}

interface FaultEpisode {
  kind: FaultKind;
  count: number;
  start: number;
  end: number;
  detail: string;
}

/** Records kept in memory while the outbox cannot be written (a failing disk), before the oldest go. */
const MAX_BUFFERED = 100_000;

/** Fault kinds that describe bad input rather than a device failing to answer. */
const REJECT_KINDS: ReadonlySet<FaultKind> = new Set(['rejected']);

/** A running driver and the part of the config it was made from (to tell whether it changed). */
interface DriverSlot {
  driver: Driver;
  /** JSON of its config part. */
  spec: string;
}

export class EdgeAgent {
  readonly counters = new EdgeCounters();
  readonly outbox: Outbox;
  readonly uplink: Uplink;
  readonly devices = new Map<string, DeviceState>();
  /** Drivers by key: `bus:<port>`, `meter:<id>`, `mqtt`, `snmp`. */
  private readonly drivers = new Map<string, DriverSlot>();
  private mqttDriver: MqttDevicesDriver | undefined;
  private rules: AgentRules | undefined;
  private config: EdgeConfig;
  /** Devices the normaliser knows: every device ever configured (a sample in flight for a removed one still counts). */
  private readonly normDevices = new Map<string, NormaliserDevice>();
  /** What the remote-config controller reports about the configuration, for /health. */
  configStatus: unknown = null;
  private health: HealthServer | undefined;
  private buffer: (OutboxInput & { stream: Stream })[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly episodes = new Map<string, FaultEpisode>();
  private readonly logGate = new Map<string, number>();
  private readonly normalise: (s: RawSample) => NormalisedReading | null | undefined;
  private readonly states = new StateChanges();
  private readonly flushMs: number;
  private readonly flushRecords: number;
  private running = false;

  constructor(private readonly opts: EdgeAgentOptions) {
    const { config, log } = opts;
    this.config = config;
    this.rules = opts.rules;
    this.flushMs = opts.flushMs ?? 50;
    this.flushRecords = opts.flushRecords ?? 500;
    this.outbox = new Outbox({
      dataDir: config.dataDir,
      maxMB: config.outboxMaxMB,
      onDrop: (gap) => {
        log.error(
          { start: gap.start, end: gap.end, count: gap.count },
          'outbox over its disk budget: dropped the oldest records (a data_gap event reports it); raise outboxMaxMB or fix the uplink',
        );
      },
    });
    this.uplink = new Uplink({
      site: config.site,
      uplink: config.uplink,
      outbox: this.outbox,
      log,
      ...(opts.subscriptions ? { subscriptions: opts.subscriptions } : {}),
    });
    this.normalise = createNormaliser({ devices: this.normDevices });
    this.setDevices(config);
  }

  /** The configuration in force. */
  get currentConfig(): EdgeConfig {
    return this.config;
  }

  /** The device table (health) and the normaliser's devices for a config. */
  private setDevices(config: EdgeConfig): void {
    const profile = (id: string) => {
      const p = this.opts.profiles.get(id);
      if (!p) throw new Error(`unknown profile "${id}"`); // loadEdgeConfig has already checked this
      return p;
    };
    const keep = new Set<string>();
    const add = (
      id: string,
      driver: string,
      profileId: string,
      calibration: Calibration | undefined,
      inputs?: BusDevice['inputs'],
    ) => {
      // A DI module's metrics are the channels its site config wires (carried on its bus device).
      const p = inputs ? effectiveProfile(profile(profileId), { inputs }) : profile(profileId);
      this.normDevices.set(id, { profile: p, ...(calibration ? { calibration } : {}) });
      keep.add(id);
      const d = this.devices.get(id);
      if (d) d.driver = driver;
      else this.devices.set(id, { id, driver, status: 'unknown', lastSeen: null });
    };
    for (const bus of config.buses ?? [])
      for (const dev of bus.devices) add(dev.id, `modbus-rtu ${bus.port}`, dev.profile, dev.calibration, dev.inputs);
    for (const m of config.serialMeters ?? []) add(m.id, `ascii-line ${m.port}`, m.profile, m.calibration);
    for (const d of config.snmpDevices ?? []) add(d.id, `snmp ${d.host}`, d.profile, d.calibration);
    for (const dev of config.mqttDevices?.devices ?? []) add(dev.id, 'mqtt-devices', dev.profile, dev.calibration);
    for (const id of [...this.devices.keys()])
      if (!keep.has(id)) {
        // A device taken out of the config: its open fault episode is reported now, then it is gone.
        this.closeEpisode(id);
        this.devices.delete(id);
      }
  }

  /** The local MQTT port for counter devices (when configured), once started. */
  get mqttDevicesPort(): number | undefined {
    return this.mqttDriver?.port;
  }

  get healthPort(): number | undefined {
    return this.health?.port;
  }

  /** Devices per driver, for the start-up summary. */
  driverSummary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const d of this.devices.values()) out[d.driver] = (out[d.driver] ?? 0) + 1;
    return out;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.outbox.open();
    this.running = true;
    try {
      const healthPort = this.opts.healthPort ?? this.config.healthPort ?? 0;
      if (healthPort > 0) {
        this.health = new HealthServer({ port: healthPort, report: () => this.report() });
        await this.health.start();
      }
      await this.uplink.start();
      this.rules?.start((alarms) => this.pushAlarms(alarms, Date.now()));
      this.flushTimer = setInterval(() => this.flush(), this.flushMs);
      await this.syncDrivers(this.config);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Runs a new configuration: devices, drivers (only those whose part changed are stopped, changed
   * in place or started) and, when given, the rules component. The outbox, the uplink and what is
   * buffered are untouched, so nothing read before the change is lost. Throws when a driver cannot
   * start (its listener port taken); the caller then goes back to the previous configuration.
   */
  async reconfigure(config: EdgeConfig): Promise<void> {
    if (config.site !== this.config.site)
      throw new Error(`the edge runs site "${this.config.site}"; a config for site "${config.site}" cannot be applied`);
    this.flush();
    this.setDevices(config);
    this.config = config;
    if (this.running) await this.syncDrivers(config);
  }

  /** Swaps the rules component (a changed site config, or rules moving between edge and server). */
  setRules(rules: AgentRules | undefined): void {
    if (rules === this.rules) return;
    this.rules?.stop();
    this.rules = rules;
    if (this.running) rules?.start((alarms) => this.pushAlarms(alarms, Date.now()));
  }

  /** The rules component in force, if the site's rules run here. */
  get rulesComponent(): AgentRules | undefined {
    return this.rules;
  }

  /**
   * Makes the running drivers match the config. Driver modules are loaded on demand: a site without
   * serial meters never loads the ASCII driver, one without buses never opens the Modbus library.
   */
  private async syncDrivers(config: EdgeConfig): Promise<void> {
    const { profiles, log } = this.opts;
    const sink = this.sink();
    const wanted = new Map<string, { spec: string; make: () => Promise<Driver>; update?: (d: Driver) => boolean }>();
    for (const bus of config.buses ?? [])
      wanted.set(`bus:${bus.port}`, {
        spec: JSON.stringify(bus),
        make: async () => {
          const { ModbusRtuDriver } = await import('./drivers/modbus-rtu.ts');
          return new ModbusRtuDriver({ bus, profiles, sink, log });
        },
        update: (d) => {
          const m = d as ModbusRtuDriver;
          if (!m.sameLine(bus)) return false;
          m.update(bus);
          return true;
        },
      });
    for (const meter of config.serialMeters ?? [])
      wanted.set(`meter:${meter.id}`, {
        spec: JSON.stringify(meter),
        make: async () => {
          const { AsciiLineDriver } = await import('./drivers/ascii-line.ts');
          const profile = profiles.get(meter.profile);
          if (!profile) throw new Error(`unknown profile "${meter.profile}" for ${meter.id}`);
          return new AsciiLineDriver({ meter, profile, sink, log });
        },
      });
    const broker = config.mqttDevices;
    if (broker)
      wanted.set('mqtt', {
        spec: JSON.stringify(broker),
        make: async () => {
          const { MqttDevicesDriver } = await import('./drivers/mqtt-devices.ts');
          return new MqttDevicesDriver({ site: config.site, config: broker, profiles, sink, log });
        },
        update: (d) => {
          const m = d as MqttDevicesDriver;
          if (!m.sameListener(broker)) return false;
          m.update(broker);
          return true;
        },
      });
    if (config.snmpDevices?.length)
      wanted.set('snmp', {
        spec: JSON.stringify(config.snmpDevices),
        make: async () => {
          const { SnmpDriver } = await import('./drivers/snmp.ts');
          return new SnmpDriver({ devices: config.snmpDevices!, profiles, sink, log });
        },
      });
    for (const [key, slot] of [...this.drivers]) {
      const want = wanted.get(key);
      if (want && want.spec === slot.spec) continue;
      if (want?.update?.(slot.driver)) {
        slot.spec = want.spec;
        continue;
      }
      this.drivers.delete(key);
      await this.stopDriver(slot.driver);
    }
    for (const [key, want] of wanted) {
      if (this.drivers.has(key)) continue;
      const driver = await want.make();
      await driver.start();
      this.drivers.set(key, { driver, spec: want.spec });
    }
    const mqtt = this.drivers.get('mqtt')?.driver;
    this.mqttDriver = mqtt ? (mqtt as MqttDevicesDriver) : undefined;
  }

  private async stopDriver(d: Driver): Promise<void> {
    try {
      await d.stop();
    } catch (err) {
      this.opts.log.warn({ driver: d.name, err: String(err) }, 'driver did not stop cleanly');
    }
  }

  /** Stops drivers, writes what is buffered (and open fault episodes) to the outbox, closes the uplink and the db. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const slots = [...this.drivers.values()];
    this.drivers.clear();
    await Promise.all(slots.map((s) => this.stopDriver(s.driver)));
    this.mqttDriver = undefined;
    for (const device of [...this.episodes.keys()]) this.closeEpisode(device);
    this.rules?.stop();
    clearInterval(this.flushTimer);
    this.flushTimer = undefined;
    this.flush();
    await this.uplink.stop();
    await this.health?.stop();
    this.health = undefined;
    this.outbox.close();
  }

  /** The JSON of GET /health. */
  report() {
    const up = this.uplink.stats();
    const ob = this.outbox.isOpen ? this.outbox.stats() : undefined;
    const devices = [...this.devices.values()].map((d) => {
      const c = this.counters.device(d.id);
      return { id: d.id, driver: d.driver, status: d.status, lastSeen: d.lastSeen, polled: c.polled, errors: c.errors };
    });
    const degraded = !up.connected || devices.some((d) => d.status === 'offline');
    return {
      status: degraded ? 'degraded' : 'ok',
      site: this.config.site,
      config: this.configStatus,
      uplink: up,
      outbox: ob
        ? {
            queued: ob.count,
            bytes: ob.bytes,
            budgetBytes: ob.budgetBytes,
            streams: ob.streams,
            dropped: ob.dropped,
            gaps: ob.gaps,
          }
        : null,
      devices,
      counters: {
        ...this.counters.snapshot(),
        // records lost to the outbox disk budget plus any dropped from memory while the disk failed
        dropped: this.counters.dropped + (ob?.dropped ?? 0),
        queued: ob?.count ?? 0,
        statesUnchanged: this.states.held,
        forwarded: up.forwarded,
        buffered: this.buffer.length,
      },
      mqttDevicesPort: this.mqttDevicesPort ?? null,
      process: memory(),
    };
  }

  /** Writes the buffered records to the outbox in one transaction and wakes the uplink. */
  flush(): void {
    if (!this.buffer.length || !this.outbox.isOpen) return;
    const batch = this.buffer;
    this.buffer = [];
    try {
      this.outbox.appendMixed(batch);
    } catch (err) {
      // A full or failing disk: keep the records in memory and retry on the next tick.
      this.buffer = batch.concat(this.buffer);
      if (this.buffer.length > MAX_BUFFERED) {
        // The disk has failed for a while: memory is the last buffer, and it is bounded too.
        const lost = this.buffer.splice(0, this.buffer.length - MAX_BUFFERED);
        this.counters.dropped += lost.length;
      }
      this.gatedLog('outbox-write', () =>
        this.opts.log.error(
          { err: (err as Error).message, buffered: this.buffer.length },
          `cannot write the outbox ${this.outbox.file}; check the disk (free space, permissions)`,
        ),
      );
      return;
    }
    this.uplink.kick();
  }

  private push(stream: Stream, key: string, ts: number, body: string): void {
    this.buffer.push({ stream, key, ts, body });
    if (this.buffer.length >= this.flushRecords) this.flush();
  }

  private seen(device: string, ts: number): void {
    const d = this.devices.get(device);
    if (d) d.lastSeen = toIso(ts);
  }

  /** The DriverSink every driver reports through. */
  sink(): DriverSink {
    return {
      sample: (s) => this.onSample(s),
      event: (e) => this.onEvent(e),
      status: (device, status, ts) => this.onStatus(device, status, ts),
      fault: (kind, device, detail, ts) => this.onFault(kind, device, detail, ts),
      polled: (device) => {
        this.counters.polled(device);
        if (this.episodes.has(device)) this.closeEpisode(device);
      },
    };
  }

  private onSample(raw: RawSample): void {
    const s = this.opts.clock ? { ...raw, ts: this.opts.clock.now() } : raw;
    let r: NormalisedReading | null | undefined;
    try {
      r = this.normalise(s);
    } catch (err) {
      this.counters.reject('normalise-error');
      this.gatedLog(`norm:${s.sensor}`, () =>
        this.opts.log.warn({ sensor: s.sensor, err: (err as Error).message }, 'sample rejected by the normaliser'),
      );
      return;
    }
    if (!r) {
      this.counters.reject('normalise');
      return;
    }
    this.seen(s.sensor, s.ts);
    // A state goes on the wire only when it changed (or for its refresh): the rules see exactly the
    // series the server stores, so the evidence replay judges what the edge judged.
    const verdict = this.states.judge(r, s.ts);
    if (verdict === 'hold') return;
    this.counters.readings++;
    this.push('telemetry', r.sensor, s.ts, JSON.stringify(r));
    if (this.opts.onReading) this.pushAlarms(this.opts.onReading(r), s.ts);
    if (this.rules) this.pushAlarms(this.rules.reading(r), s.ts);
    if (verdict === 'send-now') this.flush();
  }

  /** Alarm records (from the rules) onto the 'alarms' stream. */
  pushAlarms(alarms: AlarmRecord[], fallbackTs: number): void {
    for (const a of alarms) {
      this.counters.alarms++;
      this.push(
        'alarms',
        a.sensor,
        typeof a.ts === 'number' ? a.ts : Date.parse(a.ts) || fallbackTs,
        JSON.stringify(a),
      );
    }
  }

  private onEvent(e: DeviceEvent): void {
    const ts = typeof e.ts === 'number' ? e.ts : Date.parse(e.ts);
    this.seen(e.device, Number.isFinite(ts) ? ts : Date.now());
    this.counters.events++;
    this.push('events', e.device, Number.isFinite(ts) ? ts : Date.now(), JSON.stringify(e));
    if (this.rules) this.pushAlarms(this.rules.event(e), Date.now());
  }

  private onStatus(device: string, status: DeviceStatus, realTs: number): void {
    const ts = this.opts.clock ? this.opts.clock.now() : realTs;
    const d = this.devices.get(device);
    if (d) {
      if (d.status === status) return;
      d.status = status;
    }
    if (status === 'online') this.seen(device, ts);
    // After an outage a device's states are sent again as first values (its first answer ever sends them anyway).
    if (status === 'offline') this.states.forget(device);
    this.opts.log.info({ device, status }, `device ${status}`);
    this.push('status', device, ts, status);
    if (this.rules) this.pushAlarms(this.rules.status(device, status, ts), ts);
  }

  private onFault(kind: FaultKind, device: string | undefined, detail: string, ts: number): void {
    this.counters.error(kind, device);
    if (REJECT_KINDS.has(kind) || !device) {
      // Drivers put the reason first in the detail (mqtt-devices: auth, schema, future, ...).
      const reason = /^[a-z][a-z-]{0,31}/.exec(detail)?.[0] ?? kind;
      this.counters.reject(reason);
      this.gatedLog(`rej:${kind}:${device ?? '?'}`, () =>
        this.opts.log.warn(
          { kind, device, detail },
          'input rejected (counted; further ones logged at most every 30 s)',
        ),
      );
      return;
    }
    const ep = this.episodes.get(device);
    if (ep) {
      ep.count++;
      ep.end = ts;
      ep.kind = kind;
      ep.detail = detail;
      return;
    }
    this.episodes.set(device, { kind, count: 1, start: ts, end: ts, detail });
    this.gatedLog(`fault:${device}`, () =>
      this.opts.log.warn(
        { device, kind, detail },
        'device fault (one device_fault event per episode, sent when it ends)',
      ),
    );
  }

  /** One device_fault event per episode: from the first failure to the next success (or stop). */
  private closeEpisode(device: string): void {
    const ep = this.episodes.get(device);
    if (!ep) return;
    this.episodes.delete(device);
    const e: DeviceEvent = {
      device,
      type: 'device_fault',
      ts: toIso(ep.start),
      fault: ep.kind,
      count: ep.count,
      start: toIso(ep.start),
      end: toIso(ep.end),
      detail: ep.detail.slice(0, 500),
    };
    this.counters.events++;
    this.push('events', device, ep.start, JSON.stringify(e));
  }

  /** Logs at most once per 30 s per key: external input must never flood the log. */
  private gatedLog(key: string, fn: () => void): void {
    const now = Date.now();
    const last = this.logGate.get(key) ?? 0;
    if (now - last < 30_000) return;
    this.logGate.set(key, now);
    fn();
  }
}

/** The agent process's footprint in MB, for /health (edge boxes are small). */
function memory() {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
  return {
    rssMB: mb(m.rss),
    heapUsedMB: mb(m.heapUsed),
    heapTotalMB: mb(m.heapTotal),
    externalMB: mb(m.external),
    uptimeS: Math.round(process.uptime()),
  };
}
