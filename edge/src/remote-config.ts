// An edge configured by the server (docs/contract.md "Configuration from the server"): started with
// only the server's MQTT address, its site and its gateway credential, it subscribes to the site's
// retained config message (hallmon/v1/{site}/config) over its own uplink and answers on
// hallmon/v1/{site}/config/state with the version it runs. A new version is checked in full here
// (schema, the profiles this edge knows, the rule binding) before anything changes; a version that
// fails is refused with the reasons and the edge keeps running its last good one. A good one is
// applied in place (EdgeAgent.reconfigure, RulesRuntime.rebind): the outbox, the uplink and the rule
// state stay, so nothing buffered is lost by a change. The last good version is kept on disk, so a
// restart without the server runs it at once.
import { join } from 'node:path';
import {
  checkSchema,
  checkSite,
  configDigest,
  ConfigError,
  edgeConfigFromSite,
  EdgeConfig,
  EdgeConfigMessage,
  JsonStateFile,
  loadCatalogue,
  schemaIssues,
  shippedCalendar,
  toIso,
  topics,
  type ClauseCatalogue,
  type DeviceProfile,
  type EdgeBase,
  type EdgeConfigState,
  type LoadedSite,
  type Logger,
  type WorkingCalendar,
} from '@hallmon/firmware-config';
import { RulesRuntime } from '@hallmon/rules';
import { EdgeAgent } from './agent.ts';
import { edgeRules } from './edge-rules.ts';

export interface RemoteConfigOptions {
  site: string;
  /** The edge's own part: uplink (server address and credential), data folder, health port. */
  base: EdgeBase;
  profiles: Map<string, DeviceProfile>;
  log: Logger;
  healthPort?: number;
  catalogue?: ClauseCatalogue;
  calendar?: WorkingCalendar;
}

interface Running {
  message: EdgeConfigMessage;
  site: LoadedSite;
}

/** What /health shows under `config`. */
export interface RemoteConfigStatus {
  mode: 'remote';
  state: EdgeConfigState['state'];
  running: number | null;
  received: number | null;
  error: string | null;
  appliedAt: string | null;
}

export class RemoteConfig {
  readonly agent: EdgeAgent;
  private running: Running | undefined;
  private received: number | null = null;
  private error: string | null = null;
  private appliedAt: string | null = null;
  private state: EdgeConfigState['state'] = 'waiting';
  private readonly lastGood: JsonStateFile;
  /** Messages are applied one after another, in arrival order. */
  private queue: Promise<void> = Promise.resolve();
  private catalogue: ClauseCatalogue | undefined;
  private calendar: WorkingCalendar | undefined;
  /** Resolves every waiter of appliedVersion(). */
  private readonly waiters = new Set<() => void>();

  constructor(private readonly opts: RemoteConfigOptions) {
    this.lastGood = new JsonStateFile(join(opts.base.dataDir, 'remote-config.json'));
    this.catalogue = opts.catalogue;
    this.calendar = opts.calendar;
    const saved = this.restore();
    const config = saved
      ? this.edgeConfig(saved)
      : ({ site: opts.site, uplink: opts.base.uplink, dataDir: opts.base.dataDir } satisfies EdgeConfig);
    this.agent = new EdgeAgent({
      config,
      site: saved?.site ?? placeholderSite(opts.site),
      profiles: opts.profiles,
      log: opts.log,
      ...(opts.healthPort !== undefined ? { healthPort: opts.healthPort } : {}),
      subscriptions: [{ topic: topics.config(opts.site), onMessage: (p) => this.onMessage(p) }],
      ...(saved ? this.rulesFor(saved.site) : {}),
    });
    this.running = saved;
    this.received = saved?.message.version ?? null;
    this.report(saved ? 'applied' : 'waiting');
  }

  get status(): RemoteConfigStatus {
    return {
      mode: 'remote',
      state: this.state,
      running: this.running?.message.version ?? null,
      received: this.received,
      error: this.error,
      appliedAt: this.appliedAt,
    };
  }

  async start(): Promise<void> {
    await this.agent.start();
  }

  async stop(): Promise<void> {
    await this.queue;
    await this.agent.stop();
  }

  /** Waits until the running version is `version` (tests and the start-up log). */
  async appliedVersion(version: number, signal?: AbortSignal): Promise<void> {
    while (this.running?.message.version !== version) {
      if (signal?.aborted) throw new Error('aborted');
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
  }

  private onMessage(payload: Buffer): void {
    this.queue = this.queue.then(
      () => this.apply(payload),
      () => this.apply(payload),
    );
  }

  /** The last good message on disk, checked like a new one; a file that fails is set aside. */
  private restore(): Running | undefined {
    let value: unknown;
    try {
      value = this.lastGood.load();
    } catch (err) {
      this.opts.log.warn(
        { err: (err as Error).message },
        'the saved configuration is unreadable; waiting for the server',
      );
      return undefined;
    }
    if (value === undefined) return undefined;
    try {
      const r = this.check(value);
      this.appliedAt = toIso(Date.now());
      this.opts.log.info(
        { version: r.message.version, file: this.lastGood.where },
        'running the last configuration received from the server until it sends a newer one',
      );
      return r;
    } catch (err) {
      let aside = '';
      try {
        aside = this.lastGood.setAside();
      } catch {
        /* keep waiting for the server either way */
      }
      this.opts.log.warn(
        { err: (err as Error).message, movedTo: aside },
        'the saved configuration cannot be used here; waiting for the server',
      );
      return undefined;
    }
  }

  /** Parses and checks a config message in full; throws a ConfigError naming every problem. */
  private check(value: unknown): Running {
    const where = 'server configuration';
    const issues = schemaIssues(EdgeConfigMessage, value);
    if (issues.length)
      throw new ConfigError(issues.map((i) => ({ file: where, path: i.path || '/', message: i.message })));
    const message = value as EdgeConfigMessage;
    const file = `${where} v${message.version}`;
    if (message.site.id !== this.opts.site)
      throw new ConfigError([
        { file, path: '/site/id', message: `is "${message.site.id}", this edge runs "${this.opts.site}"` },
      ]);
    if (configDigest(message) !== message.digest)
      throw new ConfigError([{ file, path: '/digest', message: 'does not match the content (damaged in transit?)' }]);
    const site = checkSite(message.site, file, this.opts.profiles, this.cat());
    // The rule binding is checked on a throwaway runtime: a site the rules cannot bind is refused here.
    if (site.rulesAt !== 'server')
      new RulesRuntime({
        site,
        profiles: this.opts.profiles,
        catalogue: this.cat(),
        calendar: this.cal(),
        log: this.opts.log,
      });
    const edge = edgeConfigFromSite(site, this.opts.profiles, this.opts.base, message.deviceCredentials);
    checkSchema(EdgeConfig, edge, `${file} (edge part)`);
    return { message, site };
  }

  private async apply(payload: Buffer): Promise<void> {
    if (payload.length === 0) return; // the retained message was cleared (site removed on the server)
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      return this.refuse(null, `not JSON: ${(err as Error).message}`);
    }
    const version =
      typeof (value as { version?: unknown }).version === 'number' ? (value as { version: number }).version : null;
    let next: Running;
    try {
      next = this.check(value);
    } catch (err) {
      return this.refuse(version, err instanceof ConfigError ? problemsText(err) : (err as Error).message);
    }
    this.received = next.message.version;
    const prev = this.running;
    if (prev && prev.message.digest === next.message.digest) {
      // Same content (a reconnect, or a roll back to what already runs): nothing to change.
      this.running = next;
      this.saveLastGood(next);
      this.error = null;
      return this.report('applied');
    }
    try {
      await this.agent.reconfigure(this.edgeConfig(next));
    } catch (err) {
      const reason = (err as Error).message;
      if (prev) {
        try {
          await this.agent.reconfigure(this.edgeConfig(prev));
        } catch (again) {
          this.opts.log.error({ err: (again as Error).message }, 'could not go back to the previous configuration');
        }
      }
      return this.refuse(next.message.version, `cannot run it: ${reason}`);
    }
    this.swapRules(prev?.site, next.site);
    this.running = next;
    this.error = null;
    this.appliedAt = toIso(Date.now());
    this.saveLastGood(next);
    this.opts.log.info(
      { version: next.message.version, devices: this.agent.driverSummary() },
      `configuration version ${next.message.version} from the server applied`,
    );
    this.report('applied');
  }

  /** Rules follow the site: rebound in place (state kept), started, or stopped when they move to the server. */
  private swapRules(prev: LoadedSite | undefined, site: LoadedSite): void {
    const current = this.agent.rulesComponent;
    if (site.rulesAt === 'server') return this.agent.setRules(undefined);
    if (current instanceof RulesRuntime && prev && prev.rulesAt !== 'server') return current.rebind(site);
    this.agent.setRules(this.rulesFor(site).rules);
  }

  private rulesFor(site: LoadedSite): { rules?: RulesRuntime } {
    const rules = edgeRules({
      site,
      profiles: this.opts.profiles,
      dataDir: this.opts.base.dataDir,
      log: this.opts.log.child({ component: 'rules' }),
      catalogue: this.cat(),
      calendar: this.cal(),
    });
    return rules ? { rules } : {};
  }

  private edgeConfig(r: Running): EdgeConfig {
    return edgeConfigFromSite(r.site, this.opts.profiles, this.opts.base, r.message.deviceCredentials);
  }

  private saveLastGood(r: Running): void {
    try {
      this.lastGood.save(r.message);
    } catch (err) {
      this.opts.log.error(
        { err: (err as Error).message, file: this.lastGood.where },
        'cannot save the configuration; after a restart the edge waits for the server (check the disk)',
      );
    }
  }

  private refuse(version: number | null, reason: string): void {
    if (version !== null) this.received = version;
    this.error = reason.slice(0, 4000);
    this.opts.log.error(
      { version, running: this.running?.message.version ?? null, reason },
      'configuration from the server refused; the edge keeps running its last good configuration',
    );
    this.report(this.running ? 'rejected' : 'waiting');
  }

  private report(state: EdgeConfigState['state']): void {
    this.state = this.error && state !== 'applied' ? 'rejected' : state;
    const msg: EdgeConfigState = {
      mode: 'remote',
      state: this.state,
      running: this.running?.message.version ?? null,
      digest: this.running?.message.digest ?? null,
      received: this.received,
      ...(this.error ? { error: this.error } : {}),
      ts: toIso(Date.now()),
    };
    this.agent.configStatus = this.status;
    this.agent.uplink.setRetained(topics.configState(this.opts.site), JSON.stringify(msg));
    for (const w of [...this.waiters]) {
      this.waiters.delete(w);
      w();
    }
  }

  private cat(): ClauseCatalogue {
    return (this.catalogue ??= loadCatalogue());
  }

  private cal(): WorkingCalendar {
    return (this.calendar ??= shippedCalendar());
  }
}

/** Every problem of a ConfigError on one line each ("path: message"), for the state message. */
function problemsText(err: ConfigError): string {
  return err.problems.map((p) => `${p.path || '/'}: ${p.message}`).join('\n');
}

/** A stand-in site before the first configuration arrives: the agent only needs its id then. */
function placeholderSite(id: string): LoadedSite {
  return {
    id,
    name: id,
    timezone: 'Asia/Shanghai',
    openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
    zones: [{ id: 'none', kind: 'other', name: 'none', devices: [] }],
    file: 'waiting for the server',
  };
}
