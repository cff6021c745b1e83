// A sound level meter streaming ASCII over RS-232, as the slm-ascii-rs232 profile describes:
// one line per interval, "LAeq,1s= 072.4 dB\r\n". Faults: 'garbage' sends junk lines (a wrong
// baud rate or a meter in its menu), 'silent' sends nothing (meter off, cable out).
import { SerialPort } from 'serialport';
import { realClock, type Clock, type FaultMode, type FaultSource, type ValueSource } from '../signal.ts';

export interface AsciiMeterOptions {
  path: string;
  baudRate: number;
  intervalMs: number;
  value: ValueSource;
  fault?: FaultSource;
  clock?: Clock;
}

export interface AsciiMeterStats {
  lines: number;
  garbage: number;
  silent: number;
}

/** The meter's line for a level: three integer digits, one decimal, e.g. 72.43 → "LAeq,1s= 072.4 dB". */
export function formatLaeqLine(value: number): string {
  return `LAeq,1s= ${value.toFixed(1).padStart(5, '0')} dB\r\n`;
}

const JUNK = ['\x15\x7f?#@', 'MENU 3 >', 'LAeq,1s= --.- dB', 'ERR OVL', '\xff\xfe~~~'];

export class AsciiMeter {
  private port: SerialPort | undefined;
  private timer: NodeJS.Timeout | undefined;
  private override: FaultMode | undefined;
  private readonly clock: Clock;
  private readonly counts: AsciiMeterStats = { lines: 0, garbage: 0, silent: 0 };
  private junkIndex = 0;

  constructor(private readonly opts: AsciiMeterOptions) {
    this.clock = opts.clock ?? realClock;
  }

  async start(): Promise<void> {
    if (this.port) return;
    const port = new SerialPort({ path: this.opts.path, baudRate: this.opts.baudRate, autoOpen: false });
    port.on('error', () => undefined); // a vanished pty just makes the meter go quiet
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    this.port = port;
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Forces a behaviour until set back to 'none' (then the FaultSource applies again). */
  setFault(mode: FaultMode): void {
    this.override = mode === 'none' ? undefined : mode;
  }

  /** Writes raw text as is (tests: overlong lines, split lines). */
  writeRaw(text: string | Buffer): void {
    if (this.port?.isOpen) this.port.write(text);
  }

  stats(): AsciiMeterStats {
    return { ...this.counts };
  }

  private tick(): void {
    const now = this.clock.now();
    const mode = this.override ?? this.opts.fault?.(now) ?? 'none';
    if (mode === 'silent') {
      this.counts.silent++;
      return;
    }
    if (mode === 'garbage') {
      this.counts.garbage++;
      this.writeRaw(Buffer.from(`${JUNK[this.junkIndex++ % JUNK.length]}\r\n`, 'latin1'));
      return;
    }
    const v = this.opts.value('noise_laeq', now);
    if (v === undefined || !Number.isFinite(v)) return;
    this.counts.lines++;
    this.writeRaw(formatLaeqLine(v));
  }
}
