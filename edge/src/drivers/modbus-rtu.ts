// Modbus RTU master for one RS-485 bus: polls every device on it in one strictly sequential loop
// (RS-485 is half duplex), decodes registers per the device profiles, and keeps a dead or noisy
// slave from stalling the others. The port may vanish at any time (USB adapter unplugged): the
// driver reports it, keeps running and reopens with backoff. modbus-serial does the framing.
// update() takes a changed device list of the same bus while polling goes on: devices that stay keep
// their cadence and state, so adding a transmitter leaves no gap in the others' series.
import { type EventEmitter } from 'node:events';
import ModbusRTU from 'modbus-serial';
import {
  effectiveProfile,
  type Bus,
  type BusDevice,
  type DeviceProfile,
  type DeviceStatus,
  type Metric,
  type RegisterSpec,
  type Logger,
} from '@hallmon/firmware-config';
import type { Driver, DriverSink, FaultKind, RawSample } from './driver.ts';
import { Backoff, sleep } from './backoff.ts';
import { ERR, FAULT_CODES, errFields } from '../errors.ts';

export interface ModbusRtuDriverOptions {
  bus: Bus;
  profiles: Map<string, DeviceProfile>;
  sink: DriverSink;
  log: Logger;
}

/**
 * One read request: a contiguous range of one function code, and the metrics in it. Functions
 * 01/02 answer bits (coils, discrete inputs), 03/04 16-bit registers; `words` of a reply holds one
 * number per bit or register either way.
 */
export interface PlannedRead {
  fn: 1 | 2 | 3 | 4;
  address: number;
  count: number;
  metrics: { metric: Metric; spec: RegisterSpec; intervalS?: number }[];
}

/** Modbus Application Protocol V1.1b3 §6.3/6.4: at most 125 registers in one read; §6.1/6.2: 2000 bits. */
const MAX_REGS_PER_READ = 125;
const MAX_BITS_PER_READ = 2000;
/** Failed polls in a row before a device is reported offline. */
const OFFLINE_AFTER_FAILURES = 3;

export function registerCount(spec: RegisterSpec): number {
  if (spec.function === 1 || spec.function === 2) return 1;
  return spec.type === 'float32' ? 2 : (spec.words ?? 1);
}

/** The fewest reads that cover a profile's registers: per function code, merge touching ranges. */
export function planReads(profile: DeviceProfile): PlannedRead[] {
  const out: PlannedRead[] = [];
  for (const fn of [1, 2, 3, 4] as const) {
    const max = fn <= 2 ? MAX_BITS_PER_READ : MAX_REGS_PER_READ;
    const regs = profile.metrics
      .filter((m) => m.register?.function === fn)
      .map((m) => ({ metric: m.metric, spec: m.register!, intervalS: m.intervalS }))
      .sort((a, b) => a.spec.address - b.spec.address);
    let cur: PlannedRead | undefined;
    for (const r of regs) {
      const end = r.spec.address + registerCount(r.spec);
      if (cur && r.spec.address <= cur.address + cur.count && end - cur.address <= max) {
        cur.count = Math.max(cur.count, end - cur.address);
        cur.metrics.push(r);
      } else {
        cur = { fn, address: r.spec.address, count: end - r.spec.address, metrics: [r] };
        out.push(cur);
      }
    }
  }
  return out;
}

/** Drops binary float noise of raw × scale (e.g. -53 × 0.1 = -5.300000000000001). */
const clean = (v: number) => Number.parseFloat(v.toPrecision(12));

/**
 * Engineering value of a register spec, given the words (or bits, for functions 01/02) of a read that
 * starts at `start`. One-bit values (a coil, an input, a register's `bit`) are 0 or 1, flipped by `invert`.
 */
export function decodeRegister(spec: RegisterSpec, words: readonly number[], start: number): number {
  const at = spec.address - start;
  const w0 = words[at] ?? 0;
  const scale = spec.scale ?? 1;
  if (spec.function === 1 || spec.function === 2 || spec.bit !== undefined) {
    const bit = spec.bit === undefined ? (w0 ? 1 : 0) : (w0 >> spec.bit) & 1;
    return spec.invert ? 1 - bit : bit;
  }
  if (registerCount(spec) === 1) {
    const raw = spec.signed && w0 >= 0x8000 ? w0 - 0x10000 : w0;
    return clean(raw * scale);
  }
  const w1 = words[at + 1] ?? 0;
  const [hi, lo] = spec.wordOrder === 'little' ? [w1, w0] : [w0, w1];
  const b = Buffer.alloc(4);
  b.writeUInt16BE(hi & 0xffff, 0);
  b.writeUInt16BE(lo & 0xffff, 2);
  if (spec.type === 'float32') return b.readFloatBE(0) * scale;
  return clean((spec.signed ? b.readInt32BE(0) : b.readUInt32BE(0)) * scale);
}

interface Failure {
  kind: FaultKind;
  detail: string;
}

/** Maps modbus-serial's errors (by name, errno, message: it has no error codes) to fault kinds. */
export function classifyModbusError(err: unknown): Failure {
  const e = err as { name?: string; message?: string; errno?: string; modbusCode?: number } | undefined;
  const msg = String(e?.message ?? err);
  if (e?.name === 'TransactionTimedOutError' || e?.errno === 'ETIMEDOUT' || /timed out/i.test(msg))
    return { kind: 'timeout', detail: 'no reply' };
  if (typeof e?.modbusCode === 'number' || /^Modbus exception/.test(msg)) return { kind: 'exception', detail: msg };
  // A bad CRC, a short frame or a frame from the wrong unit are all a garbled line.
  if (/CRC error|Data length error|Unexpected data error/.test(msg)) return { kind: 'crc-error', detail: msg };
  if (e?.name === 'PortNotOpenError' || /Port Not Open|not open|EIO|ENXIO|EBADF/i.test(msg))
    return { kind: 'disconnected', detail: msg };
  return { kind: 'crc-error', detail: msg };
}

// modbus-serial can reject promises nobody holds (a reply or CRC error after its own timeout has
// settled a transaction). Node would kill the process for them; this guard swallows exactly those
// while a driver runs and rethrows anything else, which keeps Node's default for other bugs.
const MODBUS_SERIAL_ERRORS =
  /^(CRC error|Data length error|Unexpected data error|Modbus exception|Timed out|Port Not Open)/;
let guardUsers = 0;
let guardLog: Logger | undefined;
function onUnhandled(reason: unknown): void {
  const msg = String((reason as Error | undefined)?.message ?? reason);
  if (MODBUS_SERIAL_ERRORS.test(msg) || (reason as Error | undefined)?.name === 'TransactionTimedOutError') {
    guardLog?.debug({ err: msg }, 'modbus-serial: late rejection ignored');
    return;
  }
  // Not ours: leave it to the process's other handlers, or fail as Node would without this guard.
  if (process.listenerCount('unhandledRejection') > 1) return;
  throw reason;
}
function guardOn(log: Logger): void {
  guardLog = log;
  if (guardUsers++ === 0) process.on('unhandledRejection', onUnhandled);
}
function guardOff(): void {
  if (--guardUsers === 0) process.off('unhandledRejection', onUnhandled);
}

interface DeviceState {
  cfg: BusDevice;
  profile: DeviceProfile;
  reads: PlannedRead[];
  timeoutMs: number;
  retries: number;
  status: DeviceStatus | 'unknown';
  failures: number;
  nextDue: number;
}

export class ModbusRtuDriver implements Driver {
  readonly name: string;
  private devices: DeviceState[];
  private readonly pollMs: number;
  private readonly offlinePollMs: number;
  private readonly serial: { baudRate: number; dataBits: number; parity: 'none' | 'even' | 'odd'; stopBits: number };
  private client: ModbusRTU | undefined;
  /** Set when the port closed under us; the loop then reopens it. */
  private lost = false;
  private abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private opts: ModbusRtuDriverOptions) {
    const { bus, profiles } = opts;
    this.name = `modbus-rtu ${bus.port}`;
    this.pollMs = bus.pollMs ?? 1000;
    this.offlinePollMs = Math.max(10_000, 10 * this.pollMs);
    this.devices = bus.devices.map((cfg) => this.deviceState(cfg, bus));
    this.serial = serialSettings(bus, profiles);
  }

  private deviceState(cfg: BusDevice, bus: Bus): DeviceState {
    // A DI module's metrics are the channels its site config wires (the bus device's `inputs`).
    const model = this.opts.profiles.get(cfg.profile);
    const profile = model && cfg.inputs ? effectiveProfile(model, cfg) : model;
    if (!profile) throw new Error(`${this.name}: device "${cfg.id}" names unknown profile "${cfg.profile}"`);
    if (profile.transport !== 'modbus-rtu')
      throw new Error(`${this.name}: profile "${cfg.profile}" of "${cfg.id}" is ${profile.transport}, not modbus-rtu`);
    return {
      cfg,
      profile,
      reads: planReads(profile),
      timeoutMs: bus.timeoutMs ?? profile.modbus?.timeoutMs ?? 300,
      retries: bus.retries ?? profile.modbus?.retries ?? 1,
      status: 'unknown' as const,
      failures: 0,
      nextDue: 0,
    };
  }

  /** Whether `bus` is this bus with the same line settings and timing (then update() can take it). */
  sameLine(bus: Bus): boolean {
    const a = this.opts.bus;
    const s = serialSettings(bus, this.opts.profiles);
    return (
      a.port === bus.port &&
      (a.pollMs ?? 1000) === (bus.pollMs ?? 1000) &&
      a.timeoutMs === bus.timeoutMs &&
      a.retries === bus.retries &&
      s.baudRate === this.serial.baudRate &&
      s.dataBits === this.serial.dataBits &&
      s.parity === this.serial.parity &&
      s.stopBits === this.serial.stopBits
    );
  }

  /**
   * A changed device list on the same line (sameLine): devices whose id, profile and unit id stay
   * keep their state and cadence; new ones are polled at once; removed ones are no longer polled.
   */
  update(bus: Bus): void {
    const old = new Map(this.devices.map((d) => [d.cfg.id, d]));
    const now = Date.now();
    this.devices = bus.devices.map((cfg) => {
      const prev = old.get(cfg.id);
      if (prev && prev.cfg.profile === cfg.profile && prev.cfg.unitId === cfg.unitId) {
        prev.cfg = cfg;
        return prev;
      }
      return { ...this.deviceState(cfg, bus), nextDue: now };
    });
    this.opts = { ...this.opts, bus };
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.abort = new AbortController();
    guardOn(this.opts.log);
    this.loop = this.run().catch((err) =>
      this.opts.log.error({ err, driver: this.name }, 'modbus poll loop ended by a bug'),
    );
  }

  async stop(): Promise<void> {
    if (!this.loop) return;
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
    await this.closeClient();
    guardOff();
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    let disconnectReported = false;
    while (!this.stopping) {
      if (!this.client || this.lost) {
        if (this.client) {
          await this.closeClient();
          if (!disconnectReported) this.reportDisconnected(ERR.SERIAL_DISCONNECTED, 'serial port closed');
          disconnectReported = true;
        }
        await this.connect(disconnectReported);
        disconnectReported = false;
        continue;
      }
      const d = this.devices.reduce((a, b) => (b.nextDue < a.nextDue ? b : a));
      const wait = d.nextDue - Date.now();
      if (wait > 0) {
        await sleep(wait, this.abort.signal);
        continue;
      }
      try {
        await this.poll(d);
      } catch (err) {
        // A throwing sink is a bug elsewhere; the bus keeps being polled.
        this.opts.log.error({ err, device: d.cfg.id }, 'modbus poll failed unexpectedly');
        d.nextDue = Date.now() + this.pollMs;
      }
    }
  }

  /** Opens the port, retrying with backoff until it opens or the driver stops. */
  private async connect(alreadyReported: boolean): Promise<void> {
    const backoff = new Backoff();
    let reported = alreadyReported;
    while (!this.stopping) {
      const client = new ModbusRTU();
      const events = client as unknown as EventEmitter;
      // Without an 'error' listener, modbus-serial's port errors (EIO on unplug) would be thrown.
      events.on('error', () => {
        if (this.client === client) this.lost = true;
      });
      events.on('close', () => {
        if (this.client === client) this.lost = true;
      });
      try {
        await client.connectRTUBuffered(this.opts.bus.port, { ...this.serial });
        if (this.stopping) {
          await closeQuietly(client);
          return;
        }
        this.client = client;
        this.lost = false;
        const now = Date.now();
        for (const d of this.devices) {
          d.failures = 0;
          d.nextDue = now;
        }
        if (reported) this.opts.log.info({ driver: this.name }, 'serial port reopened; polling resumes');
        return;
      } catch (err) {
        await closeQuietly(client);
        if (!reported) {
          this.reportDisconnected(ERR.SERIAL_OPEN, `cannot open ${this.opts.bus.port}: ${(err as Error).message}`);
          reported = true;
        }
        await sleep(backoff.next(), this.abort.signal);
      }
    }
  }

  private reportDisconnected(code: typeof ERR.SERIAL_OPEN | typeof ERR.SERIAL_DISCONNECTED, detail: string): void {
    const now = Date.now();
    this.opts.log.warn({ driver: this.name, port: this.opts.bus.port, ...errFields(code) }, detail);
    for (const d of this.devices) {
      this.opts.sink.fault('disconnected', d.cfg.id, detail, now);
      if (d.status !== 'offline') {
        d.status = 'offline';
        this.opts.sink.status(d.cfg.id, 'offline', now);
      }
    }
  }

  private async closeClient(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c) await closeQuietly(c);
  }

  private async poll(d: DeviceState): Promise<void> {
    const dueAt = d.nextDue;
    const samples: RawSample[] = [];
    let failure: Failure | undefined;
    for (const r of d.reads) {
      const res = await this.request(d, r);
      if ('kind' in res) {
        failure = res;
        break;
      }
      for (const m of r.metrics) {
        const s: RawSample = {
          sensor: d.cfg.id,
          metric: m.metric,
          value: decodeRegister(m.spec, res.words, r.address),
          ts: res.ts,
        };
        if (m.intervalS !== undefined) s.dur = m.intervalS;
        samples.push(s);
      }
    }
    // A vanished port is the bus's fault, not the device's: the loop reports it and reopens.
    if (this.lost || this.stopping || failure?.kind === 'disconnected') {
      if (failure?.kind === 'disconnected') this.lost = true;
      return;
    }
    const now = Date.now();
    const { sink, log } = this.opts;
    if (!failure) {
      for (const s of samples) sink.sample(s);
      sink.polled(d.cfg.id);
      if (d.status !== 'online') {
        if (d.status === 'offline') log.info({ device: d.cfg.id, driver: this.name }, 'device answers again');
        d.status = 'online';
        sink.status(d.cfg.id, 'online', now);
      }
      d.failures = 0;
      d.nextDue = this.next(dueAt, now, this.pollMs);
      return;
    }
    d.failures++;
    sink.fault(failure.kind, d.cfg.id, failure.detail, now);
    // Log once per episode (first failure, then going offline), never per failed poll.
    const fields = {
      device: d.cfg.id,
      unitId: d.cfg.unitId,
      driver: this.name,
      fault: failure.kind,
      ...errFields(FAULT_CODES[failure.kind]),
    };
    if (d.failures === 1 && d.status !== 'offline') log.warn(fields, `modbus read failed: ${failure.detail}`);
    if (d.failures >= OFFLINE_AFTER_FAILURES && d.status !== 'offline') {
      d.status = 'offline';
      sink.status(d.cfg.id, 'offline', now);
      log.warn(
        { ...fields, code: ERR.DEVICE_OFFLINE },
        `device offline after ${d.failures} failed polls; retried every ${this.offlinePollMs / 1000} s`,
      );
    }
    // An offline device is probed rarely so its timeouts do not eat the bus time of the others.
    d.nextDue = d.status === 'offline' ? now + this.offlinePollMs : this.next(dueAt, now, this.pollMs);
  }

  /** Keeps each device on its cadence; after falling behind by more than a period, restarts it from now. */
  private next(dueAt: number, now: number, period: number): number {
    const next = dueAt + period;
    return next < now - period ? now : next;
  }

  /** One read with retries; exceptions are the device's definitive answer and are not retried. */
  private async request(d: DeviceState, r: PlannedRead): Promise<{ words: number[]; ts: number } | Failure> {
    let last: Failure = { kind: 'timeout', detail: 'no reply' };
    let attempts = 0;
    while (attempts <= d.retries) {
      attempts++;
      const client = this.client;
      if (!client || this.lost || this.stopping) return { kind: 'disconnected', detail: 'serial port closed' };
      try {
        client.setID(d.cfg.unitId);
        client.setTimeout(d.timeoutMs);
        const res = await withDeadline(read(client, r), d.timeoutMs + 1000);
        return { words: res, ts: Date.now() };
      } catch (err) {
        last = classifyModbusError(err);
        if (last.kind === 'exception' || last.kind === 'disconnected') break;
      }
    }
    const where = `unit ${d.cfg.unitId} fn ${r.fn} @${r.address}+${r.count}`;
    return { kind: last.kind, detail: `${last.detail} (${where}, ${attempts} attempt${attempts === 1 ? '' : 's'})` };
  }
}

/** One read of a plan entry: registers as words, coils and inputs as 0/1 (modbus-serial pads bits to whole bytes). */
async function read(client: ModbusRTU, r: PlannedRead): Promise<number[]> {
  switch (r.fn) {
    case 1:
      return (await client.readCoils(r.address, r.count)).data.slice(0, r.count).map((b) => (b ? 1 : 0));
    case 2:
      return (await client.readDiscreteInputs(r.address, r.count)).data.slice(0, r.count).map((b) => (b ? 1 : 0));
    case 3:
      return (await client.readHoldingRegisters(r.address, r.count)).data;
    case 4:
      return (await client.readInputRegisters(r.address, r.count)).data;
  }
}

/** Serial settings: the bus's, else the first device profile's defaults, else 9600 8N1. */
function serialSettings(bus: Bus, profiles: Map<string, DeviceProfile>) {
  const d = profiles.get(bus.devices[0]?.profile ?? '')?.serial;
  return {
    baudRate: bus.baudRate ?? d?.baudRate ?? 9600,
    dataBits: bus.dataBits ?? d?.dataBits ?? 8,
    parity: bus.parity ?? d?.parity ?? 'none',
    stopBits: bus.stopBits ?? d?.stopBits ?? 1,
  } as const;
}

/** modbus-serial settles every request by its own timer; this is a backstop should it ever not. */
function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('Timed out'), { name: 'TransactionTimedOutError' })), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

function closeQuietly(client: ModbusRTU): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = setTimeout(resolve, 2000);
    try {
      client.close(() => {
        clearTimeout(done);
        resolve();
      });
    } catch {
      clearTimeout(done);
      resolve();
    }
  });
}
