// AuditState in PostgreSQL: the append-only trail of a server group (ids from one sequence, so the
// seal of a day hashes the entries of every server in one order).
import type { AuditState } from '../state.ts';
import {
  auditFromRow,
  type AuditQuery,
  type AuditRecord,
  type AuditRow,
  type NewAuditRecord,
} from '../../audit/audit-log.ts';
import type { Pool } from './pool.ts';

export class PgAudit implements AuditState {
  constructor(private readonly pool: Pool) {}

  async record(e: NewAuditRecord): Promise<AuditRecord> {
    const ts = e.ts ?? Date.now();
    const detail = e.detail ?? {};
    const detailText = JSON.stringify(detail);
    const ok = e.ok ?? true;
    const { rows } = await this.pool.query<{ id: number }>(
      'INSERT INTO audit (ts, actor, action, site, target, ip, ok, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
      [ts, e.actor, e.action, e.site ?? null, e.target ?? null, e.ip ?? null, ok ? 1 : 0, detailText],
    );
    return {
      id: rows[0]!.id,
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

  async list(q: AuditQuery = {}): Promise<AuditRecord[]> {
    const args: (string | number | string[])[] = [q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER];
    const arg = (v: string | number | string[]) => `$${args.push(v)}`;
    const where = ['ts >= $1', 'ts < $2'];
    const global = q.global ?? true;
    if (q.sites) {
      const any = [`site = ANY(${arg([...q.sites])}::text[])`];
      if (global) any.push('site IS NULL');
      if (q.orActor !== undefined) any.push(`actor = ${arg(q.orActor)}`);
      where.push(`(${any.join(' OR ')})`);
    } else if (!global) where.push('site IS NOT NULL');
    if (q.actor !== undefined) where.push(`actor = ${arg(q.actor)}`);
    const limit = Math.max(1, Math.min(q.limit ?? 10_000, 100_000));
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${limit}`,
      args,
    );
    return rows.reverse().map(auditFromRow);
  }

  async forSeal(site: string, start: number, end: number): Promise<AuditRecord[]> {
    const { rows } = await this.pool.query<AuditRow>(
      'SELECT * FROM audit WHERE ts >= $1 AND ts < $2 AND (site = $3 OR site IS NULL) ORDER BY id',
      [start, end, site],
    );
    return rows.map(auditFromRow);
  }
}
