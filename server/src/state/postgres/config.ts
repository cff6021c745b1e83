// ConfigState in PostgreSQL: the site configuration of a server group (site_versions, credentials,
// edge_state, file_imports; migration 5), so a change made through any server, or by `hallmon config
// --state`, reaches every server. Every write runs in a transaction that first takes one advisory
// lock (configuration changes are rare; one at a time keeps "the version this change was made
// from" honest across servers) and counts itself in config_clock, the mark each server polls every
// second to apply what the others changed.
import type { ConfigState } from '../state.ts';
import {
  fromCredentialRow,
  fromVersionRow,
  nextVersion,
  type Credential,
  type CredentialRow,
  type VersionRow,
  type NewVersion,
  type SiteVersion,
  type StoredEdgeState,
} from '../../config/config-store.ts';
import { inTransaction, type Pool, type PoolClient } from './pool.ts';

const CONFIG_LOCK = `SELECT pg_advisory_xact_lock(hashtext('hallmon-config'))`;
const TICK = 'UPDATE config_clock SET n = n + 1 WHERE id = 1';

export class PgConfig implements ConfigState {
  /** `tx`: this handle is a transaction's (its client holds the lock; writes run inside it). */
  constructor(
    private readonly pool: Pool,
    readonly where: string,
    private readonly tx?: PoolClient,
  ) {}

  private get q(): Pool | PoolClient {
    return this.tx ?? this.pool;
  }

  /** A write, counted on the change clock: inside the open transaction, or in one of its own. */
  private write<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const run = async (c: PoolClient) => {
      const out = await fn(c);
      await c.query(TICK);
      return out;
    };
    if (this.tx) return run(this.tx);
    return this.transaction((tx) => run((tx as PgConfig).tx!));
  }

  async transaction<T>(fn: (tx: ConfigState) => Promise<T>): Promise<T> {
    if (this.tx) return fn(this);
    return inTransaction(this.pool, async (c) => {
      await c.query(CONFIG_LOCK);
      return fn(new PgConfig(this.pool, this.where, c));
    });
  }

  async changeMark(): Promise<number> {
    const { rows } = await this.q.query<{ n: number }>('SELECT n FROM config_clock WHERE id = 1');
    return rows[0]?.n ?? 0;
  }

  async isEmpty(): Promise<boolean> {
    const { rowCount } = await this.q.query('SELECT 1 FROM site_versions LIMIT 1');
    return (rowCount ?? 0) === 0;
  }

  async latest(): Promise<Map<string, SiteVersion>> {
    const { rows } = await this.q.query<VersionRow>(
      'SELECT DISTINCT ON (site) * FROM site_versions ORDER BY site, version DESC',
    );
    return new Map(rows.map((r) => [r.site, fromVersionRow(r)]));
  }

  async current(site: string): Promise<SiteVersion | undefined> {
    const { rows } = await this.q.query<VersionRow>(
      'SELECT * FROM site_versions WHERE site = $1 ORDER BY version DESC LIMIT 1',
      [site],
    );
    return rows[0] && fromVersionRow(rows[0]);
  }

  async version(site: string, version: number): Promise<SiteVersion | undefined> {
    const { rows } = await this.q.query<VersionRow>('SELECT * FROM site_versions WHERE site = $1 AND version = $2', [
      site,
      version,
    ]);
    return rows[0] && fromVersionRow(rows[0]);
  }

  async history(site: string): Promise<SiteVersion[]> {
    const { rows } = await this.q.query<VersionRow>('SELECT * FROM site_versions WHERE site = $1 ORDER BY version', [
      site,
    ]);
    return rows.map(fromVersionRow);
  }

  commit(v: NewVersion): Promise<SiteVersion> {
    return this.write(async (c) => {
      const { rows } = await c.query<{ v: number | null }>(
        'SELECT max(version) AS v FROM site_versions WHERE site = $1',
        [v.site],
      );
      const row = nextVersion(v, rows[0]?.v ?? null);
      await c.query(
        `INSERT INTO site_versions (site, version, ts, actor, action, note, summary, previous, deleted, config)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          row.site,
          row.version,
          row.ts,
          row.actor,
          row.action,
          row.note,
          row.summary,
          row.previous,
          row.deleted ? 1 : 0,
          JSON.stringify(row.config),
        ],
      );
      return row;
    });
  }

  async credentials(q: { site?: string; active?: boolean } = {}): Promise<Credential[]> {
    const where: string[] = [];
    const args: string[] = [];
    if (q.site !== undefined) {
      args.push(q.site);
      where.push(`site = $${args.length}`);
    }
    if (q.active) where.push('revoked_at IS NULL');
    const { rows } = await this.q.query<CredentialRow>(
      `SELECT * FROM credentials ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id`,
      args,
    );
    return rows.map(fromCredentialRow);
  }

  async credential(id: string): Promise<Credential | undefined> {
    const { rows } = await this.q.query<CredentialRow>('SELECT * FROM credentials WHERE id = $1', [id]);
    return rows[0] && fromCredentialRow(rows[0]);
  }

  addCredential(c: Omit<Credential, 'revokedAt' | 'revokedBy'>): Promise<Credential> {
    return this.write(async (tx) => {
      await tx.query(
        `INSERT INTO credentials (id, site, device, username, password_hash, created_at, created_by, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [c.id, c.site, c.device, c.username, c.passwordHash, c.createdAt, c.createdBy, c.note],
      );
      return { ...c, revokedAt: null, revokedBy: null };
    });
  }

  revokeCredential(id: string, by: string, at = Date.now()): Promise<boolean> {
    return this.write(async (tx) => {
      const { rowCount } = await tx.query(
        'UPDATE credentials SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL',
        [at, by, id],
      );
      return rowCount === 1;
    });
  }

  setEdgeState(s: StoredEdgeState): Promise<void> {
    return this.write(async (tx) => {
      // An older report (another server's, delivered late) never replaces a newer one.
      await tx.query(
        `INSERT INTO edge_state (site, state, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (site) DO UPDATE SET state = excluded.state, seen_at = excluded.seen_at
         WHERE edge_state.seen_at <= excluded.seen_at`,
        [s.site, JSON.stringify(s), s.seenAt],
      );
    });
  }

  async edgeStates(): Promise<Map<string, StoredEdgeState>> {
    const { rows } = await this.q.query<{ site: string; state: string }>('SELECT site, state FROM edge_state');
    const out = new Map<string, StoredEdgeState>();
    for (const r of rows) {
      try {
        out.set(r.site, JSON.parse(r.state) as StoredEdgeState);
      } catch {
        // A damaged row is as good as none: the edge reports again on its next connect.
      }
    }
    return out;
  }

  async importedHash(file: string): Promise<string | undefined> {
    const { rows } = await this.q.query<{ sha256: string }>('SELECT sha256 FROM file_imports WHERE file = $1', [file]);
    return rows[0]?.sha256;
  }

  markImported(file: string, sha256: string, at = Date.now()): Promise<void> {
    return this.write(async (tx) => {
      await tx.query(
        `INSERT INTO file_imports (file, sha256, at) VALUES ($1, $2, $3)
         ON CONFLICT (file) DO UPDATE SET sha256 = excluded.sha256, at = excluded.at`,
        [file, sha256, at],
      );
    });
  }
}
