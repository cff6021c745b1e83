// The audit trail: who did what and when, in `${dataDir}/audit.db` (apart from the time-series
// store, so it exists with InfluxDB too, and beside users.db, so the `hallmon user` command writes
// to it while the server runs). Append-only: entries are never changed or pruned, because each
// day's seal hashes the day's entries (seal/digest.ts auditDigest) and the evidence pack lists
// them. WAL with a busy timeout, so two processes can append at once.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { migrate, type Migration } from '@hallmon/firmware-config';
import type { AuditAction, AuditDetail } from '@hallmon/contract';
import type { AuditState } from '../state/state.ts';

export interface AuditRecord {
  id: number;
  /** Epoch ms, the server's clock when it was recorded. */
  ts: number;
  actor: string;
  action: AuditAction;
  site: string | null;
  target: string | null;
  ip: string | null;
  ok: boolean;
  detail: AuditDetail;
  /** detail as stored (JSON text): what the seal hashes, byte for byte. */
  detailText: string;
}

export type NewAuditRecord = Pick<AuditRecord, 'actor' | 'action'> &
  Partial<Pick<AuditRecord, 'site' | 'target' | 'ip' | 'ok' | 'detail' | 'ts'>>;

export interface AuditQuery {
  from?: number;
  to?: number;
  /** Entries of these sites; server-wide entries (site null) only with `global`. undefined: every site. */
  sites?: readonly string[];
  /** Include server-wide entries (logins, user changes). Default true. */
  global?: boolean;
  actor?: string;
  /** Also the entries this actor made, whatever their site (a user's own logins). */
  orActor?: string;
  /** Most recent first when limited; default 10,000. */
  limit?: number;
}

/** An audit row as both drivers store it. */
export interface AuditRow {
  id: number;
  ts: number;
  actor: string;
  action: string;
  site: string | null;
  target: string | null;
  ip: string | null;
  ok: number;
  detail: string;
}

/** audit.db's migrations, oldest first; append, never edit one that has shipped. */
const AUDIT_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'audit trail',
    up: `CREATE TABLE IF NOT EXISTS audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      ts INTEGER NOT NULL,
      actor TEXT NOT NULL,
      action TEXT NOT NULL,
      site TEXT,
      target TEXT,
      ip TEXT,
      ok INTEGER NOT NULL,
      detail TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_ts ON audit (ts);
    CREATE INDEX IF NOT EXISTS audit_site_ts ON audit (site, ts);`,
  },
];

/** The SQLite driver of AuditState: audit.db in the data dir. */
export class AuditLog implements AuditState {
  private db: Database.Database | undefined;

  constructor(private readonly dataDir: string) {}

  open(): this {
    const file = join(this.dataDir, 'audit.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    try {
      migrate(db, file, AUDIT_MIGRATIONS);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    return this;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private get conn(): Database.Database {
    if (!this.db) throw new Error('audit log is not open');
    return this.db;
  }

  /** Appends one entry and returns it as stored. */
  async record(e: NewAuditRecord): Promise<AuditRecord> {
    const ts = e.ts ?? Date.now();
    const detail = e.detail ?? {};
    const detailText = JSON.stringify(detail);
    const ok = e.ok ?? true;
    const info = this.conn
      .prepare(`INSERT INTO audit (ts, actor, action, site, target, ip, ok, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(ts, e.actor, e.action, e.site ?? null, e.target ?? null, e.ip ?? null, ok ? 1 : 0, detailText);
    return {
      id: Number(info.lastInsertRowid),
      ts,
      actor: e.actor,
      action: e.action,
      site: e.site ?? null,
      target: e.target ?? null,
      ip: e.ip ?? null,
      ok,
      detail,
      detailText,
    };
  }

  /** Entries in [from, to), oldest first (the newest `limit` of them when there are more). */
  async list(q: AuditQuery = {}): Promise<AuditRecord[]> {
    const where: string[] = ['ts >= ?', 'ts < ?'];
    const args: (string | number)[] = [q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER];
    const global = q.global ?? true;
    if (q.sites) {
      const inList = q.sites.length ? `site IN (${q.sites.map(() => '?').join(', ')})` : '0';
      const any = [inList, ...(global ? ['site IS NULL'] : []), ...(q.orActor !== undefined ? ['actor = ?'] : [])];
      where.push(`(${any.join(' OR ')})`);
      args.push(...q.sites, ...(q.orActor !== undefined ? [q.orActor] : []));
    } else if (!global) where.push('site IS NOT NULL');
    if (q.actor !== undefined) {
      where.push('actor = ?');
      args.push(q.actor);
    }
    const limit = Math.max(1, Math.min(q.limit ?? 10_000, 100_000));
    const rows = this.conn
      .prepare(`SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${limit}`)
      .all(...args) as AuditRow[];
    return rows.reverse().map(auditFromRow);
  }

  /**
   * What a site's day seal covers: the entries of the site and the server-wide ones with ts in
   * [start, end), in id order (never limited).
   */
  async forSeal(site: string, start: number, end: number): Promise<AuditRecord[]> {
    const rows = this.conn
      .prepare(`SELECT * FROM audit WHERE ts >= ? AND ts < ? AND (site = ? OR site IS NULL) ORDER BY id`)
      .all(start, end, site) as AuditRow[];
    return rows.map(auditFromRow);
  }
}

export function auditFromRow(r: AuditRow): AuditRecord {
  let detail: AuditDetail = {};
  try {
    const parsed: unknown = JSON.parse(r.detail);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as AuditDetail;
  } catch {
    // A hand-edited row: shown with an empty detail; the seal still hashes the stored text.
  }
  return {
    id: r.id,
    ts: r.ts,
    actor: r.actor,
    action: r.action as AuditAction,
    site: r.site,
    target: r.target,
    ip: r.ip,
    ok: r.ok === 1,
    detail,
    detailText: r.detail,
  };
}
