// The notification delivery log (`${dataDir}/notifications.db`, SQLite): one row per alarm, route,
// escalation level and notice (raised / escalated / cleared / reminder n) with every attempt and
// its outcome, so the dashboard and the evidence pack can show "delivered at" and a failed delivery
// is never silent. The same file keeps the self-test records (selftest.ts).
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { addColumns, migrate, type Migration } from '@hallmon/firmware-config';
import type { DeliveryState, NewDelivery } from '../state/state.ts';
import type { SelftestRecord, SelftestTrigger } from '../selftest.ts';

export interface Attempt {
  at: number;
  ok: boolean;
  /** HTTP status, when there was an answer. */
  status?: number;
  error?: string;
}

export interface DeliveryRow {
  id: number;
  alarmId: string;
  site: string;
  routeId: string;
  /** scheme://host/path only (the credential in the query is never stored). */
  url: string;
  event: string;
  reminder: number;
  /** The route's escalation level the notice went to (1 = the first). */
  level: number;
  status: 'pending' | 'delivered' | 'failed';
  createdAt: number;
  deliveredAt: number | null;
  lastError: string | null;
  attempts: Attempt[];
}

/** A notifications row as both drivers store it. */
export interface DeliveryDbRow {
  id: number;
  alarm_id: string;
  site: string;
  route_id: string;
  url: string;
  event: string;
  reminder: number;
  level: number;
  status: DeliveryRow['status'];
  created_at: number;
  delivered_at: number | null;
  last_error: string | null;
  attempts: string;
}

export const deliveryFromRow = (r: DeliveryDbRow): DeliveryRow => ({
  id: r.id,
  alarmId: r.alarm_id,
  site: r.site,
  routeId: r.route_id,
  url: r.url,
  event: r.event,
  reminder: r.reminder,
  level: r.level,
  status: r.status,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
  lastError: r.last_error,
  attempts: JSON.parse(r.attempts) as Attempt[],
});

/** notifications.db's migrations, oldest first; append, never edit one that has shipped. */
const DELIVERY_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'notification deliveries and self-tests',
    up: `
      CREATE TABLE IF NOT EXISTS notifications (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        alarm_id TEXT NOT NULL, site TEXT NOT NULL, route_id TEXT NOT NULL, url TEXT NOT NULL,
        event TEXT NOT NULL, reminder INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL, created_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT,
        attempts TEXT NOT NULL DEFAULT '[]');
      CREATE INDEX IF NOT EXISTS notifications_alarm ON notifications (alarm_id, event);
      CREATE TABLE IF NOT EXISTS selftests (
        id TEXT PRIMARY KEY, site TEXT NOT NULL, trigger TEXT NOT NULL, user TEXT,
        started_at INTEGER NOT NULL, finished_at INTEGER, ok INTEGER NOT NULL, record TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS selftests_site ON selftests (site, started_at);
    `,
  },
  {
    version: 2,
    name: 'escalation level of each notice',
    // A log written before escalation levels has every notice at level 1.
    up: (db) => addColumns(db, 'notifications', [['level', 'INTEGER NOT NULL DEFAULT 1']]),
  },
];

/** The SQLite driver of DeliveryState: notifications.db in the data dir. */
export class DeliveryLog implements DeliveryState {
  private db: Database.Database | undefined;
  readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'notifications.db');
  }

  open(): void {
    if (this.db) return;
    const db = new Database(this.file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    try {
      migrate(db, this.file, DELIVERY_MIGRATIONS);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private get handle(): Database.Database {
    if (!this.db) throw new Error('the notification log is not open');
    return this.db;
  }

  /**
   * Whether a notice of this kind was already started for the alarm (at-least-once input repeats),
   * at any level, or at `level` when given.
   */
  async has(alarmId: string, event: string, reminder = 0, level?: number): Promise<boolean> {
    return !!this.handle
      .prepare(
        `SELECT 1 FROM notifications WHERE alarm_id = ? AND event = ? AND reminder = ?${level === undefined ? '' : ' AND level = ?'} LIMIT 1`,
      )
      .get(...[alarmId, event, reminder, ...(level === undefined ? [] : [level])]);
  }

  async heard(alarmId: string): Promise<Array<{ routeId: string; level: number }>> {
    return this.handle
      .prepare(
        "SELECT DISTINCT route_id AS routeId, level FROM notifications WHERE alarm_id = ? AND event IN ('raised', 'escalated') ORDER BY route_id, level",
      )
      .all(alarmId) as Array<{ routeId: string; level: number }>;
  }

  async firstNotice(alarmId: string): Promise<number | undefined> {
    const r = this.handle
      .prepare("SELECT min(created_at) AS at FROM notifications WHERE alarm_id = ? AND event = 'raised'")
      .get(alarmId) as { at: number | null } | undefined;
    return r?.at ?? undefined;
  }

  async delivered(alarmId: string, routeId: string, event: string, reminder: number, level = 1): Promise<boolean> {
    return !!this.handle
      .prepare(
        "SELECT 1 FROM notifications WHERE alarm_id = ? AND route_id = ? AND event = ? AND reminder = ? AND level = ? AND status = 'delivered' LIMIT 1",
      )
      .get(alarmId, routeId, event, reminder, level);
  }

  async lastReminder(alarmId: string): Promise<{ reminder: number; at: number | null }> {
    const row = this.handle
      .prepare(
        "SELECT reminder, created_at AS at FROM notifications WHERE alarm_id = ? AND event = 'reminder' ORDER BY reminder DESC LIMIT 1",
      )
      .get(alarmId) as { reminder: number; at: number } | undefined;
    return row ?? { reminder: 0, at: null };
  }

  async begin(r: NewDelivery): Promise<number> {
    const res = this.handle
      .prepare(
        "INSERT INTO notifications (alarm_id, site, route_id, url, event, reminder, level, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?)",
      )
      .run(r.alarmId, r.site, r.routeId, r.url, r.event, r.reminder, r.level ?? 1, r.at);
    return Number(res.lastInsertRowid);
  }

  async attempt(id: number, a: Attempt, final: 'delivered' | 'failed' | 'pending'): Promise<void> {
    if (!this.db) return; // closed while a retry was in flight
    const row = this.db.prepare('SELECT attempts FROM notifications WHERE id = ?').get(id) as
      { attempts: string } | undefined;
    if (!row) return;
    const attempts = [...(JSON.parse(row.attempts) as Attempt[]), a];
    this.db
      .prepare(
        'UPDATE notifications SET attempts = ?, status = ?, delivered_at = coalesce(delivered_at, ?), last_error = ? WHERE id = ?',
      )
      .run(JSON.stringify(attempts), final, a.ok ? a.at : null, a.ok ? null : (a.error ?? `HTTP ${a.status}`), id);
  }

  async forAlarm(alarmId: string): Promise<DeliveryRow[]> {
    return (
      this.handle.prepare('SELECT * FROM notifications WHERE alarm_id = ? ORDER BY id').all(alarmId) as DeliveryDbRow[]
    ).map(deliveryFromRow);
  }

  async forSite(site: string, from: number, to: number): Promise<DeliveryRow[]> {
    return (
      this.handle
        .prepare('SELECT * FROM notifications WHERE site = ? AND created_at >= ? AND created_at < ? ORDER BY id')
        .all(site, from, to) as DeliveryDbRow[]
    ).map(deliveryFromRow);
  }

  async saveSelftest(r: SelftestRecord): Promise<void> {
    this.handle
      .prepare(
        'INSERT OR REPLACE INTO selftests (id, site, trigger, user, started_at, finished_at, ok, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        r.id,
        r.site,
        r.trigger,
        r.user,
        Date.parse(r.startedAt),
        Date.parse(r.finishedAt),
        r.ok ? 1 : 0,
        JSON.stringify(r),
      );
  }

  async listSelftests(site: string, limit = 100): Promise<SelftestRecord[]> {
    const rows = this.handle
      .prepare('SELECT record FROM selftests WHERE site = ? ORDER BY started_at DESC LIMIT ?')
      .all(site, limit) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as SelftestRecord);
  }

  async lastSelftestStart(site: string, trigger: SelftestTrigger): Promise<number | null> {
    const row = this.handle
      .prepare('SELECT max(started_at) AS t FROM selftests WHERE site = ? AND trigger = ?')
      .get(site, trigger) as { t: number | null };
    return row.t;
  }
}
