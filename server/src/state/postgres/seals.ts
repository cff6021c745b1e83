// SealState in PostgreSQL: the day seals of a server group, insert-only (the first sealed value of a
// day wins, whichever server sealed it), with the group's audit trail for format-4 audit digests.
import type { AuditState, LateDigests, NewSeal, SealState } from '../state.ts';
import { sealFromRow, type SealDbRow, type SealRow } from '../../seal/seal-store.ts';
import type { Pool } from './pool.ts';

export class PgSeals implements SealState {
  constructor(
    private readonly pool: Pool,
    readonly audit: AuditState,
  ) {}

  private async one(sql: string, args: unknown[]): Promise<SealRow | undefined> {
    const { rows } = await this.pool.query<SealDbRow>(sql, args);
    return rows[0] ? sealFromRow(rows[0]) : undefined;
  }

  get(site: string, day: string): Promise<SealRow | undefined> {
    return this.one('SELECT * FROM seals WHERE site = $1 AND day = $2', [site, day]);
  }

  last(site: string): Promise<SealRow | undefined> {
    return this.one('SELECT * FROM seals WHERE site = $1 ORDER BY day DESC LIMIT 1', [site]);
  }

  first(site: string): Promise<SealRow | undefined> {
    return this.one('SELECT * FROM seals WHERE site = $1 ORDER BY day ASC LIMIT 1', [site]);
  }

  async range(site: string, fromDay: string, toDay: string): Promise<SealRow[]> {
    const { rows } = await this.pool.query<SealDbRow>(
      'SELECT * FROM seals WHERE site = $1 AND day >= $2 AND day <= $3 ORDER BY day',
      [site, fromDay, toDay],
    );
    return rows.map(sealFromRow);
  }

  async insert(s: NewSeal): Promise<boolean> {
    const res = await this.pool.query(
      `INSERT INTO seals (site, day, digest, rollup_digest, records_digest, records, audit_digest, audit_entries, chain, readings, alarms, sealed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (site, day) DO NOTHING`,
      [
        s.site,
        s.day,
        s.digest,
        s.rollupDigest ?? null,
        s.recordsDigest ?? null,
        s.records ?? null,
        s.auditDigest ?? null,
        s.auditEntries ?? null,
        s.chain,
        s.readings,
        s.alarms,
        s.sealedAt,
      ],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async noteLate(site: string, day: string, late: LateDigests, at: number): Promise<void> {
    await this.pool.query(
      `UPDATE seals SET late_digest = $1, late_rollup_digest = $2, late_records_digest = $3, late_audit_digest = $4, late_at = $5
       WHERE site = $6 AND day = $7`,
      [late.digest, late.rollupDigest ?? null, late.recordsDigest ?? null, late.auditDigest ?? null, at, site, day],
    );
  }
}
