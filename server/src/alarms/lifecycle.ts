// The alarm lifecycle after the store: raised -> (acknowledged: user, time, note) -> cleared. A new
// raise and a clear are each notified once (an edge's at-least-once redelivery is recognised in
// the delivery log); an unacknowledged critical alarm is notified again every renotifyAfterS
// (default 15 min) until it is acknowledged or cleared. A cleared alarm is never re-notified, and
// flapping is the engine's business (hysteresis, minimum durations), not repeated here.
// With several servers (docs/cluster.md) a raise or clear notice is claimed in the state backend
// (NoticeState) by the server that stored the alarm, so exactly one sends it; the owner of the site
// (DutyLeases) sends the ones a stopped server left behind, and sends the reminders.
import type { Logger, SiteConfig } from '@hallmon/firmware-config';
import type { StoredAlarm } from '../store/store.ts';
import type { DeliveryOutcome, Notifier } from '../notify/notifier.ts';
import type { AlarmState, DeliveryState, DutyLeases, NoticeEvent, NoticeState } from '../state/state.ts';

export const DEFAULT_RENOTIFY_S = 900;

/** A notice nobody claimed this long after it was stored is sent by the site's owner. */
const ORPHAN_GRACE_MS = 3_000;

interface Pending {
  site: string;
  next: number;
  count: number;
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
    await this.adopt(this.opts.leases.owned());
    this.opts.leases.onChange((gained, lost) => {
      for (const [id, p] of this.pending) if (lost.includes(p.site)) this.pending.delete(id);
      if (gained.length)
        this.adopt(gained).catch((err: Error) =>
          this.opts.log.warn({ err: err.message, sites: gained }, 'could not take over reminders; retrying later'),
        );
    });
    this.timer = setInterval(() => void this.check(), this.opts.checkEveryMs ?? 1_000);
    this.timer.unref();
  }

  /** Takes on the reminders of sites this server now owns, counting on from what was sent. */
  private async adopt(sites: string[]): Promise<void> {
    const mine = new Set(sites);
    const open = await this.opts.store.readAlarms({ state: 'active' });
    for (const a of open) {
      if (!mine.has(a.site) || a.severity !== 'critical' || a.ackedAt !== undefined) continue;
      if (!this.opts.sites.has(a.site) || this.pending.has(a.id)) continue;
      const last = await this.opts.deliveries.lastReminder(a.id);
      const from = last.at ?? a.ts;
      this.pending.set(a.id, { site: a.site, next: from + this.renotifyMs(a.site), count: last.reminder });
    }
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
    if (this.pending.has(a.id) || !this.opts.leases.owns(a.site)) return;
    this.pending.set(a.id, { site: a.site, next: this.now() + this.renotifyMs(a.site), count: 0 });
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
      const p = this.notice(rec, event);
      if (p) sent.push(p);
    }
    return (await Promise.all(sent)).flat();
  }

  /** Claims and sends one notice; undefined when another server has it or it was sent. */
  private notice(rec: StoredAlarm, event: NoticeEvent): Promise<DeliveryOutcome[]> | undefined {
    const { notices, notifier, store } = this.opts;
    return (async () => {
      if (!(await notices.claim(rec.id, event))) return [];
      // The stored alarm is the truth: a raise redelivered after its clear is history, not news.
      const stored = (await store.getAlarm(rec.id)) ?? rec;
      let out: DeliveryOutcome[] = [];
      if (event === 'cleared') out = await notifier.notify(stored, 'cleared');
      else if (stored.state !== 'cleared') {
        if (stored.severity === 'critical' && stored.ackedAt === undefined) this.track(stored);
        out = await notifier.notify(stored, 'raised');
      }
      await notices.done(rec.id, event);
      return out;
    })();
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
      await this.orphans();
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'reminder check failed; trying again shortly');
    } finally {
      this.checking = false;
    }
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
      void this.notice(a, o.event)?.catch((err: Error) =>
        this.opts.log.error({ alarm: o.alarmId, err: err.message }, 'could not send a notice; retrying later'),
      );
    }
  }
}
