// Live messages arrive in bursts (a reconnect replays, an edge flushes its outbox); React should
// render at most once per animation frame. The coalescer collects items and hands them over as one
// batch on the next frame. The scheduler is injectable so tests and background tabs can drive it.

export type Scheduler = (cb: () => void) => unknown;

/** rAF while visible; a timer while the tab is hidden (browsers pause frames there). */
const defaultScheduler: Scheduler = (cb) =>
  typeof requestAnimationFrame === 'function' && !(typeof document !== 'undefined' && document.hidden)
    ? requestAnimationFrame(() => cb())
    : setTimeout(cb, 100);

export class FrameCoalescer<T> {
  private pending: T[] = [];
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly flush: (batch: T[]) => void,
    private readonly schedule: Scheduler = defaultScheduler,
  ) {}

  push(item: T): void {
    if (this.stopped) return;
    this.pending.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.run());
  }

  /** Delivers what is pending now (e.g. when the tab is hidden and frames do not run). */
  run(): void {
    this.scheduled = false;
    if (this.stopped || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.flush(batch);
  }

  stop(): void {
    this.stopped = true;
    this.pending = [];
  }
}

/** Keeps only the newest item per key (e.g. the latest reading per sensor and metric). */
export function latestByKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const it of items) out.set(key(it), it);
  return out;
}
