// VisitState in PostgreSQL: the machine-room entry register of a server group. A visit written
// through any server is a row every server reads, so the check of a door opening (on the site's
// owner) and an evidence pack (on any server) see it; a leaving is one conditional update, recorded
// once whichever server is asked.
import type { VisitState } from '../state.ts';
import { newVisitRow, visitRow, type NewVisit, type VisitDbRow, type VisitRow } from '../../visits/db.ts';
import type { Pool } from './pool.ts';

export class PgVisits implements VisitState {
  constructor(private readonly pool: Pool) {}

  async add(v: NewVisit): Promise<VisitRow> {
    const r = newVisitRow(v);
    await this.pool.query(
      `INSERT INTO visits (id, site, zone, visitor, organisation, reason, escort, in_at, out_at, created_at, created_by, closed_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        r.id,
        r.site,
        r.zone,
        r.visitor,
        r.organisation,
        r.reason,
        r.escort,
        r.inAt,
        r.outAt,
        r.createdAt,
        r.createdBy,
        r.closedBy,
      ],
    );
    return r;
  }

  async get(id: string): Promise<VisitRow | undefined> {
    const { rows } = await this.pool.query<VisitDbRow>('SELECT * FROM visits WHERE id = $1', [id]);
    return rows[0] ? visitRow(rows[0]) : undefined;
  }

  async out(id: string, at: number, by: string): Promise<boolean> {
    const res = await this.pool.query(
      'UPDATE visits SET out_at = $1, closed_by = $2 WHERE id = $3 AND out_at IS NULL',
      [at, by, id],
    );
    return res.rowCount === 1;
  }

  async list(
    site: string,
    from: number,
    to: number,
    opts: { insideOnly?: boolean; limit?: number } = {},
  ): Promise<VisitRow[]> {
    // Ties in in_at by id in byte order, as SQLite's default collation orders them.
    const { rows } = await this.pool.query<VisitDbRow>(
      `SELECT * FROM visits WHERE site = $1 AND in_at < $2 AND (out_at IS NULL OR out_at >= $3)${
        opts.insideOnly ? ' AND out_at IS NULL' : ''
      } ORDER BY in_at DESC, id COLLATE "C" LIMIT $4`,
      [site, to, from, opts.limit ?? 5000],
    );
    return rows.map(visitRow);
  }
}
