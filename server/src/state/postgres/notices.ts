// NoticeState in PostgreSQL: each alarm's raise and clear notice is a row (filed with the alarm,
// alarms.ts). A server claims it with one conditional update, so two servers that both stored the
// alarm (an at-least-once redelivery) never both send it; a claim held by a server whose heartbeat
// ran out (members, leases.ts) may be taken by another, so a notice is never lost with its server.
import type { NoticeEvent, NoticeState } from '../state.ts';
import { NOW_MS } from './now.ts';
import type { Pool } from './pool.ts';

/** Claimed by another server whose heartbeat ran out ($1 is this server's id). */
const DEAD = `(claimed_by <> $1 AND claimed_by NOT IN (SELECT id FROM members WHERE alive_until > ${NOW_MS}))`;

export class PgNotices implements NoticeState {
  constructor(
    private readonly pool: Pool,
    private readonly me: string,
  ) {}

  async claim(alarmId: string, event: NoticeEvent): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE alarm_notices SET claimed_by = $1, claimed_at = ${NOW_MS}
       WHERE alarm_id = $2 AND event = $3 AND done_at IS NULL AND (claimed_by IS NULL OR ${DEAD})`,
      [this.me, alarmId, event],
    );
    return (rowCount ?? 0) > 0;
  }

  async done(alarmId: string, event: NoticeEvent): Promise<void> {
    await this.pool.query(`UPDATE alarm_notices SET done_at = ${NOW_MS} WHERE alarm_id = $1 AND event = $2`, [
      alarmId,
      event,
    ]);
  }

  async orphans(sites: readonly string[], graceMs: number): Promise<{ alarmId: string; event: NoticeEvent }[]> {
    const { rows } = await this.pool.query<{ alarm_id: string; event: NoticeEvent }>(
      `SELECT alarm_id, event FROM alarm_notices
       WHERE done_at IS NULL AND site = ANY($2::text[])
         AND ((claimed_by IS NULL AND created_at < ${NOW_MS} - $3) OR (claimed_by IS NOT NULL AND ${DEAD}))
       ORDER BY created_at LIMIT 200`,
      [this.me, [...sites], graceMs],
    );
    return rows.map((r) => ({ alarmId: r.alarm_id, event: r.event }));
  }
}
