// What the live feed has told us, kept outside React: the latest reading per sensor and metric, a
// rolling LAeq,5min and the hour of readings behind the 1/5/15/60 min windows per noise sensor,
// the day's counter events, device status and live alarms.
// Messages are applied in batches (one per animation frame) and bump `version` once per batch, so
// React re-renders at most once per frame however fast the server pushes.
import type { Alarm, DeviceEvent, Reading, StatusChange } from '@hallmon/contract';
import { RollingLaeq, RollingNoise } from '@hallmon/rules';
import { isNewCritical, mergeAlarm } from '../lib/alarms.ts';

export type LiveMessage =
  | { kind: 'reading'; data: Reading }
  | { kind: 'event'; data: DeviceEvent }
  | { kind: 'status'; data: StatusChange }
  | { kind: 'alarm'; data: Alarm };

export type ConnState = 'idle' | 'connecting' | 'connected' | 'reconnecting';

/** Events kept per site (a busy hall issues a few thousand tickets a day). */
const MAX_EVENTS = 20_000;
const NOISE_WINDOW_S = 300;

export const readingKey = (site: string, sensor: string, metric: string) => `${site}\u0000${sensor}\u0000${metric}`;

export class LiveStore {
  version = 0;
  conn: ConnState = 'idle';
  /** Increments on every reconnect, so pages can refetch what they missed. */
  reconnects = 0;
  readonly latest = new Map<string, Reading>();
  readonly noise = new Map<string, RollingLaeq>();
  readonly windows = new Map<string, RollingNoise>();
  readonly events = new Map<string, DeviceEvent[]>();
  readonly status = new Map<string, StatusChange>();
  alarms: Alarm[] = [];
  private readonly seenRaised = new Set<string>();
  private readonly listeners = new Set<() => void>();

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  getVersion = (): number => this.version;

  private bump(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  setConn(state: ConnState): void {
    if (state === this.conn) return;
    if (state === 'connected' && this.conn === 'reconnecting') this.reconnects++;
    this.conn = state;
    this.bump();
  }

  /** Applies a batch; returns the critical alarms newly raised in it (for toast and beep). */
  apply(batch: readonly LiveMessage[]): Alarm[] {
    const newCritical: Alarm[] = [];
    for (const m of batch) {
      switch (m.kind) {
        case 'reading':
          this.applyReading(m.data);
          break;
        case 'event': {
          let list = this.events.get(m.data.site);
          if (!list) this.events.set(m.data.site, (list = []));
          list.push(m.data);
          if (list.length > MAX_EVENTS) list.splice(0, list.length - MAX_EVENTS);
          break;
        }
        case 'status':
          this.status.set(`${m.data.site}\u0000${m.data.device}`, m.data);
          break;
        case 'alarm':
          if (isNewCritical(this.seenRaised, m.data)) newCritical.push(m.data);
          this.seenRaised.add(m.data.id);
          this.alarms = mergeAlarm(this.alarms, m.data);
          break;
      }
    }
    if (batch.length > 0) this.bump();
    return newCritical;
  }

  /** Readings fetched over HTTP (seeding) go through the same path as live ones. */
  applyReading(r: Reading): void {
    const key = readingKey(r.site, r.sensor, r.metric);
    const prev = this.latest.get(key);
    if (!prev || Date.parse(prev.ts) <= Date.parse(r.ts)) this.latest.set(key, r);
    if (r.metric === 'noise_laeq') {
      const s = { ts: Date.parse(r.ts), level: r.value, dur: r.dur ?? 1 };
      this.rolling(r.site, r.sensor).push(s);
      this.noiseWindows(r.site, r.sensor).push(s);
    }
  }

  seedReadings(rs: readonly Reading[]): void {
    for (const r of rs) this.applyReading(r);
    this.bump();
  }

  /** Alarms the app already knows from HTTP do not beep when the live feed repeats them. */
  knowAlarms(list: readonly Alarm[]): void {
    for (const a of list) this.seenRaised.add(a.id);
  }

  /** Alarms fetched over HTTP: merged by id, and never announced as new. */
  loadAlarms(list: readonly Alarm[]): void {
    this.knowAlarms(list);
    const byId = new Map(this.alarms.map((a) => [a.id, a]));
    for (const a of list) byId.set(a.id, byId.has(a.id) ? mergeAlarm([byId.get(a.id)!], a)[0]! : a);
    this.alarms = [...byId.values()];
    this.bump();
  }

  rolling(site: string, sensor: string): RollingLaeq {
    const key = `${site}\u0000${sensor}`;
    let r = this.noise.get(key);
    if (!r) this.noise.set(key, (r = new RollingLaeq(NOISE_WINDOW_S)));
    return r;
  }

  /** The last hour of a noise sensor's readings: LAeq, L10/L50/L90, Lmax over 1, 5, 15 and 60 min. */
  noiseWindows(site: string, sensor: string): RollingNoise {
    const key = `${site}\u0000${sensor}`;
    let r = this.windows.get(key);
    if (!r) this.windows.set(key, (r = new RollingNoise()));
    return r;
  }

  reading(site: string, sensor: string, metric: string): Reading | undefined {
    return this.latest.get(readingKey(site, sensor, metric));
  }

  deviceStatus(site: string, device: string): StatusChange | undefined {
    return this.status.get(`${site}\u0000${device}`);
  }

  siteEvents(site: string): readonly DeviceEvent[] {
    return this.events.get(site) ?? [];
  }
}
