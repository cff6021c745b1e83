// The machine-room entry register (机房登记): who came in, from where, why, escorted by whom, when
// they came and left, and who wrote each entry when. Entries are never deleted; a leaving is
// recorded once. The evidence pack and the "未登记进入机房" check read the same rows. This is the
// SQLite driver of the state backend's VisitState (state/state.ts): `${dataDir}/visits.db`, apart
// from the time-series store so it exists with InfluxDB too; a server group keeps the register in
// PostgreSQL (state/postgres/visits.ts), whose rows are these.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Migration } from '@hallmon/firmware-config';
import { openMigrated } from '../util/sqlite-open.ts';
import type { VisitState } from '../state/state.ts';

export interface VisitRow {
  id: string;
  site: string;
  zone: string;
  visitor: string;
  organisation: string;
  reason: string;
  escort: string;
  inAt: number;
  outAt: number | null;
  createdAt: number;
  createdBy: string;
  closedBy: string | null;
}

export type NewVisit = Omit<VisitRow, 'id' | 'outAt' | 'closedBy'> & { outAt?: number | null };

/** A visits row as both drivers store it (snake_case columns). */
export interface VisitDbRow {
  id: string;
  site: string;
  zone: string;
  visitor: string;
  organisation: string;
  reason: string;
  escort: string;
  in_at: number;
  out_at: number | null;
  created_at: number;
  created_by: string;
  closed_by: string | null;
}

export const visitRow = (r: VisitDbRow): VisitRow => ({
  id: r.id,
  site: r.site,
  zone: r.zone,
  visitor: r.visitor,
  organisation: r.organisation,
  reason: r.reason,
  escort: r.escort,
  inAt: r.in_at,
  outAt: r.out_at,
  createdAt: r.created_at,
  createdBy: r.created_by,
  closedBy: r.closed_by,
});

/** visits.db's migrations, oldest first; append, never edit one that has shipped. */
const VISIT_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'the machine-room entry register',
    up: `CREATE TABLE IF NOT EXISTS visits (
      id TEXT PRIMARY KEY, site TEXT NOT NULL, zone TEXT NOT NULL, visitor TEXT NOT NULL,
      organisation TEXT NOT NULL, reason TEXT NOT NULL, escort TEXT NOT NULL,
      in_at INTEGER NOT NULL, out_at INTEGER, created_at INTEGER NOT NULL, created_by TEXT NOT NULL,
      closed_by TEXT);
      CREATE INDEX IF NOT EXISTS visits_site ON visits (site, in_at);`,
  },
];
/** The row a new visit becomes (its id made here; a visit written with its leaving is closed by its writer). */
export function newVisitRow(v: NewVisit): VisitRow {
  return {
    ...v,
    id: `v-${randomUUID()}`,
    outAt: v.outAt ?? null,
    closedBy: v.outAt ? v.createdBy : null,
  };
}

export class VisitDb implements VisitState {
  private db: Database.Database | undefined;
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'visits.db');
  }

  open(): this {
    if (this.db) return this;
    const db = openMigrated(this.file, VISIT_MIGRATIONS);
    this.db = db;
    return this;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private get d(): Database.Database {
    if (!this.db) throw new Error('visits.db is not open: call open() first');
    return this.db;
  }

  async add(v: NewVisit): Promise<VisitRow> {
    const r = newVisitRow(v);
    this.d
      .prepare(
        `INSERT INTO visits (id, site, zone, visitor, organisation, reason, escort, in_at, out_at, created_at, created_by, closed_by)
         VALUES (@id, @site, @zone, @visitor, @organisation, @reason, @escort, @inAt, @outAt, @createdAt, @createdBy, @closedBy)`,
      )
      .run(r);
    return r;
  }

  async get(id: string): Promise<VisitRow | undefined> {
    const r = this.d.prepare('SELECT * FROM visits WHERE id = ?').get(id) as VisitDbRow | undefined;
    return r ? visitRow(r) : undefined;
  }

  /** Records the leaving; false when it was already recorded. */
  async out(id: string, at: number, by: string): Promise<boolean> {
    return (
      this.d.prepare('UPDATE visits SET out_at = ?, closed_by = ? WHERE id = ? AND out_at IS NULL').run(at, by, id)
        .changes === 1
    );
  }

  /**
   * A site's visits that overlap [from, to): came in before `to`, and had not left before `from`
   * (still inside counts). Newest first; at most `limit` (default 5000).
   */
  async list(
    site: string,
    from: number,
    to: number,
    opts: { insideOnly?: boolean; limit?: number } = {},
  ): Promise<VisitRow[]> {
    const sql = `SELECT * FROM visits WHERE site = ? AND in_at < ? AND (out_at IS NULL OR out_at >= ?)${
      opts.insideOnly ? ' AND out_at IS NULL' : ''
    } ORDER BY in_at DESC, id LIMIT ?`;
    return (this.d.prepare(sql).all(site, to, from, opts.limit ?? 5000) as VisitDbRow[]).map(visitRow);
  }
}

/** Every entry of a site's register as the evidence pack reads it (oldest first). */
export async function evidenceVisits(db: Pick<VisitState, 'list'>, site: string): Promise<VisitRow[]> {
  return (await db.list(site, 0, Number.MAX_SAFE_INTEGER, { limit: 1_000_000 })).reverse();
}

/** The site's register from a server data dir (hallmon evidence); none when the server never kept one. */
export async function readVisits(dataDir: string, site: string): Promise<VisitRow[]> {
  if (!existsSync(join(dataDir, 'visits.db'))) return [];
  const db = new VisitDb(dataDir).open();
  try {
    return await evidenceVisits(db, site);
  } finally {
    db.close();
  }
}
