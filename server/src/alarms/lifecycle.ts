// The alarm lifecycle after the store: raised -> (acknowledged: user, time, note) -> cleared. A new
// raise is told to the first level of each matching route at once; while it stays unacknowledged
// and uncleared, each further level hears of it when its delay (afterS) since that first notice has
// passed (escalation, docs/alarms.md). Acknowledging stops the escalation; an alarm that clears by
// itself is told to every level that heard of it. An unacknowledged critical alarm is also
// re-notified every renotifyAfterS (default 15 min) to the levels that heard. Edge redelivery is
// recognised in the delivery log, so nothing is told twice; flapping is the engine's business
// (hysteresis, minimum durations), not repeated here. All of it runs on one clock (`now`), the
// server's event-time clock, so a simulated clock drives escalation in tests.
import type { Logger, SiteConfig } from '@hallmon/firmware-config';
import type { Store, StoredAlarm } from '../store/store.ts';
import type { DeliveryLog } from '../notify/delivery-log.ts';
import type { DeliveryOutcome, Notifier } from '../notify/notifier.ts';
import type { Target } from '../notify/routing.ts';

export const DEFAULT_RENOTIFY_S = 900;

interface Pending {
  site: string;
  /** When the first notice went out: escalation delays count from here. */
  base: number;
  critical: boolean;
  nextReminder: number;
  reminders: number;
}

export interface LifecycleOptions {
  store: Store;
  notifier: Notifier;
  deliveries: DeliveryLog;
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
    const open = await this.opts.store.readAlarms({ state: 'active' });
    for (const a of open)
      if (a.ackedAt === undefined && this.opts.sites.has(a.site))
        this.track(a, this.opts.deliveries.firstNotice(a.id) ?? this.now());
    this.timer = setInterval(() => void this.check(), this.opts.checkEveryMs ?? 1_000);
    this.timer.unref();
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

  /** Tracks an alarm that may still escalate or be reminded of; nothing to do for it: not tracked. */
  private track(a: StoredAlarm, base: number): void {
    if (this.pending.has(a.id)) return;
    const critical = a.severity === 'critical';
    const escalates = this.opts.notifier.targets(a).some((t) => t.afterS > 0);
    if (!critical && !escalates) return;
    this.pending.set(a.id, {
      site: a.site,
      base,
      critical,
      nextReminder: base + this.renotifyMs(a.site),
      reminders: 0,
    });
  }

  /** The levels that heard of an alarm; when none did (its raise was never seen), the first levels. */
  private heard(a: StoredAlarm): Target[] {
    const heard = new Set(this.opts.deliveries.heard(a.id).map(key));
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
    const { deliveries, notifier } = this.opts;
    for (const rec of records) {
      if (rec.state === 'cleared') {
        this.pending.delete(rec.id);
        if (deliveries.has(rec.id, 'cleared')) continue;
        const stored = (await this.opts.store.getAlarm(rec.id)) ?? rec;
        sent.push(notifier.notify(stored, 'cleared', 0, this.heard(stored)));
        continue;
      }
      if (deliveries.has(rec.id, 'raised')) continue;
      // The stored alarm is the truth: a raise redelivered after its clear is history, not news.
      const stored = (await this.opts.store.getAlarm(rec.id)) ?? rec;
      if (stored.state === 'cleared') continue;
      if (stored.ackedAt === undefined) this.track(stored, this.now());
      sent.push(notifier.notify(stored, 'raised'));
    }
    return (await Promise.all(sent)).flat();
  }

  /** Someone acknowledged the alarm: no more escalations or reminders. */
  acked(a: StoredAlarm): void {
    this.pending.delete(a.id);
  }

  /**
   * Starts what is due at the clock's now: the next levels of unacknowledged alarms, and reminders.
   * Resolves once those notices are started (in the delivery log), not delivered: a slow robot's
   * retries hold up nothing else. The timer calls it every second; tests on a simulated clock call
   * it after moving the clock.
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
        const heard = new Set(deliveries.heard(id).map(key));
        const due = notifier
          .targets(a)
          .filter((t) => t.afterS > 0 && p.base + t.afterS * 1000 <= now)
          .filter((t) => !heard.has(key({ routeId: t.route.id, level: t.level })));
        if (due.length) {
          log.warn(
            { alarm: id, levels: [...new Set(due.map((t) => t.level))] },
            'alarm still unacknowledged: escalated to the next level',
          );
          sends.push(notifier.notify(a, 'escalated', 0, due));
        }
        if (p.critical && p.nextReminder <= now) {
          p.reminders++;
          p.nextReminder = now + this.renotifyMs(p.site);
          log.info({ alarm: id, reminder: p.reminders }, 'critical alarm still unacknowledged: notifying again');
          sends.push(notifier.notify(a, 'reminder', p.reminders, this.heard(a)));
        }
        if (!p.critical && !notifier.targets(a).some((t) => p.base + t.afterS * 1000 > now)) this.pending.delete(id);
      }
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'escalation check failed; trying again shortly');
    }
    void Promise.allSettled(sends);
  }
}
