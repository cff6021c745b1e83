// Reads a meter that streams ASCII lines over RS-232 (e.g. a sound level meter printing
// "LAeq,1s= 072.4 dB\r\n" every second): splits lines on the profile's delimiter, matches each
// metric's pattern, and reports junk as parse errors without ever letting it crash the edge.
// The port may vanish (USB adapter out): the driver reports it and reopens with backoff.
import { SerialPort } from 'serialport';
import type { DeviceProfile, DeviceStatus, Metric, SerialMeter, Logger } from '@hallmon/firmware-config';
import type { Driver, DriverSink } from './driver.ts';
import { Backoff, sleep } from './backoff.ts';
import { portVanished } from './port-name.ts';
import { ERR, errFields } from '../errors.ts';

export interface AsciiLineDriverOptions {
  meter: SerialMeter;
  profile: DeviceProfile;
  sink: DriverSink;
  log: Logger;
}

interface LinePattern {
  metric: Metric;
  re: RegExp;
  scale: number;
  intervalS?: number;
}

const DEFAULT_MAX_LINE = 256;
/** Parse errors are logged at most this often (with a count); each one is still reported to the sink. */
const PARSE_LOG_EVERY_MS = 60_000;

/** Splits a byte stream into lines; a line longer than maxLength is dropped whole and reported. */
export class LineSplitter {
  private buf: Buffer = Buffer.alloc(0);
  private overlong = false;
  /** Bytes of the current overlong line already thrown away. */
  private dropped = 0;

  constructor(
    private readonly delimiter: Buffer,
    private readonly maxLength: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: (length: number) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const at = this.buf.indexOf(this.delimiter);
      if (at < 0) {
        if (this.buf.length > this.maxLength) {
          // Keep only what could be the start of a split delimiter; memory stays bounded.
          const keep = this.delimiter.length - 1;
          this.dropped += this.buf.length - keep;
          this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
          this.overlong = true;
        }
        break;
      }
      const line = this.buf.subarray(0, at);
      this.buf = this.buf.subarray(at + this.delimiter.length);
      if (this.overlong || line.length > this.maxLength) {
        this.overlong = false;
        this.onOverlong(line.length + this.dropped);
        this.dropped = 0;
        continue;
      }
      // latin1: junk bytes stay one character each instead of becoming U+FFFD.
      this.onLine(line.toString('latin1'));
    }
  }

  reset(): void {
    this.buf = Buffer.alloc(0);
    this.overlong = false;
    this.dropped = 0;
  }
}

export class AsciiLineDriver implements Driver {
  readonly name: string;
  private readonly patterns: LinePattern[];
  private readonly splitter: LineSplitter;
  private readonly offlineAfterMs: number;
  private readonly serial: { baudRate: number; dataBits: 7 | 8; parity: 'none' | 'even' | 'odd'; stopBits: 1 | 2 };
  private port: SerialPort | undefined;
  private abort = new AbortController();
  private loop: Promise<void> | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private status: DeviceStatus | 'unknown' = 'unknown';
  private lastValid = 0;
  /** Lines of the chunk being split, stamped once the whole chunk is split (see stampBacklog). */
  private chunkLines: string[] | undefined;
  /** The meter writes one line per this many ms (the profile's interval). */
  private readonly lineIntervalMs: number;
  /** Sample time of the previous valid line: sample times only ever increase. */
  private lastTs = 0;
  private parseErrors = 0;
  private parseLoggedAt = 0;

  constructor(private readonly opts: AsciiLineDriverOptions) {
    const { meter, profile } = opts;
    this.name = `ascii-line ${meter.port}`;
    if (profile.transport !== 'ascii-line')
      throw new Error(`${this.name}: profile "${profile.id}" of "${meter.id}" is ${profile.transport}, not ascii-line`);
    this.patterns = profile.metrics
      .filter((m) => m.line)
      .map((m) => ({
        metric: m.metric,
        re: new RegExp(m.line!.pattern),
        scale: m.line!.scale ?? 1,
        intervalS: m.intervalS,
      }));
    if (!this.patterns.length) throw new Error(`${this.name}: profile "${profile.id}" has no line patterns`);
    const maxInterval = Math.max(...this.patterns.map((p) => p.intervalS ?? 1));
    this.lineIntervalMs = maxInterval * 1000;
    // Offline after 10 s or 10 intervals without a valid line, whichever is longer.
    this.offlineAfterMs = Math.max(10_000, 10 * maxInterval * 1000);
    this.serial = {
      baudRate: meter.baudRate ?? profile.serial?.baudRate ?? 9600,
      dataBits: meter.dataBits ?? profile.serial?.dataBits ?? 8,
      parity: meter.parity ?? profile.serial?.parity ?? 'none',
      stopBits: meter.stopBits ?? profile.serial?.stopBits ?? 1,
    };
    const delimiter = Buffer.from(profile.ascii?.delimiter ?? '\r\n', 'latin1');
    this.splitter = new LineSplitter(
      delimiter,
      profile.ascii?.maxLineLength ?? DEFAULT_MAX_LINE,
      (line) => (this.chunkLines ? this.chunkLines.push(line) : this.onLine(line, Date.now())),
      (len) => this.parseError(`line of ${len} bytes is longer than the profile's maxLineLength; dropped`),
    );
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.abort = new AbortController();
    this.lastValid = Date.now();
    this.watchdog = setInterval(() => this.checkAlive(), 1000);
    this.loop = this.run().catch((err) =>
      this.opts.log.error({ err, driver: this.name }, 'ascii-line loop ended by a bug'),
    );
  }

  async stop(): Promise<void> {
    if (!this.loop) return;
    this.abort.abort();
    clearInterval(this.watchdog);
    await this.closePort();
    await this.loop;
    this.loop = undefined;
  }

  private get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    const { meter, log } = this.opts;
    const backoff = new Backoff();
    let reported = false;
    while (!this.stopping) {
      const port = new SerialPort({ path: meter.port, ...this.serial, autoOpen: false });
      port.on('error', () => undefined); // open errors arrive via the callback, runtime ones as 'close'
      port.on('data', (chunk: Buffer) => {
        const arrived = Date.now();
        this.chunkLines = [];
        this.splitter.push(chunk);
        const lines = this.chunkLines;
        this.chunkLines = undefined;
        this.stampBacklog(lines, arrived);
      });
      const closed = new Promise<void>((resolve) => port.once('close', () => resolve()));
      try {
        await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
      } catch (err) {
        if (!reported) {
          this.disconnected(ERR.SERIAL_OPEN, `cannot open ${meter.port}: ${(err as Error).message}`);
          reported = true;
        }
        await sleep(backoff.next(), this.abort.signal);
        continue;
      }
      if (this.stopping) {
        await closeQuietly(port);
        return;
      }
      this.port = port;
      backoff.reset();
      if (reported) log.info({ driver: this.name }, 'serial port reopened');
      await Promise.race([
        closed,
        new Promise<void>((resolve) => this.abort.signal.addEventListener('abort', () => resolve(), { once: true })),
      ]);
      this.port = undefined;
      this.splitter.reset();
      if (this.stopping) {
        await closeQuietly(port);
        return;
      }
      this.disconnected(ERR.SERIAL_DISCONNECTED, `serial port ${meter.port} closed`);
      reported = true;
      await closeQuietly(port);
      await sleep(backoff.next(), this.abort.signal);
    }
  }

  private disconnected(code: typeof ERR.SERIAL_OPEN | typeof ERR.SERIAL_DISCONNECTED, detail: string): void {
    const now = Date.now();
    this.opts.log.warn({ driver: this.name, device: this.opts.meter.id, ...errFields(code) }, detail);
    this.opts.sink.fault('disconnected', this.opts.meter.id, detail, now);
    this.setStatus('offline', now);
  }

  private setStatus(status: DeviceStatus, ts: number): void {
    if (this.status === status) return;
    this.status = status;
    this.opts.sink.status(this.opts.meter.id, status, ts);
  }

  private checkAlive(): void {
    const now = Date.now();
    if (this.status !== 'offline' && now - this.lastValid > this.offlineAfterMs) {
      this.opts.log.warn(
        { driver: this.name, device: this.opts.meter.id, ...errFields(ERR.DEVICE_OFFLINE) },
        `no valid line for ${Math.round((now - this.lastValid) / 1000)} s`,
      );
      this.setStatus('offline', now);
    }
    // A vanished device node (USB adapter pulled) does not always close the fd at once.
    const port = this.port;
    if (port?.isOpen && portVanished(this.opts.meter.port)) port.close(() => undefined);
  }

  /**
   * The meter writes one line per interval, so several complete lines in one read are a backlog (a
   * stalled host, a buffering adapter): the last was measured at arrival, each earlier one an
   * interval before it. Stamping them all with the arrival time would make them one reading.
   */
  private stampBacklog(raw: string[], arrived: number): void {
    const lines = raw.filter((l) => l.trim());
    lines.forEach((l, i) => this.onLine(l, arrived - (lines.length - 1 - i) * this.lineIntervalMs));
  }

  private onLine(raw: string, arrivedTs: number): void {
    const line = raw.trim();
    if (!line) return; // blank lines between records carry nothing
    // Never at or before the previous line (two reads within a millisecond, a clock step back).
    const ts = Math.max(arrivedTs, this.lastTs + 1);
    const { sink, meter } = this.opts;
    let matched = 0;
    for (const p of this.patterns) {
      const v = p.re.exec(line)?.groups?.value;
      if (v === undefined) continue;
      const value = Number(v) * p.scale;
      if (!Number.isFinite(value)) continue;
      matched++;
      sink.sample({
        sensor: meter.id,
        metric: p.metric,
        value,
        ts,
        ...(p.intervalS !== undefined ? { dur: p.intervalS } : {}),
      });
    }
    if (!matched) {
      this.parseError(`unrecognised line ${JSON.stringify(line.slice(0, 60))}`);
      return;
    }
    sink.polled(meter.id);
    this.lastTs = ts;
    this.lastValid = ts;
    this.setStatus('online', ts);
  }

  private parseError(detail: string): void {
    const now = Date.now();
    this.opts.sink.fault('parse-error', this.opts.meter.id, detail, now);
    this.parseErrors++;
    if (now - this.parseLoggedAt >= PARSE_LOG_EVERY_MS) {
      this.opts.log.warn(
        { driver: this.name, device: this.opts.meter.id, count: this.parseErrors, ...errFields(ERR.ASCII_PARSE) },
        detail,
      );
      this.parseLoggedAt = now;
      this.parseErrors = 0;
    }
  }

  private async closePort(): Promise<void> {
    const p = this.port;
    this.port = undefined;
    if (p) await closeQuietly(p);
  }
}

function closeQuietly(port: SerialPort): Promise<void> {
  if (!port.isOpen) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = setTimeout(resolve, 2000);
    port.close(() => {
      clearTimeout(done);
      resolve();
    });
  });
}
