// The scheduled reports (docs/evidence.md "Scheduled reports"): on its clock (real, or the tests'
// simulated one), the server queues each plan's pack when its day and time come (per site, or one
// for the district), builds the queued packs one at a time in the background through the evidence
// line, records how far each has got (GET /api/reports shows it while it builds), keeps the newest
// `keep` per plan and scope, and sends a signed download link to the routes: a site's packs to its
// notification routes marked "reports", the district's to the schedule's routes. A server that was
// down when packs came due catches them up, oldest first: each check queues every due period not
// built yet among a plan's newest `keep` (older ones would be pruned at once). It never builds a
// period due before the schedule first ran on this data dir (a new install does not start with a
// year of old packs); POST /api/reports builds a plan's latest period on demand.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type {
  DeviceProfile,
  Logger,
  NotificationRoute,
  ReportPlan,
  ReportSchedule,
  SiteConfig,
} from '@hallmon/firmware-config';
import type { Report } from '@hallmon/contract';
import type { Store } from '../store/store.ts';
import type { EvidenceService } from '../evidence/service.ts';
import type { SealState } from '../state/state.ts';
import type { Notifier } from '../notify/notifier.ts';
import { safeUrl } from '../notify/safe-url.ts';
import { buildReport } from './builder.ts';
import { dueBackwards, latestDue, type DuePeriod } from './periods.ts';
import { ReportDb, type ReportRow } from './report-db.ts';
import type { ReportLinks } from './links.ts';
import { reportBody, reportMail } from './report-message.ts';
import type { SigningKeys } from '../signing/keys.ts';

export interface ReportSchedulerOptions {
  schedule: ReportSchedule;
  dataDir: string;
  store: Store;
  sites: ReadonlyMap<string, SiteConfig>;
  profiles: Map<string, DeviceProfile>;
  svc: EvidenceService;
  notifier: Pick<Notifier, 'sendTo'>;
  links: ReportLinks;
  /** The state backend's day seals: a site's pack seals its closed days and cites their links. */
  seals?: SealState;
  /**
   * Whether the schedule is this server's to run now (in a group, the owner of the server-wide
   * duties, so a plan is built and sent once); default always. Builds asked for by hand run anyway.
   */
  owns?: () => boolean;
  /** The sites' signing keys: a site's pack is signed with its key. */
  keys?: SigningKeys;
  /** Absolute base of the links sent to routes (the server's public URL). */
  baseUrl: () => string;
  log: Logger;
  clock?: { now(): number };
  /** How often the schedule is checked, ms (default 60 s; tests call tick()). */
  checkEveryMs?: number;
}

const PERIOD_ZH = { month: '月度', quarter: '季度' } as const;
/** A pack that failed is queued again by the schedule after this long (at once from the page). */
const RETRY_FAILED_MS = 3_600_000;

export class ReportScheduler {
  readonly db: ReportDb;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private work: Promise<void> = Promise.resolve();
  private building = false;
  private since = 0;
  private stopped = false;

  constructor(private readonly o: ReportSchedulerOptions) {
    this.db = new ReportDb(o.dataDir);
    this.now = o.clock ? () => o.clock!.now() : Date.now;
  }

  start(): void {
    this.db.open();
    this.since = Number(this.db.meta('since', () => String(this.now())));
    this.stopped = false;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.o.checkEveryMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.work.catch(() => undefined);
    this.db.close();
  }

  /**
   * Checks the schedule: queues what is due, oldest first, and starts the builds. Returns when the
   * builds queued so far end.
   */
  tick(): Promise<void> {
    if (this.o.owns && !this.o.owns()) return this.drain();
    const now = this.now();
    const due: Array<{ plan: ReportPlan; scope: string; due: DuePeriod }> = [];
    for (const plan of this.o.schedule.plans) {
      if (plan.enabled === false) continue;
      for (const scope of this.scopes(plan))
        due.push(...this.missed(plan, scope, now).map((d) => ({ plan, scope, due: d })));
    }
    // Oldest first (a stable sort: at the same instant, in the schedule's order).
    due.sort((a, b) => a.due.dueAt - b.due.dueAt);
    for (const d of due) this.queue(d.plan, d.scope, d.due, now, false);
    return this.drain();
  }

  /**
   * The due periods of a plan and scope to queue: among the newest `keep` (the ones pruning keeps),
   * those due since the schedule first ran on this data dir, and one before that only when its pack
   * exists (built by hand, so a failed one is tried again). queue() skips those built or building.
   */
  private missed(plan: ReportPlan, scope: string, now: number): DuePeriod[] {
    const out: DuePeriod[] = [];
    const keep = this.o.schedule.keep ?? 24;
    for (const due of dueBackwards(plan, this.timezone(scope), now)) {
      const before = due.dueAt < this.since;
      if (!before || this.db.get(reportId(plan, scope, due))) out.push(due);
      if (before || out.length >= keep) break;
    }
    return out.reverse();
  }

  /** Queues the latest due period of a plan now (every site of it, or the district); the ids queued. */
  buildNow(planId: string): string[] | undefined {
    const plan = this.o.schedule.plans.find((p) => p.id === planId);
    if (!plan) return undefined;
    const now = this.now();
    const ids = this.scopes(plan).map((scope) => {
      const due = latestDue(plan, this.timezone(scope), now);
      this.queue(plan, scope, due, now, true);
      return reportId(plan, scope, due);
    });
    void this.drain();
    return ids;
  }

  /** The plans (for the API's error message and the page's build-now menu). */
  get plans(): readonly ReportPlan[] {
    return this.o.schedule.plans;
  }

  list(): Report[] {
    return this.db.list().map((r) => this.json(r));
  }

  get(id: string): ReportRow | undefined {
    return this.db.get(id);
  }

  /** The folder of a finished pack's files. */
  folder(r: ReportRow): string {
    return join(this.o.dataDir, 'reports', r.folder);
  }

  private scopes(plan: ReportPlan): string[] {
    return plan.scope === 'district' ? ['district'] : [...this.o.sites.keys()];
  }

  private timezone(scope: string): string {
    return this.o.sites.get(scope)?.timezone ?? this.o.schedule.timezone;
  }

  /** Queues a pack unless it exists; a failed one again when asked, or an hour after it failed. */
  private queue(plan: ReportPlan, scope: string, due: DuePeriod, now: number, retry: boolean): void {
    const id = reportId(plan, scope, due);
    const existing = this.db.get(id);
    if (existing && existing.state !== 'failed') return;
    if (existing && !retry && now - (existing.finishedAt ?? 0) < RETRY_FAILED_MS) return;
    if (existing) this.db.remove(id);
    const name = scope === 'district' ? '区级受理中心' : (this.o.sites.get(scope)?.name ?? scope);
    this.db.add({
      id,
      plan: plan.id,
      scope,
      title: `${name}${PERIOD_ZH[plan.period]}报告`,
      period: plan.period,
      firstDay: due.firstDay,
      lastDay: due.lastDay,
      dueAt: due.dueAt,
      createdAt: now,
      folder: id.replace(/[^A-Za-z0-9_.-]/g, '_'),
    });
    this.o.log.info({ report: id }, 'report queued');
  }

  /** Builds the queued packs one after another (a second call while building joins the same run). */
  private drain(): Promise<void> {
    if (this.building) return this.work;
    this.building = true;
    this.work = (async () => {
      try {
        for (let r = this.db.unfinished()[0]; r && !this.stopped; r = this.db.unfinished()[0]) await this.build(r);
      } finally {
        this.building = false;
      }
    })();
    return this.work;
  }

  private async build(r: ReportRow): Promise<void> {
    const log = this.o.log;
    this.db.started(r.id, this.now());
    log.info({ report: r.id, days: `${r.firstDay}..${r.lastDay}` }, 'building a scheduled report');
    let last = 0;
    try {
      const files = await buildReport(
        r,
        {
          svc: this.o.svc,
          store: this.o.store,
          sites: this.o.sites,
          profiles: this.o.profiles,
          root: join(this.o.dataDir, 'reports'),
          ...(this.o.seals ? { seals: this.o.seals } : {}),
          ...(this.o.keys ? { keys: this.o.keys } : {}),
        },
        (phase, f) => {
          const p = Math.max(last, Math.min(0.999, f));
          last = p;
          this.db.progress(r.id, phase, Math.round(p * 1000) / 1000);
        },
      );
      this.db.done(r.id, this.now(), files);
      log.info({ report: r.id, files: files.length }, 'scheduled report built');
    } catch (err) {
      this.db.failed(r.id, this.now(), (err as Error).message);
      log.error(
        { report: r.id, err: (err as Error).message },
        'scheduled report failed; the schedule tries it again in an hour, or build it now from the Reports page',
      );
      return;
    }
    this.prune(r);
    // Gone when it is itself beyond `keep` (a pack queued before `keep` was lowered): nothing to send.
    const done = this.db.get(r.id);
    if (done) await this.deliver(done);
  }

  private prune(r: ReportRow): void {
    for (const old of this.db.beyond(r.plan, r.scope, this.o.schedule.keep ?? 24)) {
      rmSync(join(this.o.dataDir, 'reports', old.folder), { recursive: true, force: true });
      this.db.remove(old.id);
    }
  }

  private routesOf(r: ReportRow): NotificationRoute[] {
    const routes =
      r.scope === 'district'
        ? (this.o.schedule.routes ?? [])
        : (this.o.sites.get(r.scope)?.notifications ?? []).filter((x) => x.reports === true);
    return routes.filter((x) => x.enabled !== false);
  }

  private async deliver(r: ReportRow): Promise<void> {
    const pdf = r.files.find((f) => f.name.endsWith('.pdf'))?.name;
    if (!pdf) return;
    const expMs = this.now() + (this.o.schedule.linkDays ?? 30) * 86_400_000;
    const link = `${this.o.baseUrl()}${this.o.links.path(r.id, pdf, expMs)}`;
    const summary = await this.summary(r);
    const notice = { report: r, link, expires: new Date(expMs).toISOString(), summary };
    await Promise.all(
      this.routesOf(r).map(async (route) => {
        const where = route.format === 'email' ? `mailto:${(route.to ?? []).join(',')}` : safeUrl(route.url ?? '');
        const base = { reportId: r.id, route: route.id, url: where, deliveredAt: null, lastError: null };
        this.db.delivery({ ...base, status: 'pending', attempts: 0 });
        let attempts = 0;
        const out = await this.o.notifier.sendTo(
          route,
          {
            webhook: route.format === 'email' ? null : reportBody(route.format, notice),
            mail: reportMail(notice),
          },
          { report: r.id },
          (at, final) => {
            attempts++;
            this.db.delivery({
              ...base,
              status: final,
              attempts,
              deliveredAt: at.ok ? at.at : null,
              lastError: at.ok ? null : (at.error ?? null),
            });
          },
        );
        if (!out.delivered) log(this.o.log, r, route, out.error);
      }),
    );
  }

  /** The scorecard's totals in one line (the district's: per centre). */
  private async summary(r: ReportRow): Promise<string> {
    try {
      if (r.scope === 'district') return `${this.o.sites.size} 个受理中心 / centres`;
      const site = this.o.sites.get(r.scope);
      if (!site) return '';
      const t = (await this.o.svc.scorecard(site, r.firstDay, r.lastDay)).totals;
      return `符合 ${t.pass}，不符合 ${t.fail}，数据不足 ${t.insufficient}；风险分 ${t.pointsAtRisk}，扣分 ${t.deductions}`;
    } catch {
      return '';
    }
  }

  private json(r: ReportRow): Report {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      id: r.id,
      plan: r.plan,
      scope: r.scope,
      title: r.title,
      period: r.period,
      firstDay: r.firstDay,
      lastDay: r.lastDay,
      state: r.state,
      phase: r.phase,
      progress: r.progress,
      dueAt: new Date(r.dueAt).toISOString(),
      createdAt: new Date(r.createdAt).toISOString(),
      startedAt: iso(r.startedAt),
      finishedAt: iso(r.finishedAt),
      error: r.error,
      files: r.files,
      deliveries: this.db.deliveries(r.id).map((d) => ({
        route: d.route,
        url: d.url,
        status: d.status,
        attempts: d.attempts,
        deliveredAt: iso(d.deliveredAt),
        lastError: d.lastError,
      })),
    };
  }
}

function reportId(plan: ReportPlan, scope: string, due: DuePeriod): string {
  return `${plan.id}:${scope}:${due.firstDay}`;
}

function log(l: Logger, r: ReportRow, route: NotificationRoute, err: string | undefined): void {
  l.error(
    { report: r.id, route: route.id, err },
    `the link to report ${r.id} could not be delivered to ${route.id}; the pack is on the Reports page`,
  );
}
