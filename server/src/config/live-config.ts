// The configuration the running server works with, kept in step with the config store: the site
// map and the ingest site index every component reads (changed in place, so the API, ingest and the
// alarm lifecycle see a new version at once), the active MQTT credentials, and for every site the
// message its edge gets (schemas/remote-config.ts) with its digest. refresh() reads the store and
// hands each difference to the hooks (rules rebound, follow-ups, notifications, gateway logins, the
// config message published to the edge); the API calls it after each change, and a poll of the
// store's change mark every second picks up what others wrote: `hallmon config` and `hallmon
// credential` (SQLite's data_version), or the other servers of a group (PostgreSQL's config_clock).
// Refreshes run one at a time, so each difference is handed to the hooks once.
import {
  checkSite,
  configDigest,
  ConfigError,
  deviceProfile,
  toIso,
  type ClauseCatalogue,
  type DeviceProfile,
  type EdgeConfigMessage,
  type EdgeConfigState,
  type LoadedSite,
  type Logger,
  type Metric,
  type SiteConfig,
  type SiteDevice,
} from '@hallmon/firmware-config';
import { indexSite, type RetiredDevice, type SiteIndex } from '../ingest/site-index.ts';
import type { ConfigState } from '../state/state.ts';
import type { Credential, SiteVersion, StoredEdgeState } from './config-store.ts';

export interface LiveConfigHooks {
  /** A site is new or has a new version (prev: the version before, if it was live). */
  siteChanged?(site: LoadedSite, prev: LoadedSite | undefined): void;
  siteRemoved?(id: string, prev: LoadedSite): void;
  /** The active credentials changed; `revoked` were active before and are not now. */
  credentialsChanged?(active: Credential[], revoked: Credential[]): void;
  /** The message a site's edge should hold changed (null: the site is gone). */
  edgeMessage?(site: string, message: EdgeConfigMessage | null): void;
  /** An edge reported which version it runs. */
  edgeState?(state: StoredEdgeState): void;
}

export interface LiveConfigOptions {
  store: ConfigState;
  profiles: ReadonlyMap<string, DeviceProfile>;
  catalogue: ClauseCatalogue;
  log: Logger;
}

export class LiveConfig {
  readonly sites = new Map<string, LoadedSite>();
  readonly siteIndex = new Map<string, SiteIndex>();
  private readonly versions = new Map<string, SiteVersion>();
  private readonly retired = new Map<string, Map<string, RetiredDevice>>();
  private readonly messages = new Map<string, EdgeConfigMessage>();
  private readonly edgeStates = new Map<string, StoredEdgeState>();
  private active = new Map<string, Credential>();
  private hooks: LiveConfigHooks = {};
  private lastMark = -1;
  private timer: NodeJS.Timeout | undefined;
  /** The refresh running now, if any (the next one waits for it). */
  private refreshing: Promise<void> = Promise.resolve();
  /** The poll running now, if any. */
  private polling: Promise<void> | undefined;

  constructor(private readonly opts: LiveConfigOptions) {}

  setHooks(hooks: LiveConfigHooks): void {
    this.hooks = hooks;
  }

  /**
   * First load: every live site of the store, checked; a stored version that no longer passes (a
   * profile it names was removed by an upgrade) stops the start with what to do.
   */
  async load(): Promise<void> {
    this.lastMark = await this.opts.store.changeMark();
    for (const [site, st] of await this.opts.store.edgeStates()) this.edgeStates.set(site, st);
    const problems: ConfigError['problems'] = [];
    for (const v of (await this.opts.store.latest()).values()) {
      this.retired.set(v.site, retiredFromHistory(await this.opts.store.history(v.site), this.opts.profiles));
      if (v.deleted) continue;
      try {
        this.put(
          v,
          checkSite(
            v.config,
            `config.db site "${v.site}" version ${v.version}`,
            this.opts.profiles,
            this.opts.catalogue,
          ),
        );
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        problems.push(...err.problems);
      }
    }
    if (problems.length)
      throw new ConfigError([
        ...problems,
        {
          file: this.opts.store.where,
          path: '',
          message: `fix the site with 'hallmon config import FILE' or roll it back with 'hallmon config rollback --site ID --version N'`,
        },
      ]);
    this.active = new Map((await this.opts.store.credentials({ active: true })).map((c) => [c.id, c]));
    for (const id of this.sites.keys()) this.messages.set(id, this.buildMessage(id));
  }

  /** Polls the store for changes made by others (the command line, the other servers of a group). */
  startPolling(everyMs = 1000): void {
    this.timer = setInterval(() => {
      if (this.polling) return;
      this.polling = this.opts.store
        .changeMark()
        .then((mark) => (mark !== this.lastMark ? this.refresh() : undefined))
        .catch((err: Error) => this.opts.log.error({ err: err.message }, 'could not read the config store; retrying'))
        .finally(() => (this.polling = undefined));
    }, everyMs);
    this.timer.unref();
  }

  /** Stops polling; resolves once a poll or refresh under way is done. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
    await this.refreshing;
  }

  version(site: string): SiteVersion | undefined {
    return this.versions.get(site);
  }

  message(site: string): EdgeConfigMessage | undefined {
    return this.messages.get(site);
  }

  edgeState(site: string): StoredEdgeState | undefined {
    return this.edgeStates.get(site);
  }

  activeCredentials(): Credential[] {
    return [...this.active.values()];
  }

  /** Applies every difference between the store and what runs now (after the refresh running now). */
  refresh(): Promise<void> {
    const run = this.refreshing.then(() => this.apply());
    this.refreshing = run.catch(() => undefined);
    return run;
  }

  private async apply(): Promise<void> {
    // The mark first: a change made while reading is seen by the next poll.
    this.lastMark = await this.opts.store.changeMark();
    const latest = await this.opts.store.latest();
    const edges = await this.opts.store.edgeStates();
    const creds = new Map((await this.opts.store.credentials({ active: true })).map((c) => [c.id, c]));
    // Edge reports another server received (a group shares the edges' subscriptions).
    for (const [site, st] of edges) {
      const had = this.edgeStates.get(site);
      if (had && had.seenAt >= st.seenAt) continue;
      this.edgeStates.set(site, st);
      const index = this.siteIndex.get(site);
      if (index) index.edgeRunning = st.mode === 'remote' ? st.running : null;
      this.hooks.edgeState?.(st);
    }
    for (const v of latest.values()) {
      const had = this.versions.get(v.site);
      if (v.deleted) {
        if (had) this.remove(v);
        continue;
      }
      if (had?.version === v.version) continue;
      let site: LoadedSite;
      try {
        site = checkSite(
          v.config,
          `config.db site "${v.site}" version ${v.version}`,
          this.opts.profiles,
          this.opts.catalogue,
        );
      } catch (err) {
        // Written by a process that checked it with other profiles: keep running what runs now.
        this.opts.log.error(
          { site: v.site, version: v.version, err: (err as Error).message },
          'a stored site version cannot be used; the server keeps the one it runs (roll back or fix it)',
        );
        continue;
      }
      const prev = this.sites.get(v.site);
      this.retire(v.site, prev, site, v);
      this.put(v, site);
      this.opts.log.info({ site: v.site, version: v.version, summary: v.summary }, 'site configuration applied');
      this.hooks.siteChanged?.(site, prev);
    }
    const revoked = [...this.active.values()].filter((c) => !creds.has(c.id));
    const added = [...creds.keys()].some((id) => !this.active.has(id));
    this.active = creds;
    if (revoked.length || added) this.hooks.credentialsChanged?.([...creds.values()], revoked);
    for (const id of this.sites.keys()) {
      const msg = this.buildMessage(id);
      if (this.messages.get(id)?.digest === msg.digest) continue;
      this.messages.set(id, msg);
      this.hooks.edgeMessage?.(id, msg);
    }
  }

  /** Publishes every site's message again (after the broker started). */
  republish(): void {
    for (const [id, msg] of this.messages) this.hooks.edgeMessage?.(id, msg);
  }

  /** An edge's report (config/state topic), already schema-checked. */
  receiveEdgeState(site: string, state: EdgeConfigState, seenAt = Date.now()): void {
    const stored: StoredEdgeState = { ...state, site, seenAt };
    this.edgeStates.set(site, stored);
    const index = this.siteIndex.get(site);
    if (index) index.edgeRunning = state.mode === 'remote' ? state.running : null;
    this.opts.store
      .setEdgeState(stored)
      .catch((err: Error) =>
        this.opts.log.warn({ site, err: err.message }, 'could not keep the edge state in the config store'),
      );
    if (state.state === 'rejected')
      this.opts.log.warn(
        { site, running: state.running, refused: state.received, error: state.error },
        "the site's edge refused a configuration and keeps running its last good one",
      );
    this.hooks.edgeState?.(stored);
  }

  private put(v: SiteVersion, site: LoadedSite): void {
    this.versions.set(v.site, v);
    this.sites.set(v.site, site);
    const retired = this.retired.get(v.site) ?? new Map<string, RetiredDevice>();
    this.retired.set(v.site, retired);
    const edge = this.edgeStates.get(v.site);
    this.siteIndex.set(
      v.site,
      indexSite(site, this.opts.profiles, retired, edge?.mode === 'remote' ? edge.running : null),
    );
  }

  private remove(v: SiteVersion): void {
    const prev = this.sites.get(v.site);
    this.versions.delete(v.site);
    this.sites.delete(v.site);
    this.siteIndex.delete(v.site);
    this.messages.delete(v.site);
    this.opts.log.info({ site: v.site, version: v.version }, 'site removed from the configuration');
    if (prev) this.hooks.siteRemoved?.(v.site, prev);
    this.hooks.edgeMessage?.(v.site, null);
  }

  /** Devices of `prev` missing from `next` become retired (their buffered data is still accepted). */
  private retire(id: string, prev: SiteConfig | undefined, next: SiteConfig, v: SiteVersion): void {
    if (!prev) return;
    const retired = this.retired.get(id) ?? new Map<string, RetiredDevice>();
    const keep = new Set(next.zones.flatMap((z) => z.devices.map((d) => d.id)));
    for (const z of prev.zones)
      for (const d of z.devices)
        if (!keep.has(d.id))
          retired.set(d.id, { metrics: metricsOf(this.opts.profiles, d), at: v.ts, version: v.version });
    this.retired.set(id, retired);
  }

  private buildMessage(id: string): EdgeConfigMessage {
    const v = this.versions.get(id)!;
    // Webhook URLs carry robot keys: they stay on the server, which sends the notifications.
    const { notifications: _n, ...site } = v.config;
    const deviceCredentials = [...this.active.values()]
      .filter((c) => c.site === id && c.device !== null)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((c) => ({ device: c.device!, passwordHash: c.passwordHash }));
    const content = { site, deviceCredentials };
    return { version: v.version, digest: configDigest(content), issuedAt: toIso(v.ts), ...content };
  }
}

/** What a device measured (a DI module: the channels its config wired). */
function metricsOf(profiles: ReadonlyMap<string, DeviceProfile>, device: SiteDevice): Set<Metric> {
  return new Set(deviceProfile(profiles, device)?.metrics.map((m) => m.metric) ?? []);
}

/** The retired devices of a site from its whole history (a device that came back is not retired). */
function retiredFromHistory(
  history: SiteVersion[],
  profiles: ReadonlyMap<string, DeviceProfile>,
): Map<string, RetiredDevice> {
  const out = new Map<string, RetiredDevice>();
  let prev = new Map<string, SiteDevice>();
  for (const v of history) {
    const now = new Map(v.deleted ? [] : v.config.zones.flatMap((z) => z.devices.map((d) => [d.id, d] as const)));
    for (const [id, device] of prev)
      if (!now.has(id)) out.set(id, { metrics: metricsOf(profiles, device), at: v.ts, version: v.version });
    for (const id of now.keys()) out.delete(id);
    prev = now;
  }
  return out;
}
