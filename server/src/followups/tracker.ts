// Bad-rating follow-ups (DB31/T 862-2021 10.1.3 "1、5、15") for EVERY site, on the server because
// people record the answer and the fix here: each stored rating <= badScoreMax opens one (deadlines
// from the rule kind's own pure followupDeadlines), a 1 s clock raises an overdue alarm per missed
// stage through the AlarmHub, and respond / complex / resolve clear them. Callbacks (回访) are
// recorded beside the steps, also after a follow-up is resolved (the call comes after the fix).
// With several servers (docs/cluster.md) any of them records a rating (an insert that ignores a
// redelivery) and a person's step, and the clock raises overdue alarms only for the sites this
// server owns.
import {
  toIso,
  type WorkingCalendar,
  type ClauseCatalogue,
  type Logger,
  type RuleDef,
  type SiteConfig,
  shippedCalendar,
} from '@hallmon/firmware-config';
import { followupDeadlines, ruleKind, Schedule } from '@hallmon/rules';
import type { StoredAlarm, StoredEvent } from '../store/store.ts';
import type { CallbackOutcome, Followup, FollowupAction } from '@hallmon/contract';
import { ALARM_STAGES, FollowupDb, type AlarmStage, type FollowupRow } from './db.ts';
import type { DutyLeases, FollowupState } from '../state/state.ts';
import { followupJson } from '../api/wire-json.ts';

/** The rule id its alarms carry when the catalogue has no follow-up rule (the catalogue's id otherwise). */
export const FOLLOWUP_RULE = 'bad-rating-followup';

export interface FollowupTrackerOptions {
  sites: Iterable<SiteConfig>;
  catalogue: ClauseCatalogue;
  /** The follow-ups of the server's state backend; without it, followups.db in dataDir. */
  db?: FollowupState;
  dataDir?: string;
  /** Which sites' overdue alarms this server raises (default: every site). */
  leases?: Pick<DutyLeases, 'owned'>;
  log: Logger;
  /** Where alarms go (AlarmHub.submit). */
  publish(site: string, alarms: StoredAlarm[]): void;
  calendar?: WorkingCalendar;
  clock?: { now(): number };
  tickMs?: number;
}

/** A person's step as the API takes it (docs/alarms.md "Callbacks"). */
export interface FollowupStep {
  action: FollowupAction;
  note: string;
  /** callback: how it went, whether the resident was satisfied (reached only), when it was made. */
  outcome?: CallbackOutcome;
  satisfied?: boolean | null;
  at?: number;
}

/** A callback may be dated up to this far after the server's clock (a phone's clock ahead). */
const CALLBACK_FUTURE_MS = 5 * 60_000;

/** Whether a stage is still owed (its alarm may be raised) for this follow-up. */
function pending(f: FollowupRow, stage: AlarmStage): boolean {
  if (f.resolvedAt !== null) return false;
  if (stage === 'response') return f.respondedAt === null;
  return stage === 'complex' ? f.complex : !f.complex;
}

const dueOf = (f: FollowupRow, stage: AlarmStage) =>
  stage === 'response' ? f.responseDue : stage === 'simple' ? f.simpleDue : f.complexDue;

interface SiteRules {
  schedule: Schedule;
  params: Record<string, number>;
  /** Devices in zones the rule covers -> their configured window. */
  devices: Map<string, string | undefined>;
}

export class FollowupTracker {
  readonly db: FollowupState;
  /** followups.db opened by the tracker itself (no state backend given). */
  private readonly own: FollowupDb | undefined;
  private ticking = false;
  private readonly clock: { now(): number };
  private readonly calendar: WorkingCalendar;
  private readonly sites = new Map<string, SiteRules>();
  private readonly clause: string;
  private readonly rule: string;
  private readonly def: RuleDef | undefined;
  private readonly severity: StoredAlarm['severity'];
  private readonly title: string;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: FollowupTrackerOptions) {
    if (opts.db) this.db = opts.db;
    else {
      if (!opts.dataDir) throw new Error('FollowupTracker needs a state backend (db) or a dataDir');
      this.own = new FollowupDb(opts.dataDir);
      this.db = this.own;
    }
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.calendar = opts.calendar ?? shippedCalendar();
    // The catalogue's rule whose kind this tracker judges live (the engines leave it out).
    const mine = (r: RuleDef) => ruleKind(r.kind).liveBy === 'followup-tracker';
    const clause = opts.catalogue.clauses.find((c) => c.rules.some(mine));
    const def = clause?.rules.find(mine);
    this.clause = clause?.id ?? '10.1.3';
    this.rule = def?.id ?? FOLLOWUP_RULE;
    this.severity = def?.severity ?? 'warning';
    this.title = def?.title ?? 'bad-rating follow-up';
    this.def = def;
    for (const site of opts.sites) this.setSite(site);
  }

  /** A new or changed site config: its devices, windows and opening hours for new follow-ups. */
  setSite(site: SiteConfig): void {
    const def = this.def;
    const devices = new Map<string, string | undefined>();
    for (const zone of site.zones) {
      if (def && !def.zoneKinds.includes(zone.kind)) continue;
      for (const d of zone.devices) devices.set(d.id, d.window);
    }
    // The rule's params with the site's overrides of this rule (site-wide ones; follow-ups are per site).
    const params = { ...(def?.params ?? {}) };
    for (const o of site.overrides ?? [])
      if (o.rule === def?.id && o.zone === undefined) Object.assign(params, o.params);
    this.sites.set(site.id, { schedule: new Schedule(site.timezone, site.openingHours, site.summer), params, devices });
  }

  /** Open follow-ups of a removed site stay in the store; no new ones are opened. */
  removeSite(id: string): void {
    this.sites.delete(id);
  }

  start(): void {
    this.own?.open();
    this.open = true;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.tickMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.open = false;
    this.own?.close();
  }

  private open = false;

  /** Stored counter events of a site (ingest hook): bad ratings open follow-ups; redelivery is a no-op. */
  events(site: string, items: StoredEvent[]): void {
    void this.record(site, items);
  }

  /** What events() does; resolves once the follow-ups are recorded (tests await it). */
  async record(site: string, items: StoredEvent[]): Promise<void> {
    const s = this.sites.get(site);
    if (!s || !this.open) return;
    try {
      for (const e of items) {
        if (
          e.type !== 'rating' ||
          e.score === undefined ||
          e.score > (s.params.badScoreMax ?? 2) ||
          !s.devices.has(e.device)
        )
          continue;
        const d = followupDeadlines(e.ts, s.schedule, this.calendar, s.params);
        await this.db.insert({
          id: `${site}:${e.device}:${toIso(e.ts)}`,
          site,
          device: e.device,
          window: e.window ?? s.devices.get(e.device) ?? null,
          ticket: e.ticket ?? null,
          score: e.score,
          ratedAt: e.ts,
          responseDue: d.answerMs,
          simpleDue: d.simpleMs,
          complexDue: d.complexMs,
        });
      }
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message, site }, 'could not record a bad-rating follow-up');
    }
  }

  /** The site a follow-up belongs to (undefined: no such follow-up). */
  async siteOf(id: string): Promise<string | undefined> {
    return (await this.db.get(id))?.site;
  }

  async list(site: string, openOnly: boolean): Promise<Followup[]> {
    return (await this.db.list(site, openOnly)).map(followupJson);
  }

  /**
   * A person's step on a follow-up. Any step but a callback implies the rating was answered; a
   * callback that reached the resident is an answer at its time. 'complex' moves the fix deadline
   * from 5 to 15 working days. Overdue stages are judged first, so a late step still leaves its
   * alarm on record. Returns undefined for an unknown id, 'resolved' when already closed (a
   * callback is still taken then), or a problem naming the field.
   */
  async act(
    id: string,
    step: FollowupStep,
    user: string,
  ): Promise<Followup | undefined | 'resolved' | { problem: string }> {
    const before = await this.db.get(id);
    if (!before) return undefined;
    const now = this.clock.now();
    if (step.action === 'callback') {
      const problem = callbackProblem(step, before.ratedAt, now);
      if (problem) return { problem };
      const at = step.at ?? now;
      const reached = step.outcome === 'reached';
      await this.db.addCallback(id, {
        at,
        by: user,
        outcome: step.outcome!,
        satisfied: reached ? step.satisfied! : null,
        note: step.note || null,
        recordedAt: now,
      });
      if (reached && before.resolvedAt === null) {
        await this.check(before, now);
        await this.db.respond(id, at, user);
      }
      const after = (await this.db.get(id))!;
      await this.check(after, now);
      return followupJson(after);
    }
    if (before.resolvedAt !== null) return 'resolved';
    await this.check(before, now);
    await this.db.respond(id, now, user);
    if (step.action === 'complex') await this.db.markComplex(id, now, user);
    if (step.action === 'resolve') await this.db.resolve(id, now, user);
    if (step.note) await this.db.setNote(id, step.note);
    const after = (await this.db.get(id))!;
    await this.check(after, now);
    return followupJson(after);
  }

  /** One clock step: raises overdue alarms, clears those whose stage was reached (public for tests). */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.clock.now();
      const sites = this.opts.leases?.owned();
      for (const f of await this.db.active(sites)) await this.check(f, now);
    } catch (err) {
      this.opts.log.error({ err: (err as Error).message }, 'follow-up check failed');
    } finally {
      this.ticking = false;
    }
  }

  private async check(f: FollowupRow, now: number): Promise<void> {
    const out: StoredAlarm[] = [];
    for (const stage of ALARM_STAGES) {
      const a = f.alarms[stage];
      const due = dueOf(f, stage);
      if (pending(f, stage) && a.raisedAt === null && now >= due) {
        await this.db.alarmRaised(f.id, stage, now);
        a.raisedAt = now;
        out.push(this.alarm(f, stage, 'raised', now, due));
      } else if (!pending(f, stage) && a.raisedAt !== null && a.clearedAt === null) {
        await this.db.alarmCleared(f.id, stage, now);
        a.clearedAt = now;
        out.push({ ...this.alarm(f, stage, 'cleared', now, due), clearedAt: now });
      }
    }
    if (out.length) this.opts.publish(f.site, out);
  }

  private alarm(f: FollowupRow, stage: AlarmStage, state: 'raised' | 'cleared', now: number, due: number): StoredAlarm {
    const what =
      stage === 'response'
        ? 'no answer within 1 working day'
        : stage === 'simple'
          ? 'not put right within 5 working days'
          : 'complex case not put right within 15 working days';
    return {
      id: `${f.id}:${stage}`,
      site: f.site,
      clause: this.clause,
      rule: this.rule,
      sensor: f.device,
      severity: this.severity,
      state,
      ts: now,
      startedAt: due,
      peak: f.score,
      message:
        `${this.title}: ${what} (rating ${f.score} at ${toIso(f.ratedAt)}${f.window ? `, window ${f.window}` : ''})`.slice(
          0,
          500,
        ),
    };
  }
}

/** What is wrong with a callback step, in the API's terms (null: nothing). */
function callbackProblem(step: FollowupStep, ratedAt: number, now: number): string | null {
  if (step.outcome === undefined) return 'body/outcome: a callback needs its outcome (reached, no-answer or refused)';
  if (step.outcome === 'reached' && (step.satisfied === undefined || step.satisfied === null))
    return 'body/satisfied: say whether the resident reached was satisfied (true or false)';
  if (step.outcome !== 'reached' && step.satisfied !== undefined && step.satisfied !== null)
    return `body/satisfied: only a resident who was reached can be satisfied or not (outcome is ${step.outcome})`;
  if (step.at !== undefined) {
    if (step.at < ratedAt) return 'body/at: the callback cannot be before the rating';
    if (step.at > now + CALLBACK_FUTURE_MS) return 'body/at: the callback cannot be in the future';
  }
  return null;
}
