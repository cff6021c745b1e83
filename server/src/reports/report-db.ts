// The scheduled reports' records in `${dataDir}/reports.db`: one row per pack (plan, scope and
// period, so a pack is never built twice for the same period), its state and progress while it
// builds, its files under `${dataDir}/reports/<folder>/`, and its deliveries to the routes. A
// server stopped mid-build finds the row "building" at start and builds it again.
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { ReportState } from '@hallmon/contract';
import type { Migration } from '@hallmon/firmware-config';
import { openMigrated } from '../util/sqlite-open.ts';

export interface ReportRow {
  id: string;
  plan: string;
  scope: string;
  title: string;
  period: 'month' | 'quarter';
  firstDay: string;
  lastDay: string;
  state: ReportState;
  phase: string | null;
  progress: number;
  dueAt: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
  /** Folder name under reports/. */
  folder: string;
  files: Array<{ name: string; size: number }>;
}

export interface DeliveryRow {
  reportId: string;
  route: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  deliveredAt: number | null;
  lastError: string | null;
}

interface Raw {
  id: string;
  plan: string;
  scope: string;
  title: string;
  period: 'month' | 'quarter';
  first_day: string;
  last_day: string;
  state: ReportState;
  phase: string | null;
  progress: number;
  due_at: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  folder: string;
  files: string;
}

const row = (r: Raw): ReportRow => ({
  id: r.id,
  plan: r.plan,
  scope: r.scope,
  title: r.title,
  period: r.period,
  firstDay: r.first_day,
  lastDay: r.last_day,
  state: r.state,
  phase: r.phase,
  progress: r.progress,
  dueAt: r.due_at,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  error: r.error,
  folder: r.folder,
  files: JSON.parse(r.files) as ReportRow['files'],
});

/** reports.db's migrations, oldest first; append, never edit one that has shipped. */
const REPORT_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'scheduled reports and their deliveries',
    up: `CREATE TABLE IF NOT EXISTS reports (
        id TEXT PRIMARY KEY, plan TEXT NOT NULL, scope TEXT NOT NULL, title TEXT NOT NULL, period TEXT NOT NULL,
        first_day TEXT NOT NULL, last_day TEXT NOT NULL, state TEXT NOT NULL, phase TEXT, progress REAL NOT NULL DEFAULT 0,
        due_at INTEGER NOT NULL, created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, error TEXT,
        folder TEXT NOT NULL, files TEXT NOT NULL DEFAULT '[]');
      CREATE INDEX IF NOT EXISTS reports_plan ON reports (plan, scope, first_day);
      CREATE TABLE IF NOT EXISTS deliveries (
        report_id TEXT NOT NULL, route TEXT NOT NULL, url TEXT NOT NULL, status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, delivered_at INTEGER, last_error TEXT,
        PRIMARY KEY (report_id, route));
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  },
];
export class ReportDb {
  private db: Database.Database | undefined;

  constructor(private readonly dataDir: string) {}

  open(): this {
    const db = openMigrated(join(this.dataDir, 'reports.db'), REPORT_MIGRATIONS);
    this.db = db;
    return this;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private get d(): Database.Database {
    if (!this.db) throw new Error('reports.db is not open: call open() first');
    return this.db;
  }

  /** A value kept across starts (the instant the schedule began, so it never builds older periods). */
  meta(key: string, init: () => string): string {
    const r = this.d.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    if (r) return r.value;
    const v = init();
    this.d.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, v);
    return v;
  }

  /** Adds a queued pack unless one exists for the id; true when it is new. */
  add(
    r: Pick<
      ReportRow,
      'id' | 'plan' | 'scope' | 'title' | 'period' | 'firstDay' | 'lastDay' | 'dueAt' | 'createdAt' | 'folder'
    >,
  ): boolean {
    const res = this.d
      .prepare(
        `INSERT OR IGNORE INTO reports (id, plan, scope, title, period, first_day, last_day, state, due_at, created_at, folder)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(r.id, r.plan, r.scope, r.title, r.period, r.firstDay, r.lastDay, r.dueAt, r.createdAt, r.folder);
    return res.changes === 1;
  }

  get(id: string): ReportRow | undefined {
    const r = this.d.prepare('SELECT * FROM reports WHERE id = ?').get(id) as Raw | undefined;
    return r ? row(r) : undefined;
  }

  /** Newest first. */
  list(limit = 500): ReportRow[] {
    return (this.d.prepare('SELECT * FROM reports ORDER BY first_day DESC, id LIMIT ?').all(limit) as Raw[]).map(row);
  }

  /** Packs not finished: queued, or building when the server stopped; in the order queued, the oldest period first. */
  unfinished(): ReportRow[] {
    return (
      this.d
        .prepare("SELECT * FROM reports WHERE state IN ('queued', 'building') ORDER BY created_at, due_at, rowid")
        .all() as Raw[]
    ).map(row);
  }

  started(id: string, at: number): void {
    this.d
      .prepare(
        "UPDATE reports SET state = 'building', started_at = ?, phase = NULL, progress = 0, error = NULL WHERE id = ?",
      )
      .run(at, id);
  }

  progress(id: string, phase: string, progress: number): void {
    this.d.prepare('UPDATE reports SET phase = ?, progress = ? WHERE id = ?').run(phase, progress, id);
  }

  done(id: string, at: number, files: ReportRow['files']): void {
    this.d
      .prepare("UPDATE reports SET state = 'done', finished_at = ?, progress = 1, phase = NULL, files = ? WHERE id = ?")
      .run(at, JSON.stringify(files), id);
  }

  failed(id: string, at: number, error: string): void {
    this.d
      .prepare("UPDATE reports SET state = 'failed', finished_at = ?, phase = NULL, error = ? WHERE id = ?")
      .run(at, error.slice(0, 500), id);
  }

  /** Finished packs of a plan and scope beyond the newest `keep` (to delete). */
  beyond(plan: string, scope: string, keep: number): ReportRow[] {
    return (
      this.d
        .prepare(
          "SELECT * FROM reports WHERE plan = ? AND scope = ? AND state IN ('done', 'failed') ORDER BY first_day DESC LIMIT -1 OFFSET ?",
        )
        .all(plan, scope, keep) as Raw[]
    ).map(row);
  }

  remove(id: string): void {
    this.d.prepare('DELETE FROM deliveries WHERE report_id = ?').run(id);
    this.d.prepare('DELETE FROM reports WHERE id = ?').run(id);
  }

  delivery(d: DeliveryRow): void {
    this.d
      .prepare(
        `INSERT INTO deliveries (report_id, route, url, status, attempts, delivered_at, last_error)
         VALUES (@reportId, @route, @url, @status, @attempts, @deliveredAt, @lastError)
         ON CONFLICT (report_id, route) DO UPDATE SET url = excluded.url, status = excluded.status,
           attempts = excluded.attempts, delivered_at = excluded.delivered_at, last_error = excluded.last_error`,
      )
      .run(d);
  }

  deliveries(reportId: string): DeliveryRow[] {
    return (
      this.d.prepare('SELECT * FROM deliveries WHERE report_id = ? ORDER BY route').all(reportId) as Array<{
        report_id: string;
        route: string;
        url: string;
        status: DeliveryRow['status'];
        attempts: number;
        delivered_at: number | null;
        last_error: string | null;
      }>
    ).map((r) => ({
      reportId: r.report_id,
      route: r.route,
      url: r.url,
      status: r.status,
      attempts: r.attempts,
      deliveredAt: r.delivered_at,
      lastError: r.last_error,
    }));
  }
}
