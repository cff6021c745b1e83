// The machine-room entry register (机房登记) for EVERY site, on the server because people write the
// register here (POST /api/visits): each door opening of a door sensor the catalogue's
// unregistered-entry rule watches is checked, once its grace has passed, against the visits that
// cover it (rules entries.ts, the same matching the evidence pack uses). None: "未登记进入机房"
// (clause 5.2.2) goes out through the AlarmHub like any alarm. It clears when the door closes, or
// when a covering visit is registered after the fact. Door states arrive as changes (the state
// series); the state before a sensor's first reading after a restart is read back from the store.
import {
  deviceProfile,
  shippedCalendar,
  STATE_HOLD_S,
  toIso,
  type ClauseCatalogue,
  type DeviceProfile,
  type Logger,
  type Metric,
  type RuleDef,
  type SiteConfig,
} from '@hallmon/firmware-config';
import {
  coveringVisit,
  DEFAULT_ENTRY_GRACE_S,
  doorOpenings,
  effectiveRule,
  ruleKind,
  type VisitSpan,
} from '@hallmon/rules';
import type { Store, StoredAlarm, StoredReading } from '../store/store.ts';
import type { VisitDb, VisitRow } from './db.ts';

export interface EntryRegisterOptions {
  sites: Iterable<SiteConfig>;
  profiles: Map<string, DeviceProfile>;
  catalogue: ClauseCatalogue;
  store: Store;
  visits: VisitDb;
  log: Logger;
  /** Where alarms go (AlarmHub.publish). */
  publish(site: string, alarms: StoredAlarm[]): Promise<unknown>;
  /** Event-time clock (a SimClock in tests and fast simulations). */
  clock?: { now(): number };
  tickMs?: number;
}

/** A door sensor the rule watches. */
interface Door {
  site: string;
  sensor: string;
  metric: Metric;
  clause: string;
  rule: RuleDef;
  graceMs: number;
  /** The door's last known state (null: not known since the start). */
  last: number | null;
  /** The door's readings are applied one after another, in the order they were stored. */
  queue: Promise<void>;
}

interface Opening {
  door: Door;
  start: number;
  /** Closed at (event time), once known. */
  end: number | null;
  raised: boolean;
}

const visitSpan = (v: VisitRow): VisitSpan => ({
  id: v.id,
  inAt: v.inAt,
  outAt: v.outAt,
  createdAt: v.createdAt,
});

export class EntryRegister {
  private readonly doors = new Map<string, Door>();
  private readonly clock: { now(): number };
  /** Openings waiting for their grace to pass, or raised and not yet cleared. */
  private open: Opening[] = [];
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(private readonly opts: EntryRegisterOptions) {
    this.clock = opts.clock ?? { now: () => Date.now() };
    for (const site of opts.sites) this.setSite(site);
  }

  /**
   * A new or changed site config: the door sensors the rule watches there, with the rule as the
   * site's overrides make it (its grace). A door's state and open checks survive the change.
   */
  setSite(site: SiteConfig): void {
    const mine = (r: RuleDef) => ruleKind(r.kind).liveBy === 'entry-register';
    const doors = new Map<string, Door>();
    const bind = {
      site,
      catalogue: this.opts.catalogue,
      calendar: shippedCalendar(),
      profiles: this.opts.profiles,
      ...(site.overrides ? { overrides: site.overrides } : {}),
      ...(site.limitProfiles ? { limitProfiles: site.limitProfiles } : {}),
    };
    for (const c of this.opts.catalogue.clauses)
      for (const def of c.rules.filter(mine))
        for (const zone of site.zones) {
          if (!def.zoneKinds.includes(zone.kind)) continue;
          const rule = effectiveRule(def, zone.id, bind);
          const metric = rule.metric ?? 'door_open';
          for (const d of zone.devices) {
            if (!deviceProfile(this.opts.profiles, d)?.metrics.some((m) => m.metric === metric)) continue;
            const key = `${site.id}\u0000${d.id}\u0000${metric}`;
            const old = this.doors.get(key);
            const door: Door = {
              site: site.id,
              sensor: d.id,
              metric,
              clause: c.id,
              rule,
              graceMs: (rule.params?.graceS ?? DEFAULT_ENTRY_GRACE_S) * 1000,
              last: old?.last ?? null,
              queue: old?.queue ?? Promise.resolve(),
            };
            doors.set(key, door);
            for (const o of this.open) if (o.door === old) o.door = door;
          }
        }
    this.removeSite(site.id);
    for (const [k, d] of doors) this.doors.set(k, d);
  }

  /** A removed site: its doors are no longer watched (raised alarms stay in the store). */
  removeSite(id: string): void {
    for (const [k, d] of this.doors) if (d.site === id) this.doors.delete(k);
    this.open = this.open.filter((o) => o.door.site !== id || [...this.doors.values()].includes(o.door));
  }

  /** Door sensors watched, as `site/sensor` (health, logs). */
  get watched(): string[] {
    return [...this.doors.values()].map((d) => `${d.site}/${d.sensor}`);
  }

  /** Picks up what a restart left: raised alarms not yet cleared, and openings still in their grace. */
  async start(): Promise<void> {
    const now = this.clock.now();
    const active = await this.opts.store.readAlarms({ state: 'active' });
    for (const door of this.doors.values()) {
      const mine = active.filter((a) => a.site === door.site && a.sensor === door.sensor && a.rule === door.rule.id);
      const recent = await this.opts.store.readRaw({
        site: door.site,
        sensor: door.sensor,
        metric: door.metric,
        from: now - 2 * door.graceMs - STATE_HOLD_S * 1000,
        to: now + 1,
      });
      if (recent.length) door.last = recent[recent.length - 1]!.value;
      for (const a of mine) this.open.push({ door, start: a.startedAt, end: null, raised: true });
      for (const o of doorOpenings(door.sensor, recent))
        if (o.start >= now - 2 * door.graceMs && !mine.some((a) => a.startedAt === o.start))
          this.open.push({ door, start: o.start, end: o.end, raised: false });
    }
    this.timer = setInterval(() => void this.check(), this.opts.tickMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stored readings of a site (ingest hook): door openings and closings of the watched sensors. */
  readings(site: string, items: StoredReading[]): void {
    for (const r of items) {
      const door = this.doors.get(`${site}\u0000${r.sensor}\u0000${r.metric}`);
      if (!door) continue;
      door.queue = door.queue
        .then(() => this.door(door, r))
        .catch((err) =>
          this.opts.log.error({ err: (err as Error).message, site, sensor: r.sensor }, 'entry register: door reading'),
        );
    }
  }

  private async door(door: Door, r: StoredReading): Promise<void> {
    if (r.quality !== 'ok') return;
    const v = r.value >= 0.5 ? 1 : 0;
    if (door.last === null) {
      // After a restart: was the door already open (this is a refresh) or is this an opening?
      const before = await this.opts.store.readRaw({
        site: door.site,
        sensor: door.sensor,
        metric: door.metric,
        from: r.ts - STATE_HOLD_S * 1000,
        to: r.ts,
      });
      door.last = before.length ? before[before.length - 1]!.value : 0;
    }
    const prev = door.last;
    door.last = v;
    if (v === 1 && prev !== 1) {
      if (!this.open.some((o) => o.door === door && o.start === r.ts))
        this.open.push({ door, start: r.ts, end: null, raised: false });
    } else if (v === 0 && prev === 1) {
      for (const o of this.open) if (o.door === door && o.end === null && o.start <= r.ts) o.end = r.ts;
      await this.check();
    }
  }

  /** A visit was written: alarms it covers clear ("registered late"). */
  async visitAdded(v: VisitRow): Promise<void> {
    await this.check();
    for (const o of this.open.filter((x) => x.raised && x.door.site === v.site)) {
      const verdict = coveringVisit(o.start, [visitSpan(v)], o.door.graceMs);
      if (verdict.visit) await this.clear(o, this.clock.now(), `已补录登记 / registered late (${v.visitor})`);
    }
  }

  /** Judges openings past their grace and clears raised ones whose door closed. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = this.clock.now();
      for (const o of [...this.open]) {
        if (!o.raised) {
          if (now < o.start + o.door.graceMs) continue;
          const visits = this.opts.visits.list(o.door.site, o.start - 1, o.start + o.door.graceMs + 1).map(visitSpan);
          const verdict = coveringVisit(o.start, visits, o.door.graceMs);
          if (verdict.visit) {
            this.drop(o);
            continue;
          }
          await this.raise(o, o.start + o.door.graceMs);
        }
        if (o.raised && o.end !== null) await this.clear(o, o.end, `门已关闭 / door closed`);
      }
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'entry register check failed; trying again shortly');
    } finally {
      this.checking = false;
    }
  }

  private alarm(o: Opening, state: 'raised' | 'cleared', ts: number, message: string): StoredAlarm {
    const d = o.door;
    return {
      id: `${d.site}:${d.rule.id}:${d.sensor}:${o.start}`,
      site: d.site,
      clause: d.clause,
      rule: d.rule.id,
      sensor: d.sensor,
      severity: d.rule.severity,
      state,
      ts,
      startedAt: o.start,
      ...(state === 'cleared' ? { clearedAt: ts, peak: (ts - o.start) / 1000 } : {}),
      limit: d.graceMs / 1000,
      message: message.slice(0, 500),
    };
  }

  private async raise(o: Opening, at: number): Promise<void> {
    o.raised = true;
    const msg = `${o.door.rule.title}：${toIso(o.start)} 开门，无有效登记 / door opened with no visit registered`;
    this.opts.log.warn({ site: o.door.site, sensor: o.door.sensor, start: toIso(o.start) }, 'unregistered entry');
    await this.opts.publish(o.door.site, [this.alarm(o, 'raised', at, msg)]);
  }

  private async clear(o: Opening, at: number, why: string): Promise<void> {
    this.drop(o);
    await this.opts.publish(o.door.site, [this.alarm(o, 'cleared', at, `${o.door.rule.title}（${why}）`)]);
  }

  private drop(o: Opening): void {
    this.open = this.open.filter((x) => x !== o);
  }
}
