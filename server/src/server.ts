// Wires the server together with an explicit lifecycle: store, users, token signer, the site
// configuration (applied live), ingest pipeline, HTTP API, socket.io live push, and either the
// embedded broker or a client of an external one. stop() closes everything in reverse order so a
// test process exits by itself. The state beside the time series (accounts, audit, alarms'
// lifecycle, follow-ups, notifications, seals, rule state, site configuration and MQTT credentials)
// is a StateBackend: SQLite files in the data dir, or the PostgreSQL database a group of servers
// shares (--state, --share-group; docs/cluster.md), whose duty leases decide which server does each
// site's duties.
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  createLogger,
  EdgeConfigState,
  INSTALL_ROOT,
  loadCatalogue,
  loadProfiles,
  loadReportSchedule,
  schemaIssues,
  shippedCalendar,
  topics,
  type ReportSchedule,
  type ClauseCatalogue,
  type Logger,
  type LoadedSite,
} from '@hallmon/firmware-config';
import { createStore } from './store/index.ts';
import type { Store } from './store/store.ts';
import type { ServerOptions } from './options.ts';
import { Authenticator } from './auth/authenticator.ts';
import { TokenSigner } from './auth/tokens.ts';
import { openState } from './state/index.ts';
import type {
  AuditState,
  ConfigState,
  DeliveryState,
  DutyLeases,
  StateBackend,
  UserState,
  VisitState,
} from './state/state.ts';
import type { PostgresState } from './state/postgres/index.ts';
import { LoginLimiter } from './auth/login-limiter.ts';
import { ConfigEditor } from './config/config-editor.ts';
import { LiveConfig } from './config/live-config.ts';
import { seedConfig } from './config/config-seed.ts';
import { configRoutes } from './config/routes.ts';
import { IngestCounters } from './ingest/counters.ts';
import { IngestPipeline } from './ingest/pipeline.ts';
import { GatewayAuth } from './ingest/gateway-auth.ts';
import { EmbeddedBroker, MQTT_WS_PATH } from './ingest/embedded-broker.ts';
import { ExternalBroker, stableClientId } from './ingest/external-broker.ts';
import { takeOverSession } from './ingest/session-takeover.ts';
import { buildApi } from './api/app.ts';
import type { ExtraRoutes } from './api/context.ts';
import { LivePush } from './live/socketio.ts';
import { LatestValues } from './devices/latest-values.ts';
import { RetentionPruner } from './retention.ts';
import { Sealer } from './seal/sealer.ts';
import { outcomesOf } from './followups/outcomes.ts';
import { Notifier, type RetryPolicy } from './notify/notifier.ts';
import { Mailer, safeSmtp } from './notify/email.ts';
import { AlarmLifecycle } from './alarms/lifecycle.ts';
import { AlarmHub } from './alarms/alarm-hub.ts';
import { ServerRules } from './alarms/server-rules.ts';
import { lifecycleRoutes } from './alarms/routes.ts';
import { FollowupTracker } from './followups/tracker.ts';
import { followupRoutes } from './followups/routes.ts';
import { SelftestLog, SelftestRunner } from './selftest.ts';
import { SelftestScheduler } from './selftest-schedule.ts';
import type { Stream } from './ingest/reasons.ts';
import type { StoredReading } from './store/store.ts';
import { siteSeries } from './seal/digest.ts';
import { evidenceVisits } from './visits/db.ts';
import { EntryRegister } from './visits/entry-register.ts';
import { visitRoutes } from './visits/routes.ts';
import { EvidenceService } from './evidence/service.ts';
import { ReportScheduler } from './reports/scheduler.ts';
import { ReportLinks } from './reports/links.ts';
import { reportRoutes } from './reports/routes.ts';
import { SigningKeys } from './signing/keys.ts';
import { DigestPublisher } from './signing/publisher.ts';
import { DigestStore } from './signing/digest-store.ts';
import { digestRoutes } from './signing/digest-routes.ts';
import { ServerMetrics } from './ops/metrics.ts';
import { DiskWatch } from './ops/disk-watch.ts';
import { ClockMonitor } from './ops/clock-monitor.ts';
import { healthDetail } from './ops/health.ts';
import { opsRoutes } from './ops/routes-ops.ts';
import { BackupSchedule } from './backup/schedule.ts';
import type { DiskThresholds, StatFs } from '@hallmon/firmware-config';

export type StartOptions = Partial<ServerOptions> & {
  dataDir: string;
  log?: Logger;
  /**
   * Sites already loaded (tests, the demo): they seed an empty config store; otherwise opts.config
   * or the shipped ones do (config/config-seed.ts). A store that has sites keeps them.
   */
  sites?: Map<string, LoadedSite>;
  /** HALLMON_ADMIN_PASSWORD unless given. */
  adminPassword?: string;
  /** Where the generated admin password is printed once (default stdout). */
  print?: (line: string) => void;
  dashboardDir?: string;
  /** More API routes (e.g. evidence) registered on the same server with the same auth. */
  extraRoutes?: ExtraRoutes[];
  /** Dashboard base URL used in notification links (default the server's own URL). */
  publicUrl?: string;
  /** Webhook retry policy (tests shorten it). */
  notifyRetry?: Partial<RetryPolicy>;
  /** Event-time clock of the server-side rules (tests and simulations pass a SimClock). */
  clock?: { now(): number };
  /** Watermark slack of the server-side rules, ms (default 10 s; scale it with a fast SimClock). */
  rulesSlackMs?: number;
  /** Clause catalogue for the server-side rules (default the shipped one). */
  catalogue?: ClauseCatalogue;
  /** How often unacknowledged critical alarms are checked for reminders, ms (default 1000). */
  reminderCheckMs?: number;
  /** Every API answer checked against its contract schema (api/strict-responses.ts); tests turn it on. */
  strictResponses?: boolean;
  /** The scheduled reports (tests); otherwise opts.reports or the shipped schedule. */
  reportSchedule?: ReportSchedule;
  /** How often the report schedule is checked, ms (default 60 s). */
  reportCheckMs?: number;
  /** How often sealed days are signed and published, ms (default 60 s; tests call publisher.pass()). */
  publishEveryMs?: number;
  /** Free-space levels of the data dir's disk (default 15 % warning, 5 % critical). */
  diskThresholds?: DiskThresholds;
  /** statfs of the disk watch (tests hand in a disk that fills) and how often it looks (default 60 s). */
  diskStatfs?: StatFs;
  diskCheckMs?: number;
};

export interface RunningServer {
  httpPort: number;
  /** 0 when there is no embedded TCP listener (external broker, or --mqtt-port 0 with WS only). */
  mqttPort: number;
  /** http(s)://host:port of the API and dashboard. */
  url: string;
  /** mqtt(s)://host:port of the embedded broker, when there is one. */
  mqttUrl?: string;
  store: Store;
  /** The state backend (SQLite files of the data dir, or the group's PostgreSQL database). */
  state: StateBackend;
  users: UserState;
  /** The audit trail: who did what. */
  audit: AuditState;
  /** Which sites' duties this server does now. */
  leases: DutyLeases;
  /** The site configuration (the state's: config.db or the group's PostgreSQL) and what runs from it. */
  config: { store: ConfigState; editor: ConfigEditor; live: LiveConfig };
  pipeline: IngestPipeline;
  /** The alarm lifecycle: notifications, reminders, server-side rules, self-tests. */
  alarms: {
    lifecycle: AlarmLifecycle;
    hub: AlarmHub;
    notifier: Notifier;
    deliveries: DeliveryState;
    rules: ServerRules;
    selftest: SelftestRunner;
    selftests: SelftestLog;
  };
  /** Bad-rating follow-ups (10.1.3) of every site. */
  followups: FollowupTracker;
  /** The machine-room entry register (5.2.2 机房登记) and its check of door openings. */
  visits: { db: VisitState; register: EntryRegister };
  /** Evidence packs, scorecards and the district view, one build at a time. */
  evidence: EvidenceService;
  /** The scheduled report packs. */
  reports: ReportScheduler;
  /** The sites' signing keys; each sealed day signed and published outside the data folder. */
  signing: { keys: SigningKeys; publisher: DigestPublisher; digests: DigestStore };
  /** Prometheus metrics (GET /metrics), the data dir's disk, the edges' clocks, scheduled backups. */
  ops: { metrics: ServerMetrics; disk: DiskWatch; clocks: ClockMonitor; backups?: BackupSchedule };
  stop(): Promise<void>;
}

const DEFAULT_DASHBOARD = join(INSTALL_ROOT, 'dashboard', 'dist');

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const log = opts.log ?? createLogger('hallmon-server');
  const dataDir = resolve(opts.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const profiles = loadProfiles();
  const host = opts.host ?? '0.0.0.0';
  const tls = opts.tls ? { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) } : undefined;
  const maxPayload = opts.maxPayload ?? 1024 * 1024;

  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    while (cleanups.length) {
      const c = cleanups.pop()!;
      try {
        await c();
      } catch (err) {
        log.warn({ err }, 'error while stopping');
      }
    }
  };

  try {
    // The state backend first (the config editor writes to its audit trail), then the site
    // configuration: everything below reads the site map it keeps up to date.
    const state = await openState({ dataDir, state: opts.state }, log);
    cleanups.push(() => state.close());
    const audit = state.audit;
    const catalogue = opts.catalogue ?? loadCatalogue();
    const configStore = state.config;
    const editor = new ConfigEditor(configStore, audit, profiles, catalogue);
    await seedConfig(editor, { files: opts.config ?? [], ...(opts.sites ? { sites: opts.sites } : {}) }, log);
    const liveConfig = new LiveConfig({
      store: configStore,
      profiles,
      catalogue,
      log: log.child({ component: 'config' }),
    });
    await liveConfig.load();
    cleanups.push(() => liveConfig.stop());
    const sites = liveConfig.sites;
    const siteIndex = liveConfig.siteIndex;

    const series =
      opts.store === 'influxdb'
        ? createStore(
            {
              kind: 'influxdb',
              url: opts.influxUrl ?? 'http://127.0.0.1:8086/hallmon',
              retentionDays: opts.retentionDays,
            },
            log,
          )
        : createStore({ kind: 'sqlite', dataDir, retentionDays: opts.retentionDays }, log);
    await series.open();
    cleanups.push(() => series.close());

    const group = state.kind === 'postgres' ? (state as PostgresState).pool : undefined;
    if (group) log.info({ state: state.where }, 'state kept in PostgreSQL');
    // With PostgreSQL state the alarms live there; readings, events and status stay in `series`.
    const store = state.alarms(series);
    const leases = state.leases({ sites: [...sites.keys(), '*'], ttlMs: opts.leaseTtlMs });
    await leases.start();
    cleanups.push(() => leases.stop());

    const users = state.users;
    const admin = await users.ensureAdmin(opts.adminPassword ?? process.env.HALLMON_ADMIN_PASSWORD);
    if (admin.generated) {
      const print = opts.print ?? ((l: string) => process.stdout.write(`${l}\n`));
      print('');
      print('  ================================================================');
      print(`  First start: created user "admin" with password: ${admin.generated}`);
      print('  It is shown only this once. Set HALLMON_ADMIN_PASSWORD to choose one.');
      print('  ================================================================');
      print('');
    }
    const secret = await state.tokenSecret();
    const signer = new TokenSigner(secret);
    const auth = new Authenticator(signer, users);

    const counters = new IngestCounters(log.child({ component: 'ingest' }));
    const pipeline = new IngestPipeline(store, siteIndex, counters, log.child({ component: 'ingest' }));
    const latest = new LatestValues(store); // GET /api/latest and /api/devices, fed by the live path below
    cleanups.push(() => pipeline.flush());

    // Running it: the data dir's disk, the edges' clocks, Prometheus metrics (docs/operations.md).
    let liveRef: LivePush | undefined;
    const disk = new DiskWatch({
      dir: dataDir,
      sites: sites.keys(),
      publish: (site, alarms) => hub.submit(site, alarms),
      log: log.child({ component: 'disk' }),
      ...(opts.diskThresholds ? { thresholds: opts.diskThresholds } : {}),
      ...(opts.diskStatfs ? { statfs: opts.diskStatfs } : {}),
      ...(opts.diskCheckMs ? { everyMs: opts.diskCheckMs } : {}),
    });
    const clocks = new ClockMonitor({
      store,
      publish: (site, alarms) => hub.submit(site, alarms),
      log: log.child({ component: 'clock' }),
    });
    const backups = opts.backup
      ? new BackupSchedule({
          dataDir,
          ...opts.backup,
          log: log.child({ component: 'backup' }),
          ...(opts.store === 'influxdb' && opts.influxUrl
            ? {
                influx: {
                  url: opts.influxUrl,
                  rpc: opts.influxRpc ?? `${new URL(opts.influxUrl).hostname}:8088`,
                },
              }
            : {}),
        })
      : undefined;
    const metrics = new ServerMetrics({
      backup: () => (backups ? { lastSuccess: backups.lastSuccess, failures: backups.failures } : null),
      ingest: () => counters.snapshot(),
      devices: async () =>
        Promise.all(
          [...sites.values()].map(async (site) => {
            const ids = site.zones.flatMap((z) => z.devices.map((d) => d.id));
            const known = await latest.devices(site.id);
            const recent = Date.now() - 10 * 60_000;
            const online = ids.filter((id) => {
              const st = known.status.get(id);
              return st ? st.status === 'online' : (known.seen.get(id) ?? 0) >= recent;
            }).length;
            return { site: site.id, online, total: ids.length };
          }),
        ),
      activeAlarms: async () => {
        const by = new Map<string, { site: string; severity: string; count: number }>();
        for (const a of await store.readAlarms({ state: 'active' })) {
          const k = `${a.site}|${a.severity}`;
          const e = by.get(k) ?? { site: a.site, severity: a.severity, count: 0 };
          e.count++;
          by.set(k, e);
        }
        return [...by.values()];
      },
      disk: () => disk.state,
      clocks: () =>
        clocks.states().map((c) => ({ site: c.site, edge: c.edge, offsetS: c.offsetMs / 1000, synced: c.synced })),
      live: () => liveRef?.snapshot() ?? null,
    });
    pipeline.setTiming((stream, waitedMs, writeMs) => metrics.observeBatch(stream, waitedMs, writeMs));

    // Alarm lifecycle: delivery log, notifier, reminders, the hub server-made alarms go through.
    const deliveries = state.deliveries;
    let baseUrl = opts.publicUrl ?? 'http://127.0.0.1:8080';
    const mailer = mailerFor(opts, sites);
    if (mailer) {
      cleanups.push(() => mailer.close());
      log.info({ relay: safeSmtp(opts.smtpUrl!), from: mailer.from }, 'alarm e-mail goes through this SMTP relay');
    }
    // One clock for notices and escalation: the server's event-time clock (a SimClock in tests).
    const now = opts.clock ? () => opts.clock!.now() : Date.now;
    const notifier = new Notifier({
      sites,
      catalogue,
      log: log.child({ component: 'notify' }),
      deliveries,
      baseUrl: () => baseUrl,
      retry: opts.notifyRetry,
      ...(mailer ? { mailer } : {}),
      now,
      onOutcome: (site, delivered) => metrics.notifications.inc({ site, outcome: delivered ? 'delivered' : 'failed' }),
    });
    cleanups.push(() => notifier.stop());
    const lifecycle = new AlarmLifecycle({
      store,
      notifier,
      deliveries,
      notices: state.notices,
      leases,
      sites,
      log: log.child({ component: 'alarms' }),
      checkEveryMs: opts.reminderCheckMs,
      now,
    });
    await lifecycle.start();
    cleanups.push(() => lifecycle.stop());
    let liveSink: LivePush | undefined;
    const hub = new AlarmHub(store, () => liveSink, lifecycle, log.child({ component: 'alarms' }));
    // In a group the owner of a site feeds its rules from its own subscription to the site's
    // topics (publish order); alone, from what ingest stored (external-broker.ts `follow`).
    const followed = !!opts.shareGroup;
    // The broker keeps handing a stopped server's session its share of the messages until another
    // server takes that session over and stores them (the sweep below): a site's new owner waits
    // for that before it replays the stored history, so those readings are judged too. Bounded, so
    // a takeover that keeps failing does not hold a site's rules for ever.
    const drained = async () => {
      const end = Date.now() + 5 * (opts.leaseTtlMs ?? 9_000);
      while (Date.now() < end && (await leases.lapsed()).length) await sleep(250);
    };
    const serverRules = new ServerRules({
      sites: sites.values(),
      profiles,
      state: (site) => state.ruleState(site),
      leases,
      ...(followed
        ? {
            // A site taken over replays its last stored minutes first (server-rules.ts).
            history: async (site: string, from: number) => {
              const cfg = sites.get(site);
              if (!cfg) return [];
              await drained();
              const out: StoredReading[] = [];
              for (const s of siteSeries(cfg, profiles))
                out.push(...(await store.readRaw({ site, ...s, from, to: Date.now() + 1, limit: 100_000 })));
              return out;
            },
          }
        : {}),
      log: log.child({ component: 'rules' }),
      publish: (site, alarms) => hub.submit(site, alarms),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.rulesSlackMs !== undefined ? { slackMs: opts.rulesSlackMs } : {}),
      catalogue,
    });
    // Bad-rating follow-ups run here for every site: people answer and resolve them on the server.
    const followups = new FollowupTracker({
      sites: sites.values(),
      catalogue,
      db: state.followups,
      leases,
      log: log.child({ component: 'followups' }),
      publish: (site, alarms) => hub.submit(site, alarms),
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
    followups.start();
    cleanups.push(() => followups.stop());
    // The machine-room entry register: visits written through any server (the state backend's),
    // door openings of the sites this server owns checked against them.
    const visits = state.visits;
    const register = new EntryRegister({
      sites: sites.values(),
      profiles,
      catalogue,
      store,
      visits,
      leases,
      log: log.child({ component: 'visits' }),
      publish: (site, alarms) => hub.publish(site, alarms),
      ...(opts.clock ? { clock: opts.clock } : {}),
    });
    await register.start();
    cleanups.push(() => register.stop());
    const alarmLog = log.child({ component: 'alarms' });
    pipeline.setHooks({
      readings: (site, items) => {
        if (!followed) {
          serverRules.readings(site, items);
          register.readings(site, items);
        }
      },
      events: (site, items) => {
        if (!followed) serverRules.events(site, items);
        followups.events(site, items);
      },
      status: (site, items) => {
        if (!followed) serverRules.status(site, items);
      },
      clock: (site, items) => clocks.report(site, items),
      // Edge alarms are stored and pushed by ingest; notifying must not hold up their PUBACK.
      alarms: (_site, items) =>
        void lifecycle
          .handle(items)
          .catch((err) => alarmLog.error({ err: (err as Error).message }, 'alarm notification failed')),
    });
    const selftests = new SelftestLog(deliveries);
    const selftest = new SelftestRunner(hub, selftests, (a) => notifier.routesFor(a));

    let broker: EmbeddedBroker | undefined;
    let external: ExternalBroker | undefined;
    let live: LivePush | undefined;
    const followupOutcomes = async (site: string) => outcomesOf(await followups.db.list(site, false, true));
    const evidence = new EvidenceService({
      store,
      catalogue,
      profiles,
      calendar: shippedCalendar(),
      followupOutcomes,
      visits: (site) => evidenceVisits(visits, site),
      audit,
      ...(opts.clock ? { now: () => opts.clock!.now() } : {}),
    });

    // Signing keys: each sealed day's link and each pack's manifest are signed with the site's key.
    const keysDir = opts.signingKeys ?? join(dataDir, 'keys');
    const keys = new SigningKeys(keysDir);
    if (!opts.signingKeys)
      log.info(
        { keys: keysDir },
        'the signing keys are in the data folder: keep them elsewhere with --signing-keys, or whoever holds the folder can re-sign a rewritten day',
      );
    const digests = new DigestStore(dataDir).open();
    cleanups.push(() => digests.close());
    const reportLinks = new ReportLinks(secret);
    const reports = new ReportScheduler({
      schedule: opts.reportSchedule ?? loadReportSchedule(...(opts.reports ? [opts.reports] : [])),
      dataDir,
      store,
      sites,
      profiles,
      svc: evidence,
      notifier,
      links: reportLinks,
      seals: state.seals,
      owns: () => leases.owns('*'),
      keys,
      baseUrl: () => baseUrl,
      log: log.child({ component: 'reports' }),
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.reportCheckMs !== undefined ? { checkEveryMs: opts.reportCheckMs } : {}),
    });

    const gateways = () =>
      liveConfig
        .activeCredentials()
        .filter((c) => c.device === null)
        .map((c) => ({ username: c.username, site: c.site, passwordHash: c.passwordHash }));
    const gatewayAuth = new GatewayAuth(gateways());
    const configLog = log.child({ component: 'config' });
    const onConfigState = (site: string, payload: Buffer) => {
      let value: unknown;
      try {
        value = JSON.parse(payload.toString('utf8'));
      } catch {
        return configLog.warn({ site }, 'an edge sent a config state that is not JSON (ignored)');
      }
      const issues = schemaIssues(EdgeConfigState, value);
      if (issues.length)
        return configLog.warn(
          { site, issues: issues.slice(0, 3) },
          'an edge sent a config state that does not fit (ignored)',
        );
      liveConfig.receiveEdgeState(site, value as EdgeConfigState);
    };

    // A new site config applies at once: rules rebound, follow-ups, notifications, gateway logins,
    // and the site's edge gets its part as a retained message (docs/contract.md).
    const publish = (topic: string, payload: string) =>
      (broker ?? external)
        ?.publishRetained(topic, payload)
        .catch((err: Error) =>
          configLog.warn({ topic, err: err.message }, 'could not publish a site config (retried on change)'),
        );
    const hook = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        configLog.error({ err: (err as Error).message }, `applying a configuration change failed: ${what}`);
      }
    };
    liveConfig.setHooks({
      siteChanged: (site) => {
        hook('rules', () => serverRules.setSite(site));
        hook('follow-ups', () => followups.setSite(site));
        hook('notifications', () => notifier.setSite(site));
        hook('leases', () => leases.setSites([...sites.keys(), '*']));
        hook('entry register', () => register.setSite(site));
      },
      siteRemoved: (id) => {
        hook('rules', () => serverRules.removeSite(id));
        hook('follow-ups', () => followups.removeSite(id));
        hook('notifications', () => notifier.removeSite(id));
        hook('leases', () => leases.setSites([...sites.keys(), '*']));
        hook('entry register', () => register.removeSite(id));
      },
      credentialsChanged: (_active, revoked) => {
        gatewayAuth.reload(gateways());
        const n = broker?.disconnectUsers(revoked.filter((c) => c.device === null).map((c) => c.username)) ?? 0;
        if (n) configLog.info({ disconnected: n }, 'revoked gateway credentials: their connections were closed');
      },
      edgeMessage: (site, msg) => void publish(topics.config(site), msg ? JSON.stringify(msg) : ''),
    });

    const app = await buildApi(
      {
        store,
        latest,
        followupOutcomes,
        visits: (site) => evidenceVisits(visits, site),
        evidence,
        sites,
        siteIndex,
        signer,
        users,
        auth,
        audit,
        limiter: new LoginLimiter(),
        log,
        extraRoutes: [
          ...(opts.extraRoutes ?? []),
          lifecycleRoutes({ runner: selftest, selftests, deliveries }),
          followupRoutes(followups),
          visitRoutes({
            db: visits,
            added: () =>
              void register
                .visitAdded()
                .catch((err) => alarmLog.error({ err: (err as Error).message }, 'entry register: visit not applied')),
            ...(opts.clock ? { clock: opts.clock } : {}),
          }),
          reportRoutes(reports, reportLinks, () => (opts.clock ?? Date).now()),
          digestRoutes(digests, () => Date.now()),
          configRoutes({
            editor,
            live: liveConfig,
            profiles,
            connected: (u: string) => broker?.isConnected(u) ?? null,
          }),
          opsRoutes({ metrics, clocks, ...(opts.metricsToken ? { metricsToken: opts.metricsToken } : {}) }),
        ],
        alarmChanged: (a) => {
          live?.alarms(a.site, [a]);
          lifecycle.acked(a);
        },
        dashboardDir: opts.dashboardDir ?? (existsSync(DEFAULT_DASHBOARD) ? DEFAULT_DASHBOARD : undefined),
        health: () =>
          healthDetail({
            store,
            state,
            disk: () => disk.state,
            base: () => ({
              ingest: counters.snapshot(),
              broker: external
                ? {
                    kind: 'external' as const,
                    url: redact(opts.broker ?? ''),
                    connected: external.connected,
                    ...(opts.shareGroup ? { shareGroup: opts.shareGroup } : {}),
                  }
                : {
                    kind: 'embedded' as const,
                    clients: broker?.clients ?? 0,
                    mqttPort: broker?.port ?? 0,
                    websocket: opts.mqttWs !== false ? MQTT_WS_PATH : null,
                  },
              live: live?.snapshot() ?? null,
            }),
          }),
      },
      { tls, strictResponses: opts.strictResponses },
    );
    cleanups.push(() => app.close());

    live = new LivePush(app.server, auth, sites, log.child({ component: 'live' }), group);
    live.start();
    pipeline.setLive(latest.over(live));
    liveSink = live;
    liveRef = live;
    const liveNow = live;
    cleanups.push(() => liveNow.stop());

    await app.listen({ port: opts.httpPort ?? 8080, host });
    const httpPort = (app.server.address() as AddressInfo).port;
    if (!opts.publicUrl)
      baseUrl = `${tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${httpPort}`;

    if (opts.broker) {
      external = new ExternalBroker(
        {
          url: opts.broker,
          username: opts.brokerUsername,
          password: opts.brokerPassword,
          // In a group each server needs its own client id (the session ends with the connection).
          clientId: opts.shareGroup ? groupClientId(opts.shareGroup, leases.me) : stableClientId(dataDir),
          maxPayload,
          shareGroup: opts.shareGroup,
          connections: opts.ingestConnections,
          onConfigState,
        },
        pipeline,
        log.child({ component: 'external-broker' }),
      );
      const ext = external;
      cleanups.push(() => ext.stop());
      await ext.start();
      if (opts.shareGroup) {
        const shareGroup = opts.shareGroup;
        const takeoverLog = log.child({ component: 'session-takeover' });
        let busy = false;
        const sweep = async () => {
          if (busy || !leases.owns('*')) return;
          busy = true;
          try {
            for (const member of await leases.dead()) {
              // Its sessions at once: each drains what the broker held for that connection.
              const ids = ExternalBroker.clientIds(groupClientId(shareGroup, member), opts.ingestConnections ?? 1);
              const counts = await Promise.all(
                ids.map((id) =>
                  takeOverSession(
                    {
                      url: opts.broker!,
                      username: opts.brokerUsername,
                      password: opts.brokerPassword,
                      maxPayload,
                      topic: ext.topic,
                    },
                    id,
                    pipeline,
                    takeoverLog,
                  ),
                ),
              );
              const n = counts.reduce((a, b) => a + b, 0);
              await leases.forget(member);
              takeoverLog.info({ member, stored: n }, "took over a stopped server's broker session");
            }
          } catch (err) {
            takeoverLog.warn({ err: (err as Error).message }, 'session takeover failed; trying again shortly');
          } finally {
            busy = false;
          }
        };
        const timer = setInterval(() => void sweep(), Math.max(1_000, Math.floor((opts.leaseTtlMs ?? 9_000) / 3)));
        timer.unref();
        cleanups.push(() => clearInterval(timer));
      }
      if (followed) {
        const feed = (site: string, stream: string, payload: Buffer, device?: string) => {
          const v = pipeline.validate(site, stream as Stream, payload, device);
          if (!v || !v.result.accepted.length) return;
          if (v.stream === 'telemetry') {
            serverRules.readings(site, v.result.accepted);
            register.readings(site, v.result.accepted);
          } else if (v.stream === 'events') serverRules.events(site, v.result.accepted);
          else if (v.stream === 'status') serverRules.status(site, v.result.accepted);
        };
        // Sites whose rules run on the server, and sites with a door the entry register watches.
        const judged = new Set([...serverRules.sites, ...register.sites]);
        ext.follow(
          leases.owned().filter((s) => judged.has(s)),
          feed,
        );
        leases.onChange((gained, lost) => {
          ext.unfollow(lost.filter((s) => judged.has(s)));
          ext.follow(
            gained.filter((s) => judged.has(s)),
            feed,
          );
        });
      }
    } else {
      broker = new EmbeddedBroker(
        {
          host,
          // --mqtt-port 0: no TCP listener (gateways then use MQTT over WebSocket at /mqtt).
          port: opts.mqttPort === 0 ? null : (opts.mqttPort ?? 1883),
          tls,
          maxPayload,
          wsServer: opts.mqttWs !== false ? app.server : undefined,
          onConfigState,
        },
        gatewayAuth,
        pipeline,
        log.child({ component: 'broker' }),
      );
      const b = broker;
      cleanups.push(() => b.stop());
      await b.start();
      if (opts.mqttPort === 0 && opts.mqttWs === false)
        log.warn('no MQTT listener at all (--mqtt-port 0 and MQTT over WebSocket off): nothing can publish data');
    }

    liveConfig.republish();
    liveConfig.startPolling();

    const pruner = new RetentionPruner(store, opts.retentionDays ?? 400, log, () => leases.owns('*'));
    pruner.start();
    cleanups.push(() => pruner.stop());

    // Seals closed days into the hash chain that evidence packs cite (hallmon evidence verify).
    const sealer = new Sealer({
      store,
      seals: state.seals,
      sites,
      owns: (site) => leases.owns(site),
      profiles,
      log: log.child({ component: 'seal' }),
    });
    sealer.start();
    cleanups.push(() => sealer.stop());

    await serverRules.start();
    cleanups.push(() => serverRules.stop());
    await clocks.resume(sites.keys());
    disk.start();
    cleanups.push(() => disk.stop());
    if (backups) {
      backups.start();
      cleanups.push(() => backups.stop());
    }
    if (serverRules.sites.length)
      log.info({ sites: serverRules.sites }, 'clause rules run on the server for these sites (rulesAt: server)');
    reports.start();
    cleanups.push(() => reports.stop());
    // Each sealed day signed and posted outside the data folder (--publish-digests).
    const publisher = new DigestPublisher({
      dataDir,
      sites,
      seals: state.seals,
      owns: () => leases.owns('*'),
      keys,
      targets: opts.publishDigests ?? [],
      log: log.child({ component: 'digests' }),
      ...(opts.publishEveryMs !== undefined ? { everyMs: opts.publishEveryMs } : {}),
    });
    publisher.start();
    cleanups.push(() => publisher.stop());
    const scheduler = new SelftestScheduler(sites, selftest, selftests, log.child({ component: 'selftest' }));
    scheduler.leases = leases;
    scheduler.start();
    cleanups.push(() => scheduler.stop());

    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
    const mqttPort = broker?.port ?? 0;
    return {
      httpPort,
      mqttPort,
      url: `${tls ? 'https' : 'http'}://${shownHost}:${httpPort}`,
      mqttUrl: mqttPort ? `${tls ? 'mqtts' : 'mqtt'}://${shownHost}:${mqttPort}` : undefined,
      store,
      state,
      users,
      audit,
      leases,
      config: { store: configStore, editor, live: liveConfig },
      pipeline,
      alarms: { lifecycle, hub, notifier, deliveries, rules: serverRules, selftest, selftests },
      followups,
      visits: { db: visits, register },
      evidence,
      reports,
      signing: { keys, publisher, digests },
      ops: { metrics, disk, clocks, ...(backups ? { backups } : {}) },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The MQTT client id of a server of a group (its session, which another may take over). */
function groupClientId(group: string, member: string): string {
  return `hallmon-${group}-${member}`;
}

/**
 * The SMTP relay for the sites' e-mail routes; none when no enabled route sends e-mail. An e-mail
 * route without --smtp-url stops the start: its alarms would go nowhere.
 */
function mailerFor(opts: StartOptions, sites: ReadonlyMap<string, LoadedSite>): Mailer | undefined {
  const email = [...sites.values()].flatMap((s) =>
    (s.notifications ?? []).filter((r) => r.format === 'email' && r.enabled !== false).map((r) => `${s.id}/${r.id}`),
  );
  if (!email.length) return undefined;
  if (!opts.smtpUrl)
    throw new Error(
      `notification route(s) ${email.join(', ')} send e-mail, but no SMTP relay is set: start with --smtp-url smtp://user:password@host:port (or HALLMON_SMTP_URL), or set "enabled": false on the route`,
    );
  return new Mailer({ url: opts.smtpUrl, ...(opts.smtpFrom ? { from: opts.smtpFrom } : {}) });
}

/** A broker URL without its password, for health output and logs. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
