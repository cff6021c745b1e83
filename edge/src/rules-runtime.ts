// Live clause rules on the edge: wraps the pure RuleEngine for the edge's own site, owns its clock
// (a 1 s timer calls advance) and persists the engine's snapshot to `${dataDir}/rules-state.json`
// (tmp + rename) so a restart resumes a half-elapsed minimum duration instead of starting it over.
// Transitions come out as CONTRACT AlarmRecords for the agent's 'alarms' outbox stream.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isValid,
  loadCatalogue,
  parseTimestamp,
  WorkingCalendar,
  type AlarmRecord,
  type ClauseCatalogue,
  type DeviceEvent,
  type DeviceProfile,
  type DeviceStatus,
  type Logger,
  type NormalisedReading,
  type SiteConfig,
} from '@hallmon/firmware-config';
import { Type } from '@sinclair/typebox';
import { EngineState, RuleEngine, type EngineOptions } from './rules/engine.ts';
import type { FollowupStage, Transition } from './rules/types.ts';

/** Counter-device inputs held until the watermark passes them (see slackMs). */
type Held = { ts: number; event: DeviceEvent } | { ts: number; device: string; status: DeviceStatus };

/** rules-state.json: the engine snapshot plus the device inputs not yet released to it. */
const StateFile = Type.Object({ version: Type.Literal(1), engine: EngineState, held: Type.Array(Type.Any()) });

export interface Clock {
  now(): number;
}

export interface RulesRuntimeOptions {
  site: SiteConfig;
  profiles: Map<string, DeviceProfile>;
  /** Where rules-state.json lives (the edge's dataDir). */
  dataDir: string;
  log: Logger;
  catalogue?: ClauseCatalogue;
  calendar?: WorkingCalendar;
  overrides?: EngineOptions['overrides'];
  limitProfiles?: EngineOptions['limitProfiles'];
  /**
   * Rule kinds this runtime does not judge. Default ['bad-rating-followup']: a follow-up is answered
   * and resolved by people on the server, so the server's follow-up tracker owns it for every site.
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
  /** File name inside dataDir (default rules-state.json; the server keeps one per site). */
  stateFile?: string;
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
  readonly engine: RuleEngine;
  readonly file: string;
  private readonly clock: Clock;
  private readonly slackMs: number;
  private push: ((alarms: AlarmRecord[]) => void) | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private dirty = false;
  private held: Held[] = [];
  private running = false;
  /** Transitions produced so far (counters for health and tests). */
  raised = 0;
  cleared = 0;

  constructor(private readonly opts: RulesRuntimeOptions) {
    this.engine = new RuleEngine({
      site: opts.site,
      profiles: opts.profiles,
      catalogue: opts.catalogue ?? loadCatalogue(),
      calendar: opts.calendar ?? WorkingCalendar.shipped(),
      lateBoundS: opts.lateBoundS ?? 0,
      ...(opts.overrides ? { overrides: opts.overrides } : {}),
      ...(opts.limitProfiles ? { limitProfiles: opts.limitProfiles } : {}),
      excludeKinds: opts.excludeKinds ?? ['bad-rating-followup'],
    });
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.slackMs = opts.slackMs ?? 5_000;
    this.file = join(opts.dataDir, opts.stateFile ?? 'rules-state.json');
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
    const ready = this.held.filter((h) => h.ts <= until).sort((a, b) => a.ts - b.ts || ('status' in a ? -1 : 0) - ('status' in b ? -1 : 0));
    if (!ready.length) return [];
    this.held = this.held.filter((h) => h.ts > until);
    const out: Transition[] = [];
    for (const h of ready) out.push(...('event' in h ? this.engine.ingestEvent(h.event) : this.engine.status(h.device, h.status, h.ts)));
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
    for (const t of ts) t.type === 'raise' ? this.raised++ : this.cleared++;
    return ts.map((t) => t.alarm);
  }

  /** Writes the snapshot atomically: a crash mid-write leaves the previous file intact. */
  save(force = false): void {
    if (!this.dirty && !force) return;
    try {
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify({ version: 1, engine: this.engine.snapshot(), held: this.held }));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message, file: this.file }, 'cannot save the rule-engine state; a restart would start durations afresh (check the disk)');
    }
  }

  private restore(): void {
    if (!existsSync(this.file)) return;
    try {
      const state: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (!isValid(StateFile, state)) throw new Error('not a rules-state file of this version');
      this.engine.restore(state.engine);
      this.held = state.held as Held[];
      this.opts.log.info({ file: this.file, watermark: this.engine.watermark }, 'rule-engine state restored');
    } catch (err) {
      const aside = `${this.file}.bad-${Date.now()}`;
      try {
        renameSync(this.file, aside);
      } catch {
        /* keep going with a fresh engine either way */
      }
      this.opts.log.warn({ err: (err as Error).message, movedTo: aside }, 'rule-engine state unreadable: moved aside, rules start afresh');
    }
  }
}

/** The runtime for an edge, or undefined when the site's rules run on the server (one evaluator per sensor). */
export function edgeRules(opts: RulesRuntimeOptions): RulesRuntime | undefined {
  if (opts.site.rulesAt === 'server') return undefined;
  return new RulesRuntime(opts);
}
