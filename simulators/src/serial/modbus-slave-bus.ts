// Several simulated Modbus RTU slaves sharing one RS-485 bus: one serial path (the device end of a
// socat pty pair) answering for every unit address on it. Implemented directly on serialport so
// faults (silence, corrupted CRC, exceptions) can be injected per request; modbus-serial's
// ServerSerial caps at ~30 requests/s and cannot corrupt a CRC on purpose.
import { SerialPort } from 'serialport';
import type { DeviceProfile, Metric, RegisterSpec } from '@hallmon/firmware-config';
import { realClock, type Clock, type FaultMode, type FaultSource, type ValueSource } from '../signal.ts';
import {
  EXC,
  crcOk,
  encodeBit,
  encodeValue,
  exceptionFrame,
  readBitsFrame,
  readResponseFrame,
  specWords,
} from './modbus-frame.ts';

export interface SlaveSpec {
  unitId: number;
  profile: DeviceProfile;
  value: ValueSource;
  fault?: FaultSource;
}

export interface ModbusSlaveBusOptions {
  path: string;
  baudRate: number;
  slaves: SlaveSpec[];
  clock?: Clock;
}

/** Requests answered by one unit, by outcome. */
export interface SlaveStats {
  ok: number;
  /** Exception responses: injected ones and protocol errors (bad address, function, count). */
  exception: number;
  crc: number;
  silent: number;
  garbage: number;
}

export interface BusStats {
  units: Record<number, SlaveStats>;
  /** Well-formed requests for addresses nobody on this bus has (RS-485: nobody answers). */
  otherUnits: number;
  /** Bytes dropped while resynchronising on noise or partial frames. */
  droppedBytes: number;
}

interface MappedRegister {
  metric: Metric;
  spec: RegisterSpec;
}

interface Slave {
  spec: SlaveSpec;
  /** Per function code: the registers that hold values, and the end of the register map. */
  maps: Map<number, { regs: MappedRegister[]; end: number }>;
  override?: FaultMode;
  stats: SlaveStats;
}

/** A read request (functions 01-04) is always 8 bytes: unit, fn, address, count, CRC. */
const REQUEST_LEN = 8;
/** Modbus Application Protocol §6.3/6.4: at most 125 registers per read; §6.1/6.2: 2000 bits. */
const MAX_READ = 125;
const MAX_BITS = 2000;

export class ModbusSlaveBus {
  private readonly slaves = new Map<number, Slave>();
  private readonly clock: Clock;
  private port: SerialPort | undefined;
  private rx: Buffer = Buffer.alloc(0);
  private silenceTimer: NodeJS.Timeout | undefined;
  private otherUnits = 0;
  private droppedBytes = 0;
  /** Modbus RTU: frames are separated by ≥ 3.5 character times; a pty is not paced, so allow 20 ms. */
  private readonly silenceMs: number;

  constructor(private readonly opts: ModbusSlaveBusOptions) {
    this.clock = opts.clock ?? realClock;
    this.silenceMs = Math.max(20, Math.ceil((3.5 * 11 * 1000) / opts.baudRate));
    for (const s of opts.slaves) {
      if (this.slaves.has(s.unitId))
        throw new Error(`ModbusSlaveBus: unit ${s.unitId} is configured twice on ${opts.path}`);
      const maps = new Map<number, { regs: MappedRegister[]; end: number }>();
      for (const m of s.profile.metrics) {
        if (!m.register) continue;
        const map = maps.get(m.register.function) ?? { regs: [], end: 0 };
        map.regs.push({ metric: m.metric, spec: m.register });
        map.end = Math.max(map.end, m.register.address + specWords(m.register));
        maps.set(m.register.function, map);
      }
      this.slaves.set(s.unitId, { spec: s, maps, stats: { ok: 0, exception: 0, crc: 0, silent: 0, garbage: 0 } });
    }
  }

  async start(): Promise<void> {
    if (this.port) return;
    const port = new SerialPort({ path: this.opts.path, baudRate: this.opts.baudRate, autoOpen: false });
    // A vanished pty (socat killed) surfaces as an error/close: the simulator just goes quiet.
    port.on('error', () => undefined);
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    this.port = port;
  }

  async stop(): Promise<void> {
    clearTimeout(this.silenceTimer);
    this.rx = Buffer.alloc(0);
    const port = this.port;
    this.port = undefined;
    if (!port) return;
    port.removeAllListeners('data');
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Forces a unit's behaviour until set back to 'none' (then its FaultSource applies again). */
  setFault(unitId: number, mode: FaultMode): void {
    const slave = this.slaves.get(unitId);
    if (!slave) throw new Error(`ModbusSlaveBus: no unit ${unitId} on ${this.opts.path}`);
    slave.override = mode === 'none' ? undefined : mode;
  }

  stats(): BusStats {
    const units: Record<number, SlaveStats> = {};
    for (const [id, s] of this.slaves) units[id] = { ...s.stats };
    return { units, otherUnits: this.otherUnits, droppedBytes: this.droppedBytes };
  }

  private onData(chunk: Buffer): void {
    this.rx = this.rx.length ? Buffer.concat([this.rx, chunk]) : chunk;
    // Slide over the buffer until 8 bytes with a valid CRC line up: noise costs dropped bytes, not a hang.
    while (this.rx.length >= REQUEST_LEN) {
      const frame = this.rx.subarray(0, REQUEST_LEN);
      if (crcOk(frame)) {
        this.rx = this.rx.subarray(REQUEST_LEN);
        this.handle(frame);
      } else {
        this.rx = this.rx.subarray(1);
        this.droppedBytes++;
      }
    }
    clearTimeout(this.silenceTimer);
    if (this.rx.length) {
      // An incomplete frame followed by inter-frame silence is noise: drop it (resync).
      this.silenceTimer = setTimeout(() => {
        this.droppedBytes += this.rx.length;
        this.rx = Buffer.alloc(0);
      }, this.silenceMs);
    }
  }

  private handle(frame: Buffer): void {
    const unit = frame.readUInt8(0);
    const fn = frame.readUInt8(1);
    const slave = this.slaves.get(unit);
    if (!slave) {
      this.otherUnits++;
      return;
    }
    const now = this.clock.now();
    const mode = slave.override ?? slave.spec.fault?.(now) ?? 'none';
    const st = slave.stats;
    if (mode === 'silent') {
      st.silent++;
      return;
    }
    if (mode === 'garbage') {
      st.garbage++;
      this.write(Buffer.from(Array.from({ length: 7 }, () => Math.floor(Math.random() * 256))));
      return;
    }
    if (mode === 'exception') {
      st.exception++;
      this.write(exceptionFrame(unit, fn, EXC.ILLEGAL_DATA_ADDRESS));
      return;
    }
    const reply = this.answer(slave, unit, fn, frame.readUInt16BE(2), frame.readUInt16BE(4), now);
    if (reply.exception) st.exception++;
    else if (mode === 'crc') {
      // Line noise: the reply arrives complete but its CRC does not match.
      const last = reply.frame.length - 1;
      reply.frame.writeUInt8(reply.frame.readUInt8(last) ^ 0xff, last);
      st.crc++;
    } else st.ok++;
    this.write(reply.frame);
  }

  private answer(
    slave: Slave,
    unit: number,
    fn: number,
    addr: number,
    count: number,
    now: number,
  ): { frame: Buffer; exception: boolean } {
    const exc = (code: number) => ({ frame: exceptionFrame(unit, fn, code), exception: true });
    if (fn < 1 || fn > 4) return exc(EXC.ILLEGAL_FUNCTION);
    if (count < 1 || count > (fn <= 2 ? MAX_BITS : MAX_READ)) return exc(EXC.ILLEGAL_DATA_VALUE);
    const map = slave.maps.get(fn);
    if (!map || addr + count > map.end) return exc(EXC.ILLEGAL_DATA_ADDRESS);
    const words = new Array<number>(count).fill(0);
    for (const r of map.regs) {
      const v = slave.spec.value(r.metric, now);
      if (v === undefined || !Number.isFinite(v)) continue;
      if (fn <= 2) {
        const at = r.spec.address - addr;
        if (at >= 0 && at < count) words[at] = encodeBit(r.spec, v);
        continue;
      }
      encodeValue(r.spec, v).forEach((w, i) => {
        const at = r.spec.address + i - addr;
        if (at < 0 || at >= count) return;
        // Several flags share one status word: OR their bits; a whole-register value replaces it.
        words[at] = r.spec.bit !== undefined ? words[at]! | w : w;
      });
    }
    return {
      frame: fn <= 2 ? readBitsFrame(unit, fn, words) : readResponseFrame(unit, fn, words),
      exception: false,
    };
  }

  private write(frame: Buffer): void {
    const port = this.port;
    if (port?.isOpen) port.write(frame);
  }
}
