// Sends an alarm notice to the levels of its site's matching routes (routing.ts routeLevels): a
// webhook post or an e-mail through the server's SMTP relay, each delivery retried with exponential
// backoff (1 s, 2 s, 4 s, ... up to `tries` attempts), every attempt logged with its outcome and
// written to the delivery log. Secrets, robot keys and the relay's password never reach the log.
// A route level that already has the notice delivered (a notice resumed after its server stopped,
// docs/cluster.md) is not sent again.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClauseCatalogue, Logger, NotificationRoute, SiteConfig, ZoneKind } from '@hallmon/firmware-config';
import type { StoredAlarm } from '../store/store.ts';
import type { DeliveryState } from '../state/state.ts';
import type { Attempt } from './delivery-log.ts';
import { signedDingtalkUrl } from './dingtalk-sign.ts';
import type { Mailer } from './email.ts';
import { body, emailBody, type NotifyEvent } from './format.ts';
import { matchRoutes, routeLevels, zoneKinds, type Target } from './routing.ts';
import { safeUrl } from './safe-url.ts';
import { postJson } from './webhook.ts';

/** An e-mail's subject and plain text. */
export interface MailMessage {
  subject: string;
  text: string;
}

/** Sees each attempt of a delivery and whether it is final (the delivery log, a report's row). */
export type Recorder = (at: Attempt, final: 'delivered' | 'failed' | 'pending') => void | Promise<void>;

export interface RetryPolicy {
  /** Attempts per delivery (default 5). */
  tries: number;
  /** First wait between attempts; doubles each time (default 1000 ms). */
  baseDelayMs: number;
  /** Per-attempt HTTP timeout (default 5000 ms). */
  timeoutMs: number;
}

export interface DeliveryOutcome {
  routeId: string;
  /** The escalation level it went to (1 = the first). */
  level: number;
  url: string;
  delivered: boolean;
  deliveredAt?: number;
  attempts: number;
  error?: string;
}

export interface NotifierOptions {
  sites: ReadonlyMap<string, SiteConfig>;
  catalogue: ClauseCatalogue;
  log: Logger;
  deliveries: DeliveryState;
  /** Base URL of the dashboard for links (e.g. http://hallmon.local:8080). */
  baseUrl: () => string;
  retry?: Partial<RetryPolicy>;
  /** The SMTP relay for e-mail routes (none: e-mail routes are refused at start, see server.ts). */
  mailer?: Mailer;
  /** The clock the delivery log's notices are stamped with (the lifecycle's, so escalation counts alike). */
  now?: () => number;
  /** Called when a notice ends, delivered or failed (the metrics count them). */
  onOutcome?: (site: string, delivered: boolean) => void;
}

export class Notifier {
  private readonly retry: RetryPolicy;
  private readonly clauseTitles = new Map<string, string>();
  private readonly kinds = new Map<string, Map<string, ZoneKind>>();
  private readonly names = new Map<string, Map<string, string>>();
  private readonly abort = new AbortController();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly opts: NotifierOptions) {
    this.retry = { tries: 5, baseDelayMs: 1_000, timeoutMs: 5_000, ...opts.retry };
    for (const c of opts.catalogue.clauses) this.clauseTitles.set(c.id, c.title);
    this.clauseTitles.set('selftest', '系统自检');
    this.clauseTitles.set('system', '系统运行');
    for (const s of opts.sites.values()) this.setSite(s);
  }

  /** A new or changed site config (its routes are read from the site map on each alarm). */
  setSite(s: SiteConfig): void {
    this.kinds.set(s.id, zoneKinds(s));
    const names = new Map<string, string>();
    for (const z of s.zones) {
      names.set(z.id, z.name);
      for (const d of z.devices) names.set(d.id, `${z.name} ${d.name ?? d.id}`);
    }
    this.names.set(s.id, names);
  }

  removeSite(id: string): void {
    this.kinds.delete(id);
    this.names.delete(id);
  }

  routesFor(a: StoredAlarm): ReturnType<typeof matchRoutes> {
    const site = this.opts.sites.get(a.site);
    return site ? matchRoutes(site, this.kinds.get(a.site)!, a) : [];
  }

  /** Every level of every route the alarm goes to. */
  targets(a: StoredAlarm): Target[] {
    return this.routesFor(a).flatMap(routeLevels);
  }

  /** The levels that hear of an alarm at once: each route's levels due at 0 s (its first, normally). */
  firstTargets(a: StoredAlarm): Target[] {
    return this.targets(a).filter((t) => t.afterS === 0);
  }

  /**
   * Delivers a notice to each target (default: the first levels); resolves when each one is
   * delivered or has used its tries.
   */
  async notify(
    a: StoredAlarm,
    event: NotifyEvent,
    reminder = 0,
    targets: Target[] = this.firstTargets(a),
  ): Promise<DeliveryOutcome[]> {
    return (await this.start(a, event, reminder, targets)).outcomes;
  }

  /**
   * Starts a notice to each target: resolves once every delivery is begun in the delivery log (or
   * skipped, delivered before), with `outcomes` resolving when each is delivered or has used its tries.
   */
  async start(
    a: StoredAlarm,
    event: NotifyEvent,
    reminder = 0,
    targets: Target[] = this.firstTargets(a),
  ): Promise<{ outcomes: Promise<DeliveryOutcome[]> }> {
    const site = this.opts.sites.get(a.site);
    if (!site) return { outcomes: Promise.resolve([]) };
    const base = {
      site: { id: site.id, name: site.name, timezone: site.timezone },
      clauseTitle: this.clauseTitles.get(a.clause) ?? a.clause,
      ...(this.names.get(a.site)?.get(a.sensor) ? { sensorName: this.names.get(a.site)!.get(a.sensor)! } : {}),
      link: `${this.opts.baseUrl()}/#/alarms/${site.id}`,
      ...(reminder ? { reminder } : {}),
    };
    const begun = Promise.all(targets.map((t) => this.begin(t, a, event, reminder)));
    this.track(begun);
    const rows = await begun;
    const outcomes = Promise.all(
      targets.map((t, i) => {
        const row = rows[i]!;
        return typeof row === 'number'
          ? this.deliver(row, t, a, event, { ...base, level: t.level })
          : Promise.resolve(row);
      }),
    );
    this.track(outcomes);
    return { outcomes };
  }

  /** Waited for by stop(). */
  private track(p: Promise<unknown>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
  }

  /** Where a target's notices go, as shown and stored (no secret, no key, no password). */
  private shown(t: Target): string {
    return t.route.format === 'email' ? `mailto:${(t.to ?? []).join(',')}` : safeUrl(t.url ?? '');
  }

  /** One attempt of one notice. */
  private attempt(t: Target, a: StoredAlarm, event: NotifyEvent, ctx: Parameters<typeof body>[3]): Promise<Attempt> {
    if (t.route.format === 'email') return this.mail(t, emailBody(a, event, ctx));
    return this.post(t, body(t.route.format, a, event, ctx));
  }

  /** An e-mail through the server's relay to the target's addresses. */
  private mail(t: Target, m: MailMessage): Promise<Attempt> {
    const mailer = this.opts.mailer;
    if (!mailer) return Promise.resolve({ at: Date.now(), ok: false, error: 'no SMTP relay configured (--smtp-url)' });
    return mailer.send(t.to ?? [], m.subject, m.text);
  }

  /** A JSON post to the target's robot; DingTalk signs each attempt anew (the signed timestamp must be fresh). */
  private post(t: Target, payload: unknown): Promise<Attempt> {
    const url = t.url ?? '';
    const signed = t.route.format === 'dingtalk' && t.secret ? signedDingtalkUrl(url, t.secret, Date.now()) : url;
    return postJson(signed, payload, this.retry.timeoutMs);
  }

  /**
   * The delivery log row of one target's notice, or the outcome of a target that already has it
   * delivered (a notice taken over from a server that stopped mid-way: it is not sent again).
   */
  private async begin(
    t: Target,
    a: StoredAlarm,
    event: NotifyEvent,
    reminder: number,
  ): Promise<number | DeliveryOutcome> {
    const shown = this.shown(t);
    if (await this.opts.deliveries.delivered(a.id, t.route.id, event, reminder, t.level))
      return { routeId: t.route.id, level: t.level, url: shown, delivered: true, attempts: 0 };
    return this.opts.deliveries.begin({
      alarmId: a.id,
      site: a.site,
      routeId: t.route.id,
      url: shown,
      event,
      reminder,
      level: t.level,
      at: (this.opts.now ?? Date.now)(),
    });
  }

  private deliver(
    row: number,
    t: Target,
    a: StoredAlarm,
    event: NotifyEvent,
    ctx: Parameters<typeof body>[3],
  ): Promise<DeliveryOutcome> {
    return this.retrying(
      t,
      () => this.attempt(t, a, event, ctx),
      { alarm: a.id, event, level: t.level },
      (at, final) => this.opts.deliveries.attempt(row, at, final),
      a.site,
    );
  }

  /**
   * Sends one message to a route's first level with the retries, signing and logging of an alarm
   * notice (the scheduled reports use it too): `webhook` is posted to a robot, `mail` goes to an
   * e-mail route's addresses. `record` sees every attempt.
   */
  sendTo(
    route: NotificationRoute,
    message: { webhook: unknown; mail: MailMessage },
    what: Record<string, unknown>,
    record?: Recorder,
  ): Promise<DeliveryOutcome> {
    const t = routeLevels(route)[0]!;
    const send = () => (route.format === 'email' ? this.mail(t, message.mail) : this.post(t, message.webhook));
    return this.retrying(t, send, what, record);
  }

  /**
   * Up to `tries` attempts with exponential backoff, each logged and shown to `record`; an alarm
   * notice (`site` given) also counts its outcome in the metrics.
   */
  private async retrying(
    t: Target,
    send: () => Promise<Attempt>,
    what: Record<string, unknown>,
    record?: Recorder,
    site?: string,
  ): Promise<DeliveryOutcome> {
    const route = t.route;
    const shown = this.shown(t);
    const log = this.opts.log;
    const note = async (at: Attempt, final: 'delivered' | 'failed' | 'pending') => {
      try {
        await record?.(at, final);
      } catch (err) {
        log.error({ ...what, route: route.id, err: (err as Error).message }, 'could not record a delivery attempt');
      }
    };
    let last: string | undefined;
    for (let i = 1; i <= this.retry.tries; i++) {
      if (this.abort.signal.aborted) break;
      const at = await send();
      const final = at.ok ? 'delivered' : i === this.retry.tries ? 'failed' : 'pending';
      await note(at, final);
      const fields = { ...what, route: route.id, url: shown, attempt: i, of: this.retry.tries, status: at.status };
      if (at.ok) {
        if (site !== undefined) this.opts.onOutcome?.(site, true);
        log.info(fields, `notification delivered to ${route.id}`);
        return { routeId: route.id, level: t.level, url: shown, delivered: true, deliveredAt: at.at, attempts: i };
      }
      last = at.error;
      if (i === this.retry.tries)
        log.error(
          { ...fields, err: at.error },
          route.format === 'email'
            ? `e-mail via ${route.id} failed after ${i} attempts; check --smtp-url (host, port, login) and the addresses`
            : `notification to ${route.id} failed after ${i} attempts; check the route's URL and that the robot accepts posts from this server`,
        );
      else {
        log.warn({ ...fields, err: at.error }, `notification to ${route.id} failed; retrying`);
        await sleep(this.retry.baseDelayMs * 2 ** (i - 1), undefined, { signal: this.abort.signal }).catch(
          () => undefined,
        );
      }
    }
    if (this.abort.signal.aborted) {
      await note({ at: Date.now(), ok: false, error: 'server stopped before delivery' }, 'failed');
      last = 'server stopped before delivery';
    }
    if (site !== undefined) this.opts.onOutcome?.(site, false);
    return {
      routeId: route.id,
      level: t.level,
      url: shown,
      delivered: false,
      attempts: this.retry.tries,
      ...(last ? { error: last } : {}),
    };
  }

  /** Abandons waiting retries (recorded as failed) and waits for attempts in flight. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([...this.inflight]);
  }
}
