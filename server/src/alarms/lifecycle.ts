// The alarm lifecycle after the store: raised -> (acknowledged: user, time, note) -> cleared. A new
// raise and a clear are each notified once (an edge's at-least-once redelivery is recognised in
// the delivery log); an unacknowledged critical alarm is notified again every renotifyAfterS
// (default 15 min) until it is acknowledged or cleared. A cleared alarm is never re-notified, and
// flapping is the engine's business (hysteresis, minimum durations), not repeated here.
import type { Logger, SiteConfig } from '@hallmon/firmware-config';
import type { Store, StoredAlarm } from '../store/store.ts';
import type { DeliveryLog } from '../notify/delivery-log.ts';
import type { DeliveryOutcome, Notifier } from '../notify/notifier.ts';

export const DEFAULT_RENOTIFY_S = 900;

interface Pending {
  site: string;
  next: number;
  count: number;
}

export interface LifecycleOptions {
  store: Store;
  notifier: Notifier;
  deliveries: DeliveryLog;
  sites: ReadonlyMap<string, SiteConfig>;
  log: Logger;
  /** How often reminders are checked, ms (default 1000). */
  checkEveryMs?: number;
  now?: () => number;
}

export class AlarmLifecycle {
  private readonly pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly now: () => number;

  constructor(private readonly opts: LifecycleOptions) {
    this.now = opts.now ?? Date.now;
  }

  private renotifyMs(site: string): number {
    return (this.opts.sites.get(site)?.renotifyAfterS ?? DEFAULT_RENOTIFY_S) * 1000;
  }

  /** Resumes reminders for critical alarms still open and unacknowledged (a server restart). */
  async start(): Promise<void> {
    const open = await this.opts.store.readAlarms({ state: 'active' });
    for (const a of open)
      if (a.severity === 'critical' && a.ackedAt === undefined && this.opts.sites.has(a.site)) this.track(a);
    this.timer = setInterval(() => void this.check(), this.opts.checkEveryMs ?? 1_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  /** Open critical alarms waiting for acknowledgement (health, tests). */
  get awaitingAck(): number {
    return this.pending.size;
  }

  private track(a: StoredAlarm): void {
    if (this.pending.has(a.id)) return;
    this.pending.set(a.id, { site: a.site, next: this.now() + this.renotifyMs(a.site), count: 0 });
  }

  /**
   * Alarm records that were just stored (edge alarms from ingest, server-side rules, self-tests).
   * Resolves with the delivery outcomes of the notices it sent.
   */
  async handle(records: StoredAlarm[]): Promise<DeliveryOutcome[]> {
    const sent: Promise<DeliveryOutcome[]>[] = [];
    for (const rec of records) {
      const { deliveries, notifier } = this.opts;
      if (rec.state === 'cleared') {
        this.pending.delete(rec.id);
        if (deliveries.has(rec.id, 'cleared')) continue;
        const stored = (await this.opts.store.getAlarm(rec.id)) ?? rec;
        sent.push(notifier.notify(stored, 'cleared'));
        continue;
      }
      if (deliveries.has(rec.id, 'raised')) continue;
      // The stored alarm is the truth: a raise redelivered after its clear is history, not news.
      const stored = (await this.opts.store.getAlarm(rec.id)) ?? rec;
      if (stored.state === 'cleared') continue;
      if (stored.severity === 'critical' && stored.ackedAt === undefined) this.track(stored);
      sent.push(notifier.notify(stored, 'raised'));
    }
    return (await Promise.all(sent)).flat();
  }

  /** Someone acknowledged the alarm: no more reminders. */
  acked(a: StoredAlarm): void {
    this.pending.delete(a.id);
  }

  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = this.now();
      for (const [id, p] of this.pending) {
        if (p.next > now) continue;
        const a = await this.opts.store.getAlarm(id);
        if (!a || a.state === 'cleared' || a.ackedAt !== undefined) {
          this.pending.delete(id);
          continue;
        }
        p.count++;
        p.next = now + this.renotifyMs(p.site);
        this.opts.log.info({ alarm: id, reminder: p.count }, 'critical alarm still unacknowledged: notifying again');
        void this.opts.notifier.notify(a, 'reminder', p.count);
      }
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'reminder check failed; trying again shortly');
    } finally {
      this.checking = false;
    }
  }
}
