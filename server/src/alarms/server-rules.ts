// Clause rules on the server for sites without an edge (`rulesAt: 'server'`): one RulesRuntime per
// such site (the rules package's runtime, as on an edge: same engine, 1 s clock, snapshot in the
// data dir as rules-state-<site>.json), fed with what ingest has just stored. Its alarms go through the
// AlarmHub: stored, pushed live and notified exactly like alarms that arrive from an edge. A changed
// site config rebinds its runtime in place (setSite: running windows, durations and open excursions
// of every rule that still exists are kept), starts one or stops it when its rules move.
import { join } from 'node:path';
import {
  JsonStateFile,
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
import { kindsJudgedBy, RulesRuntime, type Clock } from '@hallmon/rules';
import type { StatusChange, StoredAlarm, StoredEvent, StoredReading } from '../store/store.ts';
import { alarmFromRecord } from '../api/wire-json.ts';

export interface ServerRulesOptions {
  sites: Iterable<SiteConfig>;
  profiles: Map<string, DeviceProfile>;
  dataDir: string;
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
  private readonly catalogue: ClauseCatalogue;
  private readonly calendar = shippedCalendar();
  private started = false;

  constructor(private readonly opts: ServerRulesOptions) {
    this.catalogue = opts.catalogue ?? loadCatalogue();
    for (const site of opts.sites) if (site.rulesAt === 'server') this.runtimes.set(site.id, this.runtime(site));
  }

  private runtime(site: SiteConfig): RulesRuntime {
    const { opts } = this;
    return new RulesRuntime({
      site,
      profiles: opts.profiles,
      catalogue: this.catalogue,
      calendar: this.calendar,
      state: new JsonStateFile(join(opts.dataDir, `rules-state-${site.id}.json`)),
      log: opts.log.child({ site: site.id }),
      ...(opts.clock ? { clock: opts.clock } : {}),
      slackMs: opts.slackMs ?? 10_000,
      lateBoundS: 0,
      // Follow-ups are the FollowupTracker's (server/src/followups), for every site.
      excludeKinds: kindsJudgedBy('followup-tracker'),
    });
  }

  /** A new or changed site config: rebinds its runtime, or starts/stops one when its rules move. */
  setSite(site: SiteConfig): void {
    const rt = this.runtimes.get(site.id);
    if (site.rulesAt !== 'server') {
      if (rt) this.removeSite(site.id);
      return;
    }
    if (rt) return rt.rebind(site);
    const fresh = this.runtime(site);
    this.runtimes.set(site.id, fresh);
    if (this.started) fresh.start((alarms) => this.emit(site.id, alarms));
  }

  removeSite(id: string): void {
    const rt = this.runtimes.get(id);
    if (!rt) return;
    rt.stop();
    this.runtimes.delete(id);
  }

  /** Site ids whose rules run here. */
  get sites(): string[] {
    return [...this.runtimes.keys()];
  }

  runtimeOf(site: string): RulesRuntime | undefined {
    return this.runtimes.get(site);
  }

  start(): void {
    this.started = true;
    for (const [site, rt] of this.runtimes) rt.start((alarms) => this.emit(site, alarms));
  }

  stop(): void {
    this.started = false;
    for (const rt of this.runtimes.values()) rt.stop();
  }

  private emit(site: string, alarms: AlarmRecord[]): void {
    // The engine writes its times with toIso, so every record maps; a record that did not is dropped.
    const stored = alarms.map(alarmFromRecord).filter((a): a is StoredAlarm => a !== null);
    if (stored.length) this.opts.publish(site, stored);
  }

  readings(site: string, items: StoredReading[]): void {
    const rt = this.runtimes.get(site);
    if (!rt) return;
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
