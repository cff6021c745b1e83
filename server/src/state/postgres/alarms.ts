// AlarmState in PostgreSQL: the alarms of a server group, with the same upsert rules as the SQLite
// store (an excursion id never reopens once cleared; the newer record wins; acknowledgements are
// kept). Writing an alarm record also files its notice (raised / cleared) in the same transaction,
// so a notice exists as soon as the alarm is durable, before the broker is acknowledged, and one
// server claims it (notices.ts).
import type { AlarmState } from '../state.ts';
import type { StoredAlarm, TimeRange } from '../../store/store.ts';
import { alarmFromRow, alarmParams, type AlarmRow } from '../../store/sqlite/sqlite-store.ts';
import { NOW_MS } from './now.ts';
import { inTransaction, type Pool } from './pool.ts';

const UPSERT = `INSERT INTO alarms (id, site, clause, rule, sensor, severity, state, ts, started_at, cleared_at, peak, lim, message, acked_by, acked_at, ack_note)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
  ON CONFLICT (id) DO UPDATE SET
    state = CASE WHEN alarms.state = 'cleared' OR excluded.state = 'cleared' THEN 'cleared' ELSE 'raised' END,
    cleared_at = coalesce(alarms.cleared_at, excluded.cleared_at),
    started_at = least(alarms.started_at, excluded.started_at),
    site = CASE WHEN excluded.ts >= alarms.ts THEN excluded.site ELSE alarms.site END,
    clause = CASE WHEN excluded.ts >= alarms.ts THEN excluded.clause ELSE alarms.clause END,
    rule = CASE WHEN excluded.ts >= alarms.ts THEN excluded.rule ELSE alarms.rule END,
    sensor = CASE WHEN excluded.ts >= alarms.ts THEN excluded.sensor ELSE alarms.sensor END,
    severity = CASE WHEN excluded.ts >= alarms.ts THEN excluded.severity ELSE alarms.severity END,
    peak = CASE WHEN excluded.ts >= alarms.ts THEN coalesce(excluded.peak, alarms.peak) ELSE coalesce(alarms.peak, excluded.peak) END,
    lim = CASE WHEN excluded.ts >= alarms.ts THEN coalesce(excluded.lim, alarms.lim) ELSE coalesce(alarms.lim, excluded.lim) END,
    message = CASE WHEN excluded.ts >= alarms.ts THEN coalesce(excluded.message, alarms.message) ELSE coalesce(alarms.message, excluded.message) END,
    acked_by = coalesce(excluded.acked_by, alarms.acked_by),
    acked_at = coalesce(excluded.acked_at, alarms.acked_at),
    ack_note = coalesce(excluded.ack_note, alarms.ack_note),
    ts = greatest(alarms.ts, excluded.ts)`;

const NOTICE = `INSERT INTO alarm_notices (alarm_id, event, site, created_at) VALUES ($1, $2, $3, ${NOW_MS})
  ON CONFLICT (alarm_id, event) DO NOTHING`;

export class PgAlarms implements AlarmState {
  constructor(private readonly pool: Pool) {}

  async writeAlarms(batch: StoredAlarm[]): Promise<void> {
    if (!batch.length) return;
    await inTransaction(this.pool, async (c) => {
      for (const a of batch) {
        const p = alarmParams(a);
        await c.query(UPSERT, [
          p.id,
          p.site,
          p.clause,
          p.rule,
          p.sensor,
          p.severity,
          p.state,
          p.ts,
          p.startedAt,
          p.clearedAt,
          p.peak,
          p.lim,
          p.message,
          p.ackedBy,
          p.ackedAt,
          p.ackNote,
        ]);
        await c.query(NOTICE, [a.id, a.state === 'cleared' ? 'cleared' : 'raised', a.site]);
      }
    });
  }

  async readAlarms(q: Partial<TimeRange> & { site?: string; state?: 'active' | 'all' }): Promise<StoredAlarm[]> {
    const args: (string | number)[] = [];
    const where: string[] = [];
    if (q.site !== undefined) where.push(`site = $${args.push(q.site)}`);
    if (q.state === 'active') where.push(`state = 'raised'`);
    // An alarm belongs to a period when its excursion overlaps it.
    if (q.to !== undefined) where.push(`started_at < $${args.push(q.to)}`);
    if (q.from !== undefined) where.push(`(cleared_at IS NULL OR cleared_at >= $${args.push(q.from)})`);
    const { rows } = await this.pool.query<AlarmRow>(
      `SELECT * FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at, id`,
      args,
    );
    return rows.map(alarmFromRow);
  }

  async getAlarm(id: string): Promise<StoredAlarm | undefined> {
    const { rows } = await this.pool.query<AlarmRow>('SELECT * FROM alarms WHERE id = $1', [id]);
    return rows[0] ? alarmFromRow(rows[0]) : undefined;
  }

  async ackAlarm(id: string, user: string, note: string, at: number): Promise<StoredAlarm | undefined> {
    const { rows } = await this.pool.query<AlarmRow>(
      'UPDATE alarms SET acked_by = $1, acked_at = $2, ack_note = $3 WHERE id = $4 RETURNING *',
      [user, at, note, id],
    );
    return rows[0] ? alarmFromRow(rows[0]) : undefined;
  }
}
