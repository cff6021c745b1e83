// The server's site configuration, versioned, in `${dataDir}/config.db` (apart from the time-series
// store so it exists with InfluxDB too, and beside users.db and audit.db, so the `hallmon config`
// and `hallmon credential` commands write it while the server runs; WAL with a busy timeout). Every
// change is a new version of its site with who, when, what and the version it replaced; removing a
// site is a version marked deleted; rolling back is a new version with an old one's content, so the
// history is never rewritten. MQTT credentials (gateways and devices) are kept here as scrypt hashes,
// revoked rather than deleted. The edges' reports of the version they run are kept too, so the
// dashboard shows them after a restart.
import type Database from 'better-sqlite3';
import { join } from 'node:path';
import type { EdgeConfigState, SiteConfig } from '@hallmon/firmware-config';
import type { Migration } from '@hallmon/firmware-config';
import { openMigrated } from '../util/sqlite-open.ts';

export const CONFIG_ACTIONS = ['seed', 'create', 'update', 'delete', 'rollback', 'import'] as const;
export type ConfigAction = (typeof CONFIG_ACTIONS)[number];

export interface SiteVersion {
  site: string;
  version: number;
  /** Epoch ms. */
  ts: number;
  actor: string;
  action: ConfigAction;
  note: string | null;
  /** What changed, in a few words (devices +a -b ~c; zones; settings). */
  summary: string;
  /** The site's version this one replaced; null for its first. */
  previous: number | null;
  deleted: boolean;
  config: SiteConfig;
}

export interface Credential {
  id: string;
  site: string;
  /** null: a gateway credential (the edge or a third-party gateway); else the device it admits. */
  device: string | null;
  username: string;
  passwordHash: string;
  createdAt: number;
  createdBy: string;
  note: string | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

export interface StoredEdgeState extends EdgeConfigState {
  site: string;
  /** When the server received it, epoch ms. */
  seenAt: number;
}

/** A version conflicts with the caller's expectation (someone else changed the site meanwhile). */

/** config.db's migrations, oldest first; append, never edit one that has shipped. */
const CONFIG_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'site versions, credentials, edge states and file imports',
    up: `CREATE TABLE IF NOT EXISTS site_versions (
      site TEXT NOT NULL,
      version INTEGER NOT NULL,
      ts INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      note TEXT,
      summary TEXT NOT NULL,
      previous INTEGER,
      deleted INTEGER NOT NULL DEFAULT 0,
      config TEXT NOT NULL,
      PRIMARY KEY (site, version)
    );
    CREATE TABLE IF NOT EXISTS credentials (
      id TEXT PRIMARY KEY,
      site TEXT NOT NULL,
      device TEXT,
      username TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      note TEXT,
      revoked_at INTEGER,
      revoked_by TEXT
    );
    CREATE UNIQUE INDEX IF NOT EXISTS credentials_active_gateway
      ON credentials (username) WHERE device IS NULL AND revoked_at IS NULL;
    CREATE TABLE IF NOT EXISTS edge_state (site TEXT PRIMARY KEY, state TEXT NOT NULL, seen_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS file_imports (file TEXT PRIMARY KEY, sha256 TEXT NOT NULL, at INTEGER NOT NULL);`,
  },
];
export class VersionConflict extends Error {
  constructor(
    readonly site: string,
    readonly current: number | null,
  ) {
    super(
      `site "${site}" is at version ${current ?? 'none'} now, not the one this change was made from; reload it and make the change again`,
    );
    this.name = 'VersionConflict';
  }
}

/** A site_versions row as both drivers store it. */
export interface VersionRow {
  site: string;
  version: number;
  ts: number;
  actor: string;
  action: string;
  note: string | null;
  summary: string;
  previous: number | null;
  deleted: number;
  config: string;
}

/** A credentials row as both drivers store it. */
export interface CredentialRow {
  id: string;
  site: string;
  device: string | null;
  username: string;
  password_hash: string;
  created_at: number;
  created_by: string;
  note: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
}

export interface NewVersion {
  site: string;
  config: SiteConfig;
  actor: string;
  action: ConfigAction;
  note?: string | null;
  summary: string;
  deleted?: boolean;
  ts?: number;
  /** The version the change was made from; a different current version is a VersionConflict. */
  expected?: number | null;
}

export class ConfigStore {
  private db: Database.Database | undefined;

  constructor(private readonly dataDir: string) {}

  get file(): string {
    return join(this.dataDir, 'config.db');
  }

  open(): this {
    const db = openMigrated(this.file, CONFIG_MIGRATIONS);
    this.db = db;
    return this;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private get conn(): Database.Database {
    if (!this.db) throw new Error('config store is not open');
    return this.db;
  }

  /** Changes when another connection (the command line) committed: cheap to poll. */
  dataVersion(): number {
    return this.conn.pragma('data_version', { simple: true }) as number;
  }

  isEmpty(): boolean {
    return !this.conn.prepare('SELECT 1 FROM site_versions LIMIT 1').get();
  }

  /** The newest version of every site, deleted ones included, by site id. */
  latest(): Map<string, SiteVersion> {
    const rows = this.conn
      .prepare(
        `SELECT v.* FROM site_versions v
         JOIN (SELECT site, MAX(version) AS version FROM site_versions GROUP BY site) m
           ON m.site = v.site AND m.version = v.version ORDER BY v.site`,
      )
      .all() as VersionRow[];
    return new Map(rows.map((r) => [r.site, fromVersionRow(r)]));
  }

  /** The newest version of one site (deleted or not), or undefined when it never existed. */
  current(site: string): SiteVersion | undefined {
    const r = this.conn
      .prepare('SELECT * FROM site_versions WHERE site = ? ORDER BY version DESC LIMIT 1')
      .get(site) as VersionRow | undefined;
    return r ? fromVersionRow(r) : undefined;
  }

  version(site: string, version: number): SiteVersion | undefined {
    const r = this.conn.prepare('SELECT * FROM site_versions WHERE site = ? AND version = ?').get(site, version) as
      VersionRow | undefined;
    return r ? fromVersionRow(r) : undefined;
  }

  /** Every version of a site, oldest first. */
  history(site: string): SiteVersion[] {
    const rows = this.conn
      .prepare('SELECT * FROM site_versions WHERE site = ? ORDER BY version')
      .all(site) as VersionRow[];
    return rows.map(fromVersionRow);
  }

  /** Appends the site's next version in one transaction, checking `expected` against the current one. */
  commit(v: NewVersion): SiteVersion {
    const tx = this.conn.transaction((): SiteVersion => {
      const row = nextVersion(v, this.current(v.site)?.version ?? null);
      this.conn
        .prepare(
          `INSERT INTO site_versions (site, version, ts, actor, action, note, summary, previous, deleted, config)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
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
        );
      return row;
    });
    return tx.immediate();
  }

  /** Credentials, newest first; `site` limits to one site, `active` leaves out revoked ones. */
  credentials(q: { site?: string; active?: boolean } = {}): Credential[] {
    const where: string[] = [];
    const args: string[] = [];
    if (q.site !== undefined) {
      where.push('site = ?');
      args.push(q.site);
    }
    if (q.active) where.push('revoked_at IS NULL');
    const rows = this.conn
      .prepare(
        `SELECT * FROM credentials ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id`,
      )
      .all(...args) as CredentialRow[];
    return rows.map(fromCredentialRow);
  }

  credential(id: string): Credential | undefined {
    const r = this.conn.prepare('SELECT * FROM credentials WHERE id = ?').get(id) as CredentialRow | undefined;
    return r ? fromCredentialRow(r) : undefined;
  }

  /** Throws when an active gateway credential has the same username (the unique index). */
  addCredential(c: Omit<Credential, 'revokedAt' | 'revokedBy'>): Credential {
    this.conn
      .prepare(
        `INSERT INTO credentials (id, site, device, username, password_hash, created_at, created_by, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(c.id, c.site, c.device, c.username, c.passwordHash, c.createdAt, c.createdBy, c.note);
    return { ...c, revokedAt: null, revokedBy: null };
  }

  /** Marks it revoked; false when it does not exist or already was. */
  revokeCredential(id: string, by: string, at = Date.now()): boolean {
    const info = this.conn
      .prepare('UPDATE credentials SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL')
      .run(at, by, id);
    return info.changes === 1;
  }

  /** Keeps an edge's report; an older one (delivered late) never replaces a newer one. */
  setEdgeState(s: StoredEdgeState): void {
    this.conn
      .prepare(
        `INSERT INTO edge_state (site, state, seen_at) VALUES (?, ?, ?)
         ON CONFLICT (site) DO UPDATE SET state = excluded.state, seen_at = excluded.seen_at
         WHERE edge_state.seen_at <= excluded.seen_at`,
      )
      .run(s.site, JSON.stringify(s), s.seenAt);
  }

  edgeStates(): Map<string, StoredEdgeState> {
    const rows = this.conn.prepare('SELECT site, state FROM edge_state').all() as { site: string; state: string }[];
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

  /** The SHA-256 of a file's content when it was last imported (the --config rule, config-seed.ts). */
  importedHash(file: string): string | undefined {
    return (
      this.conn.prepare('SELECT sha256 FROM file_imports WHERE file = ?').get(file) as { sha256: string } | undefined
    )?.sha256;
  }

  markImported(file: string, sha256: string, at = Date.now()): void {
    this.conn
      .prepare(
        `INSERT INTO file_imports (file, sha256, at) VALUES (?, ?, ?)
         ON CONFLICT (file) DO UPDATE SET sha256 = excluded.sha256, at = excluded.at`,
      )
      .run(file, sha256, at);
  }

  /** Runs `fn` in one write transaction (several versions or credentials at once). */
  transaction<T>(fn: () => T): T {
    return this.conn.transaction(fn).immediate();
  }

  /**
   * Opens a write transaction that spans awaits (sqlite-config.ts, one at a time); the methods above
   * join it (their own transactions become savepoints). end() commits it, or rolls it back.
   */
  begin(): void {
    this.conn.exec('BEGIN IMMEDIATE');
  }

  end(commit: boolean): void {
    if (!this.conn.inTransaction) return;
    this.conn.exec(commit ? 'COMMIT' : 'ROLLBACK');
  }
}

/**
 * The version a change makes after the site's current one (null: the site has none), for both
 * drivers: refused with a VersionConflict when the change was made from another version.
 */
export function nextVersion(v: NewVersion, curVersion: number | null): SiteVersion {
  if (v.expected !== undefined && v.expected !== curVersion) throw new VersionConflict(v.site, curVersion);
  return {
    site: v.site,
    version: (curVersion ?? 0) + 1,
    ts: v.ts ?? Date.now(),
    actor: v.actor,
    action: v.action,
    note: v.note ?? null,
    summary: v.summary,
    previous: curVersion,
    deleted: v.deleted ?? false,
    config: v.config,
  };
}

export function fromVersionRow(r: VersionRow): SiteVersion {
  return {
    site: r.site,
    version: r.version,
    ts: r.ts,
    actor: r.actor,
    action: r.action as ConfigAction,
    note: r.note,
    summary: r.summary,
    previous: r.previous,
    deleted: r.deleted === 1,
    config: JSON.parse(r.config) as SiteConfig,
  };
}

export function fromCredentialRow(r: CredentialRow): Credential {
  return {
    id: r.id,
    site: r.site,
    device: r.device,
    username: r.username,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    createdBy: r.created_by,
    note: r.note,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
  };
}
