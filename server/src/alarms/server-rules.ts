// Clause rules on the server for sites without an edge (`rulesAt: 'server'`): one RulesRuntime per
// such site (the rules package's runtime, as on an edge: same engine, 1 s clock, snapshot in the
// data dir as rules-state-<site>.json), fed with what ingest has just stored. Its alarms go through the
// AlarmHub: stored, pushed live and notified exactly like alarms that arrive from an edge. With
// several servers (docs/cluster.md) a site's runtime runs only on the server owning the site's
// lease: it starts from the snapshot the previous owner left in the state backend when the lease
// is gained and saves and stops when it is lost. Before it takes the live stream it replays what
// the store holds of the last minutes (`history`), so the readings that arrived while no server
// owned the site (the previous owner died, its lease had not yet run out) are judged too; readings
// the snapshot had already judged are ignored by the engine as late. A changed site config rebinds
// its runtime in place (setSite: running windows, durations and open excursions of every rule that
// still exists are kept), starts one or stops it when its rules move.
import {
  loadCatalogue,
  shippedCalendar,
  toIso,
  type AlarmRecord,
  type ClauseCatalogue,
  type DeviceEvent,
  type DeviceProfile,
  type Logger,
  type NormalisedReading,
  type SiteConfig,
} from '@hallmon/firmware-config';
import { kindsNotForEngines, RulesRuntime, type Clock, type StateStore } from '@hallmon/rules';
import type { DutyLeases } from '../state/state.ts';
import type { StatusChange, StoredAlarm, StoredEvent, StoredReading } from '../store/store.ts';
import { alarmFromRecord } from '../api/wire-json.ts';

export interface ServerRulesOptions {
  sites: Iterable<SiteConfig>;
  profiles: Map<string, DeviceProfile>;
  /** Where each site's snapshot is kept (the state backend's ruleState). */
  state(site: string): Promise<StateStore>;
  /** Which sites this server runs the rules of (default: every site whose rules run on the server). */
  leases?: Pick<DutyLeases, 'owned' | 'onChange'>;
  log: Logger;
  /** Where alarms go (AlarmHub.submit). */
  publish(site: string, alarms: StoredAlarm[]): void;
  catalogue?: ClauseCatalogue;
  clock?: Clock;
  /**
   * Watermark slack, ms (default 10 s): gateways batch their uplink, so durations and gaps are closed
   * this long after the server clock passes them. Readings of one sensor older than the newest one
   * already judged are counted as late by the engine (evidence replays them from the store).
   */
  slackMs?: number;
  /**
   * Reorder bound per sensor, seconds (default 0: inputs arrive in time order, as through one
   * broker subscription). Raise it when a site's inputs can reach the runtime out of order.
   */
  lateBoundS?: number;
  /** The site's stored readings since `from`, replayed when the site is gained (a server group). */
  history?(site: string, from: number): Promise<StoredReading[]>;
  /** How far back `history` is asked for, ms (default 10 min). */
  historyMs?: number;
}

function reading(r: StoredReading): NormalisedReading {
  return {
    sensor: r.sensor,
    metric: r.metric,
    value: r.value,
    ts: toIso(r.ts),
    quality: r.quality,
    ...(r.dur !== undefined ? { dur: r.dur } : {}),
  };
}

function event(e: StoredEvent): DeviceEvent {
  const { site: _s, ts, start, end, ...rest } = e;
  return {
    ...rest,
    ts: toIso(ts),
    ...(start !== undefined ? { start: toIso(start) } : {}),
    ...(end !== undefined ? { end: toIso(end) } : {}),
  };
}

export class ServerRules {
  private readonly runtimes = new Map<string, RulesRuntime>();
  private readonly configs = new Map<string, SiteConfig>();
  private readonly catalogue: ClauseCatalogue;
  private readonly calendar = shippedCalendar();
  private started = false;
  private handover: Promise<void> = Promise.resolve();
  /** Live readings of sites being taken over, held until their history has been replayed. */
  private readonly held = new Map<string, StoredReading[]>();

  constructor(private readonly opts: ServerRulesOptions) {
    this.catalogue = opts.catalogue ?? loadCatalogue();
    for (const site of opts.sites) if (site.rulesAt === 'server') this.configs.set(site.id, site);
  }

  /** A new or changed site config: rebinds its runtime, or starts/stops one when its rules move. */
  setSite(site: SiteConfig): void {
    if (site.rulesAt !== 'server') {
      this.removeSite(site.id);
      return;
    }
    this.configs.set(site.id, site);
    const rt = this.runtimes.get(site.id);
    if (rt) return rt.rebind(site);
    if (this.started && (!this.opts.leases || this.opts.leases.owned().includes(site.id)))
      this.handover = this.handover.then(() => this.gain([site.id]));
  }

  removeSite(id: string): void {
    this.configs.delete(id);
    this.lose([id]);
  }

  /** Site ids whose rules run on the server (on this one, or on the owner of each). */
  get sites(): string[] {
    return [...this.configs.keys()];
  }

  runtimeOf(site: string): RulesRuntime | undefined {
    return this.runtimes.get(site);
  }

  /** Starts the runtimes of the sites this server owns, and follows the leases from then on. */
  async start(): Promise<void> {
    this.started = true;
    const owned = this.opts.leases ? this.opts.leases.owned() : this.sites;
    await this.gain(owned);
    this.opts.leases?.onChange((gained, lost) => {
      this.handover = this.handover.then(async () => {
        this.lose(lost);
        await this.gain(gained);
      });
    });
  }

  private async gain(sites: string[]): Promise<void> {
    for (const id of sites) {
      const site = this.configs.get(id);
      if (!site || this.runtimes.has(id) || !this.started) continue;
      if (this.opts.history) this.held.set(id, []);
      try {
        const rt = new RulesRuntime({
          site,
          profiles: this.opts.profiles,
          catalogue: this.catalogue,
          calendar: this.calendar,
          state: await this.opts.state(id),
          log: this.opts.log.child({ site: id }),
          ...(this.opts.clock ? { clock: this.opts.clock } : {}),
          slackMs: this.opts.slackMs ?? 10_000,
          lateBoundS: this.opts.lateBoundS ?? 0,
          // Follow-ups and the entry register are the server's own judges (followups/, visits/), for every site.
          excludeKinds: kindsNotForEngines(),
        });
        if (this.opts.history) {
          const now = this.opts.clock?.now() ?? Date.now();
          const past = await this.opts.history(id, now - (this.opts.historyMs ?? 600_000));
          this.runtimes.set(id, rt);
          this.readings(id, once([...past, ...(this.held.get(id) ?? [])]));
        } else this.runtimes.set(id, rt);
        rt.start((alarms) => this.emit(id, alarms));
      } catch (err) {
        this.opts.log.error({ site: id, err: (err as Error).message }, 'could not start the clause rules of a site');
      } finally {
        this.held.delete(id);
      }
    }
  }

  private lose(sites: string[]): void {
    for (const id of sites) {
      this.runtimes.get(id)?.stop();
      this.runtimes.delete(id);
    }
  }

  stop(): void {
    this.started = false;
    this.lose([...this.runtimes.keys()]);
  }
  private emit(site: string, alarms: AlarmRecord[]): void {
    // The engine writes its times with toIso, so every record maps; a record that did not is dropped.
    const stored = alarms.map(alarmFromRecord).filter((a): a is StoredAlarm => a !== null);
    if (stored.length) this.opts.publish(site, stored);
  }

  readings(site: string, items: StoredReading[]): void {
    const rt = this.runtimes.get(site);
    if (!rt) {
      this.held.get(site)?.push(...items);
      return;
    }
    // One batch may hold several sensors in any order; the engine wants each sensor in time order.
    const sorted = items.length > 1 ? [...items].sort((a, b) => a.ts - b.ts) : items;
    this.emit(site, rt.readings(sorted.map(reading)));
  }

  events(site: string, items: StoredEvent[]): void {
    const rt = this.runtimes.get(site);
    if (!rt) return;
    const out: AlarmRecord[] = [];
    for (const e of [...items].sort((a, b) => a.ts - b.ts)) out.push(...rt.event(event(e)));
    this.emit(site, out);
  }

  status(site: string, items: StatusChange[]): void {
    const rt = this.runtimes.get(site);
    if (!rt) return;
    const out: AlarmRecord[] = [];
    for (const s of items) out.push(...rt.status(s.device, s.status, s.ts));
    this.emit(site, out);
  }
}

/** Each (sensor, metric, ts) once: the replayed history and the held live stream overlap. */
function once(items: StoredReading[]): StoredReading[] {
  const seen = new Set<string>();
  return items.filter((r) => {
    const k = `${r.sensor}\u0000${r.metric}\u0000${r.ts}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
