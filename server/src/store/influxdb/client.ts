// The store's connection to InfluxDB 1.x through the `influx` package (node-influx): the URL the
// operator gave (--influx-url: database in the path, basic auth as user:password@), ping with the
// server's version, the database and its retention policy, line-protocol writes (writePoints at
// millisecond precision), schema statements, and every InfluxQL read but the evidence reads and the
// hourly recompute's, which msgpack-http.ts answers faster (bench/store-influx-client.ts); failures
// are reported in terms of what the operator can fix.
import http from 'node:http';
import https from 'node:https';
import { FieldType, InfluxDB, type IPoint, type ISchemaOptions } from 'influx';
import type { Logger } from '@hallmon/firmware-config';
import { seriesOf, type InfluxReader, type InfluxSeries } from './influxql.ts';

/** Where and as whom to connect, from an --influx-url. */
export interface InfluxTarget {
  /** `http(s)://host:port`, no path. */
  base: string;
  database?: string;
  username?: string;
  password?: string;
}

/**
 * Accepts `http://host:8086`, `http://host:8086/mydb` (the path names the database, as
 * `--influx-url` documents) and `http://user:password@host:8086` (InfluxDB 1.x basic auth).
 */
export function influxTarget(raw: string): InfluxTarget {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`"${raw}" is not an InfluxDB URL; use the form http://127.0.0.1:8086/hallmon.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new Error(`"${raw}" is not an http(s) URL; InfluxDB 1.x listens on http://host:8086.`);
  }
  const out: InfluxTarget = { base: `${u.protocol}//${u.host}` };
  const db = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
  if (db) out.database = db;
  if (u.username) {
    out.username = decodeURIComponent(u.username);
    out.password = decodeURIComponent(u.password);
  }
  return out;
}

/** The same as base, database and the basic-auth header value (what the MessagePack reader sends). */
export function parseInfluxUrl(raw: string): { base: string; database?: string; auth?: string } {
  const t = influxTarget(raw);
  const out: { base: string; database?: string; auth?: string } = { base: t.base };
  if (t.database !== undefined) out.database = t.database;
  if (t.username !== undefined)
    out.auth = `Basic ${Buffer.from(`${t.username}:${t.password ?? ''}`).toString('base64')}`;
  return out;
}

/**
 * Integer fields of the store's measurements (writePoints writes every other number as a float,
 * as InfluxDB would read `1` in line protocol; a field's type is fixed by its first write).
 */
const INTEGER_FIELDS: Record<string, { fields: string[]; tags: string[] }> = {
  rollup_dirty: { fields: ['pending'], tags: [] },
  rollup_state: { fields: ['version', 'pruned_before'], tags: [] },
};

/** How long a request may take before it fails (a year's rollup recompute sends day-long runs). */
const REQUEST_TIMEOUT_MS = 30_000;
const PING_TIMEOUT_MS = 10_000;

export class InfluxClient implements InfluxReader {
  readonly url: string;
  readonly database: string;
  private readonly db: InfluxDB;
  /** Keep-alive connections: ingest writes a batch every few hundred ms, a pack makes hundreds of requests. */
  private readonly agent: http.Agent;

  constructor(target: InfluxTarget, database: string) {
    this.url = target.base;
    this.database = database;
    const u = new URL(target.base);
    const secure = u.protocol === 'https:';
    this.agent = secure
      ? new https.Agent({ keepAlive: true, maxSockets: 16 })
      : new http.Agent({ keepAlive: true, maxSockets: 16 });
    const schema: ISchemaOptions[] = Object.entries(INTEGER_FIELDS).map(([measurement, s]) => ({
      measurement,
      tags: s.tags,
      fields: Object.fromEntries(s.fields.map((f) => [f, FieldType.INTEGER])),
    }));
    this.db = new InfluxDB({
      // An IPv6 host keeps its brackets: the package joins host and port into a URL again.
      host: u.hostname,
      port: u.port ? Number(u.port) : secure ? 443 : 80,
      protocol: secure ? 'https' : 'http',
      database,
      // Without credentials in the URL the package would send root:root; '' sends an empty user that
      // cannot log in (an InfluxDB without auth ignores the header, one with auth refuses the request).
      username: target.username ?? '',
      password: target.password ?? '',
      options: { agent: this.agent },
      // No backoff: the package would otherwise take the only host out of service for a while after
      // one refused connection and fail every request meanwhile; the callers retry (ingest keeps
      // the batch, the rollup keeper its dirty hours). Two immediate retries cover a keep-alive
      // socket the server closed (ECONNRESET) and a 5xx; every write and statement here is idempotent.
      pool: { maxRetries: 2, requestTimeout: REQUEST_TIMEOUT_MS, backoff: NO_BACKOFF },
      schema,
    });
  }

  /** Resolves with the server's version once /ping answers; fails naming the URL and the fix. */
  async ping(timeoutMs = PING_TIMEOUT_MS): Promise<string> {
    const [p] = await this.db.ping(timeoutMs);
    if (!p?.online) {
      const status = p?.res?.statusCode;
      throw new Error(
        `InfluxDB at ${this.url} did not answer (${status ? `/ping answered HTTP ${status}` : 'no answer to /ping'}). ` +
          'Start InfluxDB 1.x there or pass the right --influx-url.',
      );
    }
    const version = p.version ?? '';
    if (!/^v?1\./.test(version)) {
      throw new Error(
        `${this.url} answers /ping as InfluxDB ${version || 'of no version'}; hallmon needs InfluxDB 1.x (InfluxQL and /query).`,
      );
    }
    return version;
  }

  /**
   * Creates the database if the server does not list it: CREATE DATABASE needs admin rights, which
   * a user granted one existing database lacks (SHOW DATABASES lists that one to them).
   */
  async ensureDatabase(): Promise<boolean> {
    const names = await this.call('list the databases', () => this.db.getDatabaseNames());
    if (names.includes(this.database)) return false;
    await this.call(`create the database "${this.database}"`, () => this.db.createDatabase(this.database));
    return true;
  }

  /**
   * hallmon deletes raw readings itself after --retention-days (pruneRaw) and keeps the rollups for
   * ever, all in the database's default retention policy: a finite policy would make InfluxDB drop
   * the rollups too (and with them every evidence pack of that period). A database without a
   * default policy gets `autogen` (infinite, what CREATE DATABASE makes); a finite default is made
   * infinite, with a warning saying why. (With a finite one the store could not even keep its own
   * state, written at time 0: InfluxDB refuses points older than the policy.) A user without the
   * admin right to do either is told the statement an admin must run. Answers what was done.
   */
  async ensureRetention(log: Logger): Promise<'kept' | 'created' | 'altered'> {
    const policies = await this.call('show the retention policies', () => this.db.showRetentionPolicies(this.database));
    const current = policies.find((p) => p.default);
    const db = JSON.stringify(this.database);
    try {
      if (!current) {
        await this.call('create a retention policy', () =>
          this.db.createRetentionPolicy('autogen', {
            database: this.database,
            duration: 'INF',
            replication: 1,
            isDefault: true,
          }),
        );
        log.warn(
          { database: this.database, policy: 'autogen' },
          'the database had no default retention policy; created one that keeps data for ever',
        );
        return 'created';
      }
      if (current.duration === '0s') return 'kept';
      await this.call(`alter the retention policy "${current.name}"`, () =>
        this.db.alterRetentionPolicy(current.name, {
          database: this.database,
          duration: 'INF',
          replication: current.replicaN || 1,
          isDefault: true,
        }),
      );
    } catch (err) {
      const fix = current
        ? `ALTER RETENTION POLICY ${JSON.stringify(current.name)} ON ${db} DURATION INF DEFAULT`
        : `CREATE RETENTION POLICY "autogen" ON ${db} DURATION INF REPLICATION 1 DEFAULT`;
      throw new Error(
        `The InfluxDB database ${db} must keep data for ever (hallmon prunes raw readings itself after --retention-days and keeps the rollups evidence packs need), ` +
          `and its default retention policy could not be changed: ${(err as Error).message}. As an InfluxDB admin, run: ${fix}`,
        { cause: err },
      );
    }
    log.warn(
      { database: this.database, policy: current.name, was: current.duration },
      'the default retention policy expired data; made it infinite: hallmon prunes raw readings itself (--retention-days) and keeps the rollups the evidence packs need',
    );
    return 'altered';
  }

  /** The database's measurements (SHOW MEASUREMENTS). */
  measurements(): Promise<string[]> {
    return this.call('list the measurements', () => this.db.getMeasurements(this.database));
  }

  dropMeasurement(name: string): Promise<void> {
    return this.call(`drop the measurement "${name}"`, () => this.db.dropMeasurement(name, this.database));
  }

  /** Writes points at millisecond precision; resolves once InfluxDB has accepted them (204). */
  async writePoints(points: IPoint[]): Promise<void> {
    if (points.length === 0) return;
    await this.call(`write to the database "${this.database}"`, () => this.db.writePoints(points, { precision: 'ms' }));
  }

  /** InfluxQL (statements separated by `;`), times as epoch ms, POSTed (DELETE and SELECT INTO need it). */
  async query(q: string): Promise<InfluxSeries[][]> {
    const answer: unknown = await this.call('run a query', () =>
      this.db.queryRaw(q, { precision: 'ms', method: 'POST' }),
    );
    return seriesOf(answer, this.url, 200, 0);
  }

  /** Closes the idle keep-alive connections (the store's close()). */
  close(): void {
    this.agent.destroy();
  }

  /** Runs one request of the package, its failure said in terms of the server and the fix. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as Error & { code?: string };
      if (e.code !== undefined || /No host available|Request timed out/.test(e.message)) {
        throw new Error(
          `InfluxDB at ${this.url} did not answer (${e.code ?? e.message}) when asked to ${what}. Start InfluxDB 1.x there or pass the right --influx-url.`,
          { cause: err },
        );
      }
      throw new Error(`InfluxDB at ${this.url} refused to ${what}: ${e.message.slice(0, 300)}`, { cause: err });
    }
  }
}

/** A backoff that never waits (see the pool options above). */
const NO_BACKOFF = {
  getDelay: () => 0,
  next() {
    return NO_BACKOFF;
  },
  reset() {
    return NO_BACKOFF;
  },
};

/**
 * A point's time for writePoints: always a decimal string, since the package drops a timestamp
 * that is the number 0 (falsy) and InfluxDB would then stamp the point with its own clock.
 */
export function msTime(ts: number): string {
  return String(Math.trunc(ts));
}
