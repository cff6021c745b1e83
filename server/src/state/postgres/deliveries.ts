// DeliveryState in PostgreSQL: the notification delivery log and the self-test records of a server
// group, so the dashboard shows every delivery whichever server made it.
import type { DeliveryState, NewDelivery } from '../state.ts';
import { deliveryFromRow, type Attempt, type DeliveryDbRow, type DeliveryRow } from '../../notify/delivery-log.ts';
import type { SelftestRecord, SelftestTrigger } from '../../selftest.ts';
import type { Pool } from './pool.ts';

export class PgDeliveries implements DeliveryState {
  constructor(private readonly pool: Pool) {}

  async has(alarmId: string, event: string, reminder = 0, level?: number): Promise<boolean> {
    const { rowCount } =
      level === undefined
        ? await this.pool.query(
            'SELECT 1 FROM notifications WHERE alarm_id = $1 AND event = $2 AND reminder = $3 LIMIT 1',
            [alarmId, event, reminder],
          )
        : await this.pool.query(
            'SELECT 1 FROM notifications WHERE alarm_id = $1 AND event = $2 AND reminder = $3 AND level = $4 LIMIT 1',
            [alarmId, event, reminder, level],
          );
    return (rowCount ?? 0) > 0;
  }

  async heard(alarmId: string): Promise<Array<{ routeId: string; level: number }>> {
    const { rows } = await this.pool.query<{ routeId: string; level: number }>(
      `SELECT DISTINCT route_id AS "routeId", level FROM notifications WHERE alarm_id = $1 AND event IN ('raised', 'escalated')
       ORDER BY "routeId", level`,
      [alarmId],
    );
    return rows;
  }

  async firstNotice(alarmId: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ at: number | null }>(
      `SELECT min(created_at) AS at FROM notifications WHERE alarm_id = $1 AND event = 'raised'`,
      [alarmId],
    );
    return rows[0]?.at ?? undefined;
  }

  async delivered(alarmId: string, routeId: string, event: string, reminder: number, level = 1): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM notifications WHERE alarm_id = $1 AND route_id = $2 AND event = $3 AND reminder = $4 AND level = $5
       AND status = 'delivered' LIMIT 1`,
      [alarmId, routeId, event, reminder, level],
    );
    return (rowCount ?? 0) > 0;
  }

  async lastReminder(alarmId: string): Promise<{ reminder: number; at: number | null }> {
    const { rows } = await this.pool.query<{ reminder: number; at: number }>(
      `SELECT reminder, created_at AS at FROM notifications WHERE alarm_id = $1 AND event = 'reminder' ORDER BY reminder DESC LIMIT 1`,
      [alarmId],
    );
    return rows[0] ?? { reminder: 0, at: null };
  }

  async begin(r: NewDelivery): Promise<number> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO notifications (alarm_id, site, route_id, url, event, reminder, level, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8) RETURNING id`,
      [r.alarmId, r.site, r.routeId, r.url, r.event, r.reminder, r.level ?? 1, r.at],
    );
    return rows[0]!.id;
  }

  async attempt(id: number, a: Attempt, final: 'delivered' | 'failed' | 'pending'): Promise<void> {
    // One statement: the attempts list grows in place (jsonb append), whatever runs beside it.
    await this.pool.query(
      `UPDATE notifications SET attempts = (attempts::jsonb || $1::jsonb)::text, status = $2,
         delivered_at = coalesce(delivered_at, $3), last_error = $4 WHERE id = $5`,
      [JSON.stringify([a]), final, a.ok ? a.at : null, a.ok ? null : (a.error ?? `HTTP ${a.status}`), id],
    );
  }

  async forAlarm(alarmId: string): Promise<DeliveryRow[]> {
    const { rows } = await this.pool.query<DeliveryDbRow>(
      'SELECT * FROM notifications WHERE alarm_id = $1 ORDER BY id',
      [alarmId],
    );
    return rows.map(deliveryFromRow);
  }

  async forSite(site: string, from: number, to: number): Promise<DeliveryRow[]> {
    const { rows } = await this.pool.query<DeliveryDbRow>(
      'SELECT * FROM notifications WHERE site = $1 AND created_at >= $2 AND created_at < $3 ORDER BY id',
      [site, from, to],
    );
    return rows.map(deliveryFromRow);
  }

  async saveSelftest(r: SelftestRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO selftests (id, site, trigger, "user", started_at, finished_at, ok, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET site = excluded.site, trigger = excluded.trigger, "user" = excluded."user",
         started_at = excluded.started_at, finished_at = excluded.finished_at, ok = excluded.ok, record = excluded.record`,
      [
        r.id,
        r.site,
        r.trigger,
        r.user,
        Date.parse(r.startedAt),
        Date.parse(r.finishedAt),
        r.ok ? 1 : 0,
        JSON.stringify(r),
      ],
    );
  }

  async listSelftests(site: string, limit = 100): Promise<SelftestRecord[]> {
    const { rows } = await this.pool.query<{ record: string }>(
      'SELECT record FROM selftests WHERE site = $1 ORDER BY started_at DESC LIMIT $2',
      [site, limit],
    );
    return rows.map((r) => JSON.parse(r.record) as SelftestRecord);
  }

  async lastSelftestStart(site: string, trigger: SelftestTrigger): Promise<number | null> {
    const { rows } = await this.pool.query<{ t: number | null }>(
      'SELECT max(started_at) AS t FROM selftests WHERE site = $1 AND trigger = $2',
      [site, trigger],
    );
    return rows[0]?.t ?? null;
  }
}
