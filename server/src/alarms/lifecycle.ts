// The alarm lifecycle after the store: raised -> (acknowledged: user, time, note) -> cleared. A new
// raise is told to the first level of each matching route at once; while it stays unacknowledged
// and uncleared, each further level hears of it when its delay (afterS) since that first notice has
// passed (escalation, docs/alarms.md). Acknowledging stops the escalation; an alarm that clears by
// itself is told to every level that heard of it. An unacknowledged critical alarm is also
// re-notified every renotifyAfterS (default 15 min) to the levels that heard. Edge redelivery is
// recognised in the state backend, so nothing is told twice; flapping is the engine's business
// (hysteresis, minimum durations), not repeated here. All of it runs on one clock (`now`), the
// server's event-time clock, so a simulated clock drives escalation in tests.
// With several servers (docs/cluster.md) a raise or clear notice is claimed in the state backend
// (NoticeState) by the server that stored the alarm, so exactly one sends it; the owner of the site
// (DutyLeases) sends the ones a stopped server left behind, and sends the escalations and reminders,
// counting on from what the delivery log shows was sent.
import type { Logger, SiteConfig } from '@hallmon/firmware-config';
import type { StoredAlarm } from '../store/store.ts';
import type { DeliveryOutcome, Notifier } from '../notify/notifier.ts';
import type { Target } from '../notify/routing.ts';
import type { AlarmState, DeliveryState, DutyLeases, NoticeEvent, NoticeState } from '../state/state.ts';

export const DEFAULT_RENOTIFY_S = 900;

/** A notice nobody claimed this long after it was stored is sent by the site's owner. */
const ORPHAN_GRACE_MS = 3_000;

interface Pending {
  site: string;
  /** When the first notice went out: escalation delays count from here. */
  base: number;
  critical: boolean;
  nextReminder: number;
  reminders: number;
}

export interface LifecycleOptions {
  /** Where alarms are kept (the store, or the PostgreSQL state). */
  store: AlarmState;
  notifier: Notifier;
  deliveries: DeliveryState;
  notices: NoticeState;
  leases: DutyLeases;
  sites: ReadonlyMap<string, SiteConfig>;
  log: Logger;
  /** How often escalations and reminders are checked, ms (default 1000). */
  checkEveryMs?: number;
  now?: () => number;
}

const key = (t: { routeId: string; level: number }) => `${t.routeId}\u0000${t.level}`;

export class AlarmLifecycle {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: LifecycleOptions) {
    this.now = opts.now ?? Date.now;
  }

  private renotifyMs(site: string): number {
    return (this.opts.sites.get(site)?.renotifyAfterS ?? DEFAULT_RENOTIFY_S) * 1000;
  }

  /** Resumes escalations and reminders of alarms still open and unacknowledged (a server restart). */
  async start(): Promise<void> {
    await this.adopt(this.opts.leases.owned());
    this.opts.leases.onChange((gained, lost) => {
      for (const [id, p] of this.pending) if (lost.includes(p.site)) this.pending.delete(id);
      if (gained.length)
        this.adopt(gained).catch((err: Error) =>
          this.opts.log.warn(
            { err: err.message, sites: gained },
            'could not take over escalations and reminders; retrying later',
          ),
        );
    });
    this.timer = setInterval(() => void this.check(), this.opts.checkEveryMs ?? 1_000);
    this.timer.unref();
  }

  /**
   * Takes on the escalations and reminders of sites this server now owns: escalation counts from
   * the first notice, reminders on from the last one sent (by whichever server sent it).
   */
  private async adopt(sites: string[]): Promise<void> {
    const mine = new Set(sites);
    const open = await this.opts.store.readAlarms({ state: 'active' });
    for (const a of open) {
      if (!mine.has(a.site) || a.ackedAt !== undefined || !this.opts.sites.has(a.site)) continue;
      if (this.pending.has(a.id)) continue;
      const base = (await this.opts.deliveries.firstNotice(a.id)) ?? this.now();
      const last = await this.opts.deliveries.lastReminder(a.id);
      this.track(a, base, last);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  /** Open alarms waiting for acknowledgement: reminders or escalations still to come (health, tests). */
  get awaitingAck(): number {
    return this.pending.size;
  }

  /**
   * Tracks an alarm of an owned site that may still escalate or be reminded of; nothing to do for
   * it: not tracked. `last` is the last reminder sent, when resuming.
   */
  private track(a: StoredAlarm, base: number, last?: { reminder: number; at: number | null }): void {
    if (this.pending.has(a.id) || !this.opts.leases.owns(a.site)) return;
    const critical = a.severity === 'critical';
    const escalates = this.opts.notifier.targets(a).some((t) => t.afterS > 0);
    if (!critical && !escalates) return;
    this.pending.set(a.id, {
      site: a.site,
      base,
      critical,
      nextReminder: (last?.at ?? base) + this.renotifyMs(a.site),
      reminders: last?.reminder ?? 0,
    });
  }

  /** The levels that heard of an alarm; when none did (its raise was never seen), the first levels. */
  private async heard(a: StoredAlarm): Promise<Target[]> {
    const heard = new Set((await this.opts.deliveries.heard(a.id)).map(key));
    const all = this.opts.notifier.targets(a);
    const mine = all.filter((t) => heard.has(key({ routeId: t.route.id, level: t.level })));
    return mine.length ? mine : this.opts.notifier.firstTargets(a);
  }

  /**
   * Alarm records that were just stored (edge alarms from ingest, server-side rules, self-tests).
   * Resolves with the delivery outcomes of the notices it sent.
   */
  async handle(records: StoredAlarm[]): Promise<DeliveryOutcome[]> {
    const sent: Promise<DeliveryOutcome[]>[] = [];
    for (const rec of records) {
      const event: NoticeEvent = rec.state === 'cleared' ? 'cleared' : 'raised';
      if (event === 'cleared') this.pending.delete(rec.id);
      sent.push(this.notice(rec, event));
    }
    return (await Promise.all(sent)).flat();
  }

  /** Claims and sends one notice; nothing when another server has it or it was sent. */
  private async notice(rec: StoredAlarm, event: NoticeEvent): Promise<DeliveryOutcome[]> {
    const { notices, notifier, store } = this.opts;
    if (!(await notices.claim(rec.id, event))) return [];
    // The stored alarm is the truth: a raise redelivered after its clear is history, not news.
    const stored = (await store.getAlarm(rec.id)) ?? rec;
    let out: DeliveryOutcome[] = [];
    if (event === 'cleared') out = await notifier.notify(stored, 'cleared', 0, await this.heard(stored));
    else if (stored.state !== 'cleared') {
      if (stored.ackedAt === undefined) this.track(stored, this.now());
      out = await notifier.notify(stored, 'raised');
    }
    await notices.done(rec.id, event);
    return out;
  }

  /** Someone acknowledged the alarm: no more escalations or reminders. */
  acked(a: StoredAlarm): void {
    this.pending.delete(a.id);
  }

  /**
   * Starts what is due at the clock's now: the next levels of unacknowledged alarms, reminders,
   * and the notices of owned sites that nobody sent. Resolves once those notices are started (in
   * the delivery log), not delivered: a slow robot's retries hold up nothing else. The timer calls
   * it every second; tests on a simulated clock call it after moving the clock.
   */
  check(): Promise<void> {
    // One check at a time; a caller during one waits for it (and its notices) to finish.
    this.checking ??= this.runCheck().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    const sends: Promise<unknown>[] = [];
    try {
      const now = this.now();
      const { deliveries, notifier, log } = this.opts;
      for (const [id, p] of this.pending) {
        const a = await this.opts.store.getAlarm(id);
        if (!a || a.state === 'cleared' || a.ackedAt !== undefined) {
          this.pending.delete(id);
          continue;
        }
        // Per route and level: one route's level 2 having heard says nothing of another route's.
        const heard = new Set((await deliveries.heard(id)).map(key));
        const due: Target[] = notifier
          .targets(a)
          .filter((t) => t.afterS > 0 && p.base + t.afterS * 1000 <= now)
          .filter((t) => !heard.has(key({ routeId: t.route.id, level: t.level })));
        if (due.length) {
          log.warn(
            { alarm: id, levels: [...new Set(due.map((t) => t.level))] },
            'alarm still unacknowledged: escalated to the next level',
          );
          sends.push(notifier.start(a, 'escalated', 0, due));
        }
        if (p.critical && p.nextReminder <= now) {
          p.reminders++;
          p.nextReminder = now + this.renotifyMs(p.site);
          log.info({ alarm: id, reminder: p.reminders }, 'critical alarm still unacknowledged: notifying again');
          sends.push(notifier.start(a, 'reminder', p.reminders, await this.heard(a)));
        }
        if (!p.critical && !notifier.targets(a).some((t) => p.base + t.afterS * 1000 > now)) this.pending.delete(id);
      }
      sends.push(this.orphans());
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'escalation check failed; trying again shortly');
    }
    for (const r of await Promise.allSettled(sends))
      if (r.status === 'rejected')
        this.opts.log.warn({ err: (r.reason as Error).message }, 'a notice could not be started; trying again shortly');
  }

  /** Sends the notices of owned sites that nobody sent (their server stopped before it could). */
  private async orphans(): Promise<void> {
    const sites = this.opts.leases.owned();
    if (!sites.length) return;
    for (const o of await this.opts.notices.orphans(sites, ORPHAN_GRACE_MS)) {
      const a = await this.opts.store.getAlarm(o.alarmId);
      if (!a) continue;
      this.opts.log.info({ alarm: o.alarmId, event: o.event }, 'sending a notice its server left unsent');
      if (o.event === 'cleared') this.pending.delete(a.id);
      void this.notice(a, o.event).catch((err: Error) =>
        this.opts.log.error({ alarm: o.alarmId, err: err.message }, 'could not send a notice; retrying later'),
      );
    }
  }
}
