// Coalesces concurrent ingest messages into one store call (hot path: per-call overhead, not rows,
// is what costs in SQLite and InfluxDB). Each caller's promise resolves once the batch holding ITS
// items is durable, so the broker can acknowledge exactly what was stored. One write in flight at a
// time; whatever arrives meanwhile becomes the next batch.

export interface BatcherOptions {
  /** Flush as soon as this many items are waiting. */
  maxItems: number;
  /**
   * Otherwise flush this long after the first waiting item arrived; 0 = on the next turn of the
   * event loop (setImmediate), after every message of the socket chunk being parsed was added.
   */
  maxDelayMs: number;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export class WriteBatcher<T, R = unknown> {
  private items: T[] = [];
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private inFlight: Promise<void> | undefined;
  /** When the first item of the waiting batch arrived (performance.now()). */
  private firstAt = 0;

  constructor(
    private readonly write: (batch: T[]) => Promise<R>,
    private readonly opts: BatcherOptions,
    private readonly onWritten: (result: R, batch: T[]) => void = () => undefined,
    /** Per write: how long its first item waited until stored, and the write alone (ms; metrics). */
    private readonly onTiming?: (waitedMs: number, writeMs: number) => void,
  ) {}

  add(batch: T[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (this.items.length === 0) this.firstAt = performance.now();
      for (const item of batch) this.items.push(item);
      this.waiters.push({ resolve, reject });
      if (this.items.length >= this.opts.maxItems) this.kick();
      else if (!this.timer && !this.inFlight)
        this.timer =
          this.opts.maxDelayMs > 0
            ? setTimeout(() => this.kick(), this.opts.maxDelayMs)
            : setImmediate(() => this.kick());
    });
  }

  private kick(): void {
    if (this.timer) {
      if (this.opts.maxDelayMs > 0) clearTimeout(this.timer as NodeJS.Timeout);
      else clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    if (this.inFlight || this.items.length === 0) return;
    const batch = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    const firstAt = this.firstAt;
    const writeAt = performance.now();
    this.inFlight = this.write(batch)
      .then(
        (res) => {
          if (this.onTiming) {
            const end = performance.now();
            this.onTiming(end - firstAt, end - writeAt);
          }
          this.onWritten(res, batch);
          for (const w of waiters) w.resolve();
        },
        (err: unknown) => {
          for (const w of waiters) w.reject(err);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        // What queued up during the write goes out at once: under load batches grow by themselves.
        if (this.items.length) this.kick();
      });
  }

  /** Writes whatever is waiting and waits for the write in flight. */
  async flush(): Promise<void> {
    while (this.inFlight || this.items.length) {
      this.kick();
      await this.inFlight?.catch(() => undefined);
    }
  }
}
