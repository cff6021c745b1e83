// The machine-room entry register (机房登记) for EVERY site, on the server because people write the
// register here (POST /api/visits): each door opening of a door sensor the catalogue's
// unregistered-entry rule watches is checked, once its grace has passed, against the visits that
// cover it (rules entries.ts, the same matching the evidence pack uses). None: "未登记进入机房"
// (clause 5.2.2) goes out through the AlarmHub like any alarm. It clears when the door closes, or
// when a covering visit is registered after the fact. Door states arrive as changes (the state
// series); the state before a sensor's first reading after a restart is read back from the store.
// The visits are the state backend's (VisitState): with several servers (docs/cluster.md) a visit
// written through any of them is seen by all, and a site's door openings are judged only by the
// site's owner (the holder of its duty lease), fed with the site's whole stream as its server-side
// rules are (server.ts), which picks up the site's raised alarms and recent openings from the store
// when it gains the lease and forgets them when it loses it.
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
import type { DutyLeases, VisitState } from '../state/state.ts';
import type { VisitRow } from './db.ts';

export interface EntryRegisterOptions {
  sites: Iterable<SiteConfig>;
  profiles: Map<string, DeviceProfile>;
  catalogue: ClauseCatalogue;
  store: Store;
  /** The register (the state backend's: shared by every server of a group). */
  visits: Pick<VisitState, 'list'>;
  /** Which sites' door openings this server judges (default every site): in a group, those it owns. */
  leases?: Pick<DutyLeases, 'owns' | 'owned' | 'onChange'>;
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
  /** The door's last known state (null: not known since the start, or since the site was gained). */
  last: number | null;
  /** Event time of the reading that set `last`. */
  lastAt: number | null;
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
  private handover: Promise<void> = Promise.resolve();

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
              lastAt: old?.lastAt ?? null,
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

  /** Sites with a door the rule watches (in a group, their owner follows their whole stream). */
  get sites(): string[] {
    return [...new Set([...this.doors.values()].map((d) => d.site))];
  }

  /** What each watched door was last seen doing, and when (event time): logs and tests. */
  doorStates(): { site: string; sensor: string; open: boolean | null; at: number | null }[] {
    return [...this.doors.values()].map((d) => ({
      site: d.site,
      sensor: d.sensor,
      open: d.last === null ? null : d.last === 1,
      at: d.lastAt,
    }));
  }

  /** Openings waiting for their grace to pass, or raised and not cleared yet (logs and tests). */
  get openings(): { site: string; sensor: string; start: number; raised: boolean }[] {
    return this.open.map((o) => ({ site: o.door.site, sensor: o.door.sensor, start: o.start, raised: o.raised }));
  }

  private owns(site: string): boolean {
    return this.opts.leases ? this.opts.leases.owns(site) : true;
  }

  /**
   * Picks up what a restart left for the sites this server owns (raised alarms not yet cleared, and
   * openings still in their grace), and follows the leases from then on.
   */
  async start(): Promise<void> {
    await this.gain(this.opts.leases ? this.opts.leases.owned() : this.sites);
    this.opts.leases?.onChange((gained, lost) => {
      this.handover = this.handover
        .then(async () => {
          this.lose(lost);
          await this.gain(gained);
        })
        .catch((err) =>
          this.opts.log.error({ err: (err as Error).message, gained }, 'entry register: taking over sites failed'),
        );
    });
    this.timer = setInterval(() => void this.check(), this.opts.tickMs ?? 1_000);
    this.timer.unref();
  }

  /** Sites gained: their raised alarms and the openings of the last two graces, from the store. */
  private async gain(sites: readonly string[]): Promise<void> {
    const doors = [...this.doors.values()].filter((d) => sites.includes(d.site));
    if (!doors.length) return;
    const now = this.clock.now();
    const active = await this.opts.store.readAlarms({ state: 'active' });
    for (const door of doors) {
      const mine = active.filter((a) => a.site === door.site && a.sensor === door.sensor && a.rule === door.rule.id);
      const recent = await this.opts.store.readRaw({
        site: door.site,
        sensor: door.sensor,
        metric: door.metric,
        from: now - 2 * door.graceMs - STATE_HOLD_S * 1000,
        to: now + 1,
      });
      const newest = recent[recent.length - 1];
      if (newest) {
        door.last = newest.value;
        door.lastAt = newest.ts;
      }
      const known = (start: number) => this.open.some((o) => o.door === door && o.start === start);
      for (const a of mine)
        if (!known(a.startedAt)) this.open.push({ door, start: a.startedAt, end: null, raised: true });
      for (const o of doorOpenings(door.sensor, recent))
        if (o.start >= now - 2 * door.graceMs && !known(o.start))
          this.open.push({ door, start: o.start, end: o.end, raised: false });
    }
  }

  /** Sites lost to another server: it judges their openings now; what is known of them here is dropped. */
  private lose(sites: readonly string[]): void {
    this.open = this.open.filter((o) => !sites.includes(o.door.site));
    for (const d of this.doors.values())
      if (sites.includes(d.site)) {
        d.last = null;
        d.lastAt = null;
      }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Readings of a site (alone, the ingest hook; in a group, the owner's own subscription to the
   * site): door openings and closings of the watched sensors. Sites owned elsewhere are ignored.
   */
  readings(site: string, items: StoredReading[]): void {
    if (!this.owns(site)) return;
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
    door.lastAt = r.ts;
    if (v === 1 && prev !== 1) {
      if (!this.open.some((o) => o.door === door && o.start === r.ts))
        this.open.push({ door, start: r.ts, end: null, raised: false });
    } else if (v === 0 && prev === 1) {
      for (const o of this.open) if (o.door === door && o.end === null && o.start <= r.ts) o.end = r.ts;
      await this.check();
    }
  }

  /**
   * A visit was written through this server: a check now (the owner's check of a site owned
   * elsewhere finds the visit in the shared register at its next tick).
   */
  async visitAdded(): Promise<void> {
    await this.check();
  }

  /** The register's visits that may cover an opening. */
  private async covering(o: Opening): Promise<VisitRow | undefined> {
    const rows = await this.opts.visits.list(o.door.site, o.start - 1, o.start + o.door.graceMs + 1);
    const verdict = coveringVisit(o.start, rows.map(visitSpan), o.door.graceMs);
    return verdict.visit ? rows.find((r) => r.id === verdict.visit!.id) : undefined;
  }

  /**
   * Judges openings past their grace, clears raised ones whose door closed, and raised ones a visit
   * written since covers ("registered late"). Only openings of sites this server owns.
   */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = this.clock.now();
      for (const o of [...this.open]) {
        if (!this.owns(o.door.site)) continue;
        if (!o.raised) {
          if (now < o.start + o.door.graceMs) continue;
          if (await this.covering(o)) {
            this.drop(o);
            continue;
          }
          await this.raise(o, o.start + o.door.graceMs);
        } else if (o.end === null) {
          const visit = await this.covering(o);
          if (visit) {
            await this.clear(o, now, `已补录登记 / registered late (${visit.visitor})`);
            continue;
          }
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
