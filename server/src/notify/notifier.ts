// Sends an alarm notice to every matching route of its site, each delivery retried with exponential
// backoff (1 s, 2 s, 4 s, ... up to `tries` attempts), every attempt logged with its outcome and
// written to the delivery log. Secrets and robot keys never reach the log (safeUrl). A route that
// already has the notice delivered (a notice resumed after its server stopped) is not posted again.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClauseCatalogue, Logger, NotificationRoute, SiteConfig, ZoneKind } from '@hallmon/firmware-config';
import type { StoredAlarm } from '../store/store.ts';
import type { DeliveryState } from '../state/state.ts';
import { signedDingtalkUrl } from './dingtalk-sign.ts';
import { body, type NotifyEvent } from './format.ts';
import { matchRoutes, zoneKinds } from './routing.ts';
import { safeUrl } from './safe-url.ts';
import { postJson } from './webhook.ts';

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

  routesFor(a: StoredAlarm): NotificationRoute[] {
    const site = this.opts.sites.get(a.site);
    return site ? matchRoutes(site, this.kinds.get(a.site)!, a) : [];
  }

  /** Delivers to every matching route; resolves when each one is delivered or has used its tries. */
  notify(a: StoredAlarm, event: NotifyEvent, reminder = 0): Promise<DeliveryOutcome[]> {
    const site = this.opts.sites.get(a.site);
    if (!site) return Promise.resolve([]);
    const routes = this.routesFor(a);
    const ctx = {
      site: { id: site.id, name: site.name, timezone: site.timezone },
      clauseTitle: this.clauseTitles.get(a.clause) ?? a.clause,
      ...(this.names.get(a.site)?.get(a.sensor) ? { sensorName: this.names.get(a.site)!.get(a.sensor)! } : {}),
      link: `${this.opts.baseUrl()}/#/alarms/${site.id}`,
      ...(reminder ? { reminder } : {}),
    };
    const p = Promise.all(routes.map((r) => this.deliver(r, a, event, reminder, body(r.format, a, event, ctx))));
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  private async deliver(
    route: NotificationRoute,
    a: StoredAlarm,
    event: NotifyEvent,
    reminder: number,
    payload: unknown,
  ): Promise<DeliveryOutcome> {
    const shown = safeUrl(route.url);
    const log = this.opts.log;
    // A notice taken over from a server that stopped mid-way: routes it reached are not sent again.
    if (await this.opts.deliveries.delivered(a.id, route.id, event, reminder))
      return { routeId: route.id, url: shown, delivered: true, attempts: 0 };
    const row = await this.opts.deliveries.begin({
      alarmId: a.id,
      site: a.site,
      routeId: route.id,
      url: shown,
      event,
      reminder,
      at: Date.now(),
    });
    let last: string | undefined;
    for (let i = 1; i <= this.retry.tries; i++) {
      if (this.abort.signal.aborted) break;
      // DingTalk signs each attempt anew: the signed timestamp must be fresh.
      const url =
        route.format === 'dingtalk' && route.secret
          ? signedDingtalkUrl(route.url, route.secret, Date.now())
          : route.url;
      const at = await postJson(url, payload, this.retry.timeoutMs);
      const final = at.ok ? 'delivered' : i === this.retry.tries ? 'failed' : 'pending';
      await this.opts.deliveries
        .attempt(row, at, final)
        .catch((err: Error) => log.error({ alarm: a.id, err: err.message }, 'could not record a delivery attempt'));
      const fields = {
        alarm: a.id,
        route: route.id,
        url: shown,
        event,
        attempt: i,
        of: this.retry.tries,
        status: at.status,
      };
      if (at.ok) {
        log.info(fields, `notification delivered to ${route.id}`);
        return { routeId: route.id, url: shown, delivered: true, deliveredAt: at.at, attempts: i };
      }
      last = at.error;
      if (i === this.retry.tries)
        log.error(
          { ...fields, err: at.error },
          `notification to ${route.id} failed after ${i} attempts; check the route's URL and that the robot accepts posts from this server`,
        );
      else {
        log.warn({ ...fields, err: at.error }, `notification to ${route.id} failed; retrying`);
        await sleep(this.retry.baseDelayMs * 2 ** (i - 1), undefined, { signal: this.abort.signal }).catch(
          () => undefined,
        );
      }
    }
    if (this.abort.signal.aborted) {
      await this.opts.deliveries
        .attempt(row, { at: Date.now(), ok: false, error: 'server stopped before delivery' }, 'failed')
        .catch(() => undefined);
      last = 'server stopped before delivery';
    }
    return {
      routeId: route.id,
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
