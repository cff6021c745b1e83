// The newest reading of every (site, sensor, metric), the newest status of every device and when
// each device was last heard from, kept in memory so GET /api/latest and /api/devices cost a map
// walk, not a store scan. It sits on the ingest pipeline's live path (after the store write) and
// passes everything on to the real live sink; each site is warmed from the store on first use.
import type { Store, StoredReading, StoredEvent, StoredAlarm, StatusChange } from '../store/store.ts';
import type { LiveSink } from '../ingest/pipeline.ts';

interface SiteState {
  readings: Map<string, StoredReading>;
  status: Map<string, StatusChange>;
  seen: Map<string, number>;
}

/** Events that say the device itself spoke (a fault or data-gap record is about it, not from it). */
const NOT_SEEN = new Set(['device_fault', 'data_gap']);
/** How far back warming looks for counter events to set lastSeen. */
const WARM_EVENTS_MS = 86_400_000;

export class LatestValues implements LiveSink {
  private readonly sites = new Map<string, SiteState>();
  private readonly warmed = new Map<string, Promise<void>>();
  private inner: LiveSink | undefined;

  constructor(private readonly store: Store) {}

  /** Returns the sink the pipeline should push to: this, forwarding to `inner` (socket.io). */
  over(inner: LiveSink | undefined): LiveSink {
    this.inner = inner;
    return this;
  }

  private state(site: string): SiteState {
    let s = this.sites.get(site);
    if (!s) this.sites.set(site, (s = { readings: new Map(), status: new Map(), seen: new Map() }));
    return s;
  }

  private see(s: SiteState, device: string, ts: number): void {
    if ((s.seen.get(device) ?? -Infinity) < ts) s.seen.set(device, ts);
  }

  private putReading(s: SiteState, r: StoredReading): void {
    const key = `${r.sensor}\u0000${r.metric}`;
    const prev = s.readings.get(key);
    if (!prev || prev.ts <= r.ts) s.readings.set(key, r);
  }

  private putStatus(s: SiteState, c: StatusChange): void {
    const prev = s.status.get(c.device);
    if (!prev || prev.ts <= c.ts) s.status.set(c.device, c);
    if (c.status === 'online') this.see(s, c.device, c.ts);
  }

  readings(site: string, items: StoredReading[]): void {
    const s = this.state(site);
    for (const r of items) {
      this.putReading(s, r);
      this.see(s, r.sensor, r.ts);
    }
    this.inner?.readings(site, items);
  }

  events(site: string, items: StoredEvent[]): void {
    const s = this.state(site);
    for (const e of items) if (!NOT_SEEN.has(e.type)) this.see(s, e.device, e.ts);
    this.inner?.events(site, items);
  }

  alarms(site: string, items: StoredAlarm[]): void {
    this.inner?.alarms(site, items);
  }

  status(site: string, items: StatusChange[]): void {
    const s = this.state(site);
    for (const c of items) this.putStatus(s, c);
    this.inner?.status(site, items);
  }

  /**
   * Loads what the store already holds for a site, once (merged: a live value newer than the
   * stored one wins). A failed load is retried on the next call.
   */
  private warm(site: string): Promise<void> {
    let p = this.warmed.get(site);
    if (!p) {
      p = (async () => {
        const now = Date.now();
        const [readings, statuses, events] = await Promise.all([
          this.store.readLatest(site),
          this.store.readStatus({ site, from: 0, to: now + 1 }),
          this.store.readEvents({ site, from: now - WARM_EVENTS_MS, to: now + 1 }),
        ]);
        const s = this.state(site);
        for (const r of readings) {
          this.putReading(s, r);
          this.see(s, r.sensor, r.ts);
        }
        for (const c of statuses) this.putStatus(s, c);
        for (const e of events) if (!NOT_SEEN.has(e.type)) this.see(s, e.device, e.ts);
      })();
      this.warmed.set(site, p);
      p.catch(() => this.warmed.delete(site));
    }
    return p;
  }

  async latest(site: string): Promise<StoredReading[]> {
    await this.warm(site);
    return [...this.state(site).readings.values()];
  }

  /** Newest status change and last-heard time per device of a site. */
  async devices(
    site: string,
  ): Promise<{ status: ReadonlyMap<string, StatusChange>; seen: ReadonlyMap<string, number> }> {
    await this.warm(site);
    const s = this.state(site);
    return { status: s.status, seen: s.seen };
  }
}
