// Live clause rules: wraps the pure RuleEngine for one site with a clock (a 1 s timer calls advance)
// and a snapshot kept through a StateStore, so a restart resumes a half-elapsed minimum duration
// instead of starting it over. The edge runs one for its own site; the server one per site whose
// rules run there (`rulesAt: 'server'`). Transitions come out as contract AlarmRecords.
import {
  isValid,
  parseTimestamp,
  type AlarmRecord,
  type ClauseCatalogue,
  type DeviceEvent,
  type DeviceProfile,
  type DeviceStatus,
  type NormalisedReading,
  type SiteConfig,
  type WorkingCalendar,
} from '@hallmon/firmware-config/core';
import { Type } from '@sinclair/typebox';
import { EngineState, RuleEngine, type EngineOptions } from './engine.ts';
import { kindsNotForEngines } from './kinds/index.ts';
import type { FollowupStage, Transition } from './types.ts';

/** Counter-device inputs held until the watermark passes them (see slackMs). */
type Held = { ts: number; event: DeviceEvent } | { ts: number; device: string; status: DeviceStatus };

/** rules-state.json: the engine snapshot plus the device inputs not yet released to it. */
const StateFile = Type.Object({ version: Type.Literal(1), engine: EngineState, held: Type.Array(Type.Any()) });

export interface Clock {
  now(): number;
}

/** Where the runtime keeps its snapshot (a JSON file on the edge and the server; nothing in tests). */
export interface StateStore {
  /** The saved snapshot, or undefined when there is none; throws when it cannot be read. */
  load(): unknown;
  /** Saves atomically: a crash mid-write leaves the previous snapshot intact. */
  save(snapshot: unknown): void;
  /** Moves an unreadable snapshot out of the way; answers where it went. */
  setAside(): string;
  /** Where it is kept, for log lines. */
  readonly where: string;
}

/** What the runtime logs: a start-up restore, and a snapshot it cannot read or write. */
export interface RuntimeLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

export interface RulesRuntimeOptions {
  site: SiteConfig;
  profiles: Map<string, DeviceProfile>;
  catalogue: ClauseCatalogue;
  calendar: WorkingCalendar;
  log: RuntimeLog;
  /** Where the snapshot lives; without one the state lasts as long as the process. */
  state?: StateStore;
  overrides?: EngineOptions['overrides'];
  limitProfiles?: EngineOptions['limitProfiles'];
  /**
   * Rule kinds this runtime does not judge. Default: the kinds the server judges for every site with
   * what people record there (bad-rating follow-ups, the machine-room entry register).
   */
  excludeKinds?: EngineOptions['excludeKinds'];
  /** Event-time clock (default real time; tests and fast simulations pass a SimClock). */
  clock?: Clock;
  /**
   * Reorder bound per sensor, seconds. Default 0: every serial sensor is read by one poller, so its
   * readings arrive in time order and an alarm follows the crossing reading at once (no waiting for
   * later readings). Raise it when inputs of one device can arrive out of order.
   */
  lateBoundS?: number;
  /**
   * How far behind the clock the watermark runs, ms (default 5000). Counter-device events and status
   * changes are held and released to the engine in time order once the watermark passes them: a
   * device's status is stamped on arrival while its events carry the device's own (earlier) time,
   * e.g. the ratings an evaluator buffered while offline and sends right after reconnecting.
   */
  slackMs?: number;
  tickMs?: number;
  saveEveryMs?: number;
}

/** What the agent needs from a rules component (see EdgeAgentOptions.rules). */
export interface AgentRules {
  start(push: (alarms: AlarmRecord[]) => void): void;
  stop(): void;
  reading(r: NormalisedReading): AlarmRecord[];
  event(e: DeviceEvent): AlarmRecord[];
  status(device: string, status: DeviceStatus, ts: number): AlarmRecord[];
}

export class RulesRuntime implements AgentRules {
  private current: RuleEngine;
  private readonly clock: Clock;
  private readonly slackMs: number;
  private push: ((alarms: AlarmRecord[]) => void) | undefined;
  private tickTimer: ReturnType<typeof setInterval> | undefined;
  private saveTimer: ReturnType<typeof setInterval> | undefined;
  private dirty = false;
  private held: Held[] = [];
  private running = false;
  /** Transitions produced so far (counters for health and tests). */
  raised = 0;
  cleared = 0;

  constructor(private opts: RulesRuntimeOptions) {
    this.current = this.makeEngine(opts.site);
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.slackMs = opts.slackMs ?? 5_000;
  }

  /** The engine in use (a new one after rebind). */
  get engine(): RuleEngine {
    return this.current;
  }

  private makeEngine(site: SiteConfig): RuleEngine {
    const { opts } = this;
    return new RuleEngine({
      site,
      profiles: opts.profiles,
      catalogue: opts.catalogue,
      calendar: opts.calendar,
      lateBoundS: opts.lateBoundS ?? 0,
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
      ...(opts.limitProfiles ? { limitProfiles: opts.limitProfiles } : {}),
      excludeKinds: opts.excludeKinds ?? kindsNotForEngines(),
    });
  }

  /**
   * Binds the rules to a changed config of the same site (devices added or removed, limits changed)
   * and carries the state over: every rule that still exists keeps its running windows, durations and
   * open excursions (the engine's snapshot and restore, keyed by rule and sensor); new rules start
   * fresh. Throws a ConfigError, leaving the running engine as it was, when the config cannot be bound.
   */
  rebind(site: SiteConfig): void {
    if (site.id !== this.opts.site.id)
      throw new Error(`rebind: site "${site.id}" is not this runtime's site "${this.opts.site.id}"`);
    const next = this.makeEngine(site);
    next.restore(this.current.snapshot());
    this.current = next;
    this.opts = { ...this.opts, site };
    this.dirty = true;
    if (this.running) this.save();
  }

  /** Where the snapshot is kept (for log lines), or undefined when it lasts as long as the process. */
  get stateWhere(): string | undefined {
    return this.opts.state?.where;
  }

  /** Restores the saved state (a bad file is set aside, not fatal) and starts the clock. */
  start(push: (alarms: AlarmRecord[]) => void): void {
    if (this.running) return;
    this.push = push;
    this.restore();
    this.running = true;
    this.tickTimer = setInterval(() => this.tick(), this.opts.tickMs ?? 1_000);
    this.saveTimer = setInterval(() => this.save(), this.opts.saveEveryMs ?? 5_000);
  }

  /** Stops the clock and saves the state. Inputs still arriving are evaluated (and saved by save()). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.tickTimer);
    clearInterval(this.saveTimer);
    this.tickTimer = this.saveTimer = undefined;
    this.save(true);
  }

  reading(r: NormalisedReading): AlarmRecord[] {
    return this.records(this.engine.ingest(r));
  }

  /** Readings of one batch in time order (a gateway's batch need not be sorted). */
  readings(rs: NormalisedReading[]): AlarmRecord[] {
    const out: Transition[] = [];
    for (const r of rs) out.push(...this.engine.ingest(r));
    return this.records(out);
  }

  /** Held until the watermark passes its time (returns [] now; the tick pushes what it raises). */
  event(e: DeviceEvent): AlarmRecord[] {
    const ts = parseTimestamp(e.ts);
    if (ts === null) return this.records(this.engine.ingestEvent(e)); // counted as bad-timestamp
    this.held.push({ ts, event: e });
    this.dirty = true;
    return [];
  }

  status(device: string, status: DeviceStatus, ts: number): AlarmRecord[] {
    this.held.push({ ts, device, status });
    this.dirty = true;
    return [];
  }

  /** Releases held device inputs up to `until`, in time order (status before events at one instant). */
  private release(until: number): Transition[] {
    if (!this.held.length) return [];
    const ready = this.held
      .filter((h) => h.ts <= until)
      .sort((a, b) => a.ts - b.ts || ('status' in a ? -1 : 0) - ('status' in b ? -1 : 0));
    if (!ready.length) return [];
    this.held = this.held.filter((h) => h.ts > until);
    const out: Transition[] = [];
    for (const h of ready)
      out.push(...('event' in h ? this.engine.ingestEvent(h.event) : this.engine.status(h.device, h.status, h.ts)));
    return out;
  }

  /** A bad rating's follow-up answered / classified complex / resolved (clears its alarm). */
  resolveFollowup(id: string, stage: FollowupStage, ts = this.clock.now()): AlarmRecord[] | null {
    const t = this.engine.resolveFollowup(id, stage, ts);
    if (t === null) return null;
    const recs = this.records(t);
    if (recs.length) this.push?.(recs);
    return recs;
  }

  /** Moves event time on to the clock (minus the slack) and pushes what that raised or cleared. */
  tick(): AlarmRecord[] {
    const w = this.clock.now() - this.slackMs;
    const recs = this.records([...this.release(w), ...this.engine.advance(w)]);
    this.dirty = true;
    // Evidence records are the server's business (it replays stored data); do not let them pile up.
    this.engine.drainRecords();
    if (recs.length) this.push?.(recs);
    return recs;
  }

  private records(ts: Transition[]): AlarmRecord[] {
    if (ts.length === 0) return [];
    this.dirty = true;
    for (const t of ts) {
      if (t.type === 'raise') this.raised++;
      else this.cleared++;
    }
    return ts.map((t) => t.alarm);
  }

  /** Saves the snapshot when it changed (or when forced); a failing disk is logged, not fatal. */
  save(force = false): void {
    const store = this.opts.state;
    if (!store || (!this.dirty && !force)) return;
    try {
      store.save({ version: 1, engine: this.engine.snapshot(), held: this.held });
      this.dirty = false;
    } catch (err) {
      this.opts.log.error(
        { err: (err as Error).message, file: store.where },
        'cannot save the rule-engine state; a restart would start durations afresh (check the disk)',
      );
    }
  }

  private restore(): void {
    const store = this.opts.state;
    if (!store) return;
    try {
      const state = store.load();
      if (state === undefined) return;
      if (!isValid(StateFile, state)) throw new Error('not a rules-state file of this version');
      this.engine.restore(state.engine);
      this.held = state.held as Held[];
      this.opts.log.info({ file: store.where, watermark: this.engine.watermark }, 'rule-engine state restored');
    } catch (err) {
      let aside = '';
      try {
        aside = store.setAside();
      } catch {
        /* keep going with a fresh engine either way */
      }
      this.opts.log.warn(
        { err: (err as Error).message, movedTo: aside },
        'rule-engine state unreadable: moved aside, rules start afresh',
      );
    }
  }
}
