// Durable follow-ups of bad ratings (10.1.3 "1、5、15") in `${dataDir}/followups.db`: what was rated,
// the deadlines, who answered / classified / resolved it and when, the callbacks (回访: who called,
// when, the outcome, satisfied or not; the 2025 standard 6.1.5), and which overdue alarms were
// raised and cleared, so a restarted server neither loses a follow-up nor raises an alarm twice.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { addColumns, migrate, type Migration } from '@hallmon/firmware-config';
import { FOLLOWUP_STAGES, type CallbackOutcome, type FollowupStage } from '@hallmon/contract';
import type { FollowupState } from '../state/state.ts';

/** The overdue stages of a follow-up, each with its own alarm (id `${followupId}:${stage}`). */
export const ALARM_STAGES = FOLLOWUP_STAGES;
export type AlarmStage = FollowupStage;

/** One callback (回访) to the resident who gave the bad rating. */
export interface CallbackRow {
  /** When the call was made (epoch ms). */
  at: number;
  by: string;
  outcome: CallbackOutcome;
  /** Whether the resident was satisfied (only when reached; null otherwise). */
  satisfied: boolean | null;
  note: string | null;
  /** When it was recorded. */
  recordedAt: number;
}

export interface FollowupRow {
  id: string;
  site: string;
  device: string;
  window: string | null;
  /** The served ticket the rating names: the rating is real-name (docs/alarms.md). */
  ticket: string | null;
  score: number;
  ratedAt: number;
  responseDue: number;
  simpleDue: number;
  complexDue: number;
  complex: boolean;
  complexAt: number | null;
  complexBy: string | null;
  respondedAt: number | null;
  respondedBy: string | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  note: string | null;
  /** When each stage's overdue alarm was raised / cleared (null: not yet). */
  alarms: Record<AlarmStage, { raisedAt: number | null; clearedAt: number | null }>;
  /** In the order they were made. */
  callbacks: CallbackRow[];
}

export type NewFollowup = Pick<
  FollowupRow,
  'id' | 'site' | 'device' | 'window' | 'ticket' | 'score' | 'ratedAt' | 'responseDue' | 'simpleDue' | 'complexDue'
>;

/** A callbacks row as both drivers store it. */
export interface CallbackDbRow {
  followup_id: string;
  at: number;
  by: string;
  outcome: CallbackOutcome;
  satisfied: number | null;
  note: string | null;
  recorded_at: number;
}

/** A followups row as both drivers store it. */
export interface FollowupDbRow {
  id: string;
  site: string;
  device: string;
  window: string | null;
  ticket: string | null;
  score: number;
  rated_at: number;
  response_due: number;
  simple_due: number;
  complex_due: number;
  complex: number;
  complex_at: number | null;
  complex_by: string | null;
  responded_at: number | null;
  responded_by: string | null;
  resolved_at: number | null;
  resolved_by: string | null;
  note: string | null;
  response_raised: number | null;
  response_cleared: number | null;
  simple_raised: number | null;
  simple_cleared: number | null;
  complex_raised: number | null;
  complex_cleared: number | null;
}

export function followupFromRow(r: FollowupDbRow, callbacks: CallbackRow[]): FollowupRow {
  return {
    id: r.id,
    site: r.site,
    device: r.device,
    window: r.window,
    ticket: r.ticket,
    score: r.score,
    ratedAt: r.rated_at,
    responseDue: r.response_due,
    simpleDue: r.simple_due,
    complexDue: r.complex_due,
    complex: r.complex === 1,
    complexAt: r.complex_at,
    complexBy: r.complex_by,
    respondedAt: r.responded_at,
    respondedBy: r.responded_by,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    note: r.note,
    alarms: {
      response: { raisedAt: r.response_raised, clearedAt: r.response_cleared },
      simple: { raisedAt: r.simple_raised, clearedAt: r.simple_cleared },
      complex: { raisedAt: r.complex_raised, clearedAt: r.complex_cleared },
    },
    callbacks,
  };
}

export function callbackFromRow(r: CallbackDbRow): CallbackRow {
  return {
    at: r.at,
    by: r.by,
    outcome: r.outcome,
    satisfied: r.satisfied === null ? null : r.satisfied === 1,
    note: r.note,
    recordedAt: r.recorded_at,
  };
}

/** Follow-ups with their callbacks (callback rows of any of them, in time order; both drivers). */
export function withCallbacks(raws: FollowupDbRow[], callbacks: CallbackDbRow[]): FollowupRow[] {
  const by = new Map<string, CallbackRow[]>();
  for (const c of callbacks) {
    const list = by.get(c.followup_id) ?? [];
    list.push(callbackFromRow(c));
    by.set(c.followup_id, list);
  }
  return raws.map((r) => followupFromRow(r, by.get(r.id) ?? []));
}

/** Follow-ups that may still raise or clear an alarm (the same SQL in both drivers). */
export const ACTIVE = `(resolved_at IS NULL
      OR (response_raised IS NOT NULL AND response_cleared IS NULL)
      OR (simple_raised IS NOT NULL AND simple_cleared IS NULL)
      OR (complex_raised IS NOT NULL AND complex_cleared IS NULL))`;

/** followups.db's migrations, oldest first; append, never edit one that has shipped. */
const FOLLOWUP_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'follow-ups of bad ratings',
    up: `CREATE TABLE IF NOT EXISTS followups (
      id TEXT PRIMARY KEY, site TEXT NOT NULL, device TEXT NOT NULL, window TEXT, score INTEGER NOT NULL,
      rated_at INTEGER NOT NULL, response_due INTEGER NOT NULL, simple_due INTEGER NOT NULL, complex_due INTEGER NOT NULL,
      complex INTEGER NOT NULL DEFAULT 0, complex_at INTEGER, complex_by TEXT,
      responded_at INTEGER, responded_by TEXT, resolved_at INTEGER, resolved_by TEXT, note TEXT,
      response_raised INTEGER, response_cleared INTEGER, simple_raised INTEGER, simple_cleared INTEGER,
      complex_raised INTEGER, complex_cleared INTEGER);
      CREATE INDEX IF NOT EXISTS followups_site ON followups (site, rated_at);
      CREATE INDEX IF NOT EXISTS followups_open ON followups (resolved_at);`,
  },
  {
    version: 2,
    name: 'callbacks to the residents and the rated ticket',
    up: (db) => {
      db.exec(`CREATE TABLE IF NOT EXISTS callbacks (
        followup_id TEXT NOT NULL, at INTEGER NOT NULL, by TEXT NOT NULL, outcome TEXT NOT NULL,
        satisfied INTEGER, note TEXT, recorded_at INTEGER NOT NULL, PRIMARY KEY (followup_id, at, by))`);
      addColumns(db, 'followups', [['ticket', 'TEXT']]);
    },
  },
];

/** The SQLite driver of FollowupState: followups.db in the data dir. */
export class FollowupDb implements FollowupState {
  private db: Database.Database | undefined;

  constructor(private readonly dataDir: string) {}

  open(): void {
    const file = join(this.dataDir, 'followups.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    try {
      migrate(db, file, FOLLOWUP_MIGRATIONS);
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

  private get d(): Database.Database {
    if (!this.db) throw new Error('followups.db is not open: call open() first');
    return this.db;
  }

  /** Inserts unless the id exists (a redelivered rating). Returns true when it was new. */
  async insert(f: NewFollowup): Promise<boolean> {
    const res = this.d
      .prepare(
        `INSERT OR IGNORE INTO followups (id, site, device, window, ticket, score, rated_at, response_due, simple_due, complex_due)
         VALUES (@id, @site, @device, @window, @ticket, @score, @ratedAt, @responseDue, @simpleDue, @complexDue)`,
      )
      .run(f);
    return res.changes === 1;
  }

  async get(id: string): Promise<FollowupRow | undefined> {
    const r = this.d.prepare('SELECT * FROM followups WHERE id = ?').get(id) as FollowupDbRow | undefined;
    return r ? this.rows([r])[0] : undefined;
  }

  /** The newest 5000 of a site (every one with `all`). */
  async list(site: string, openOnly: boolean, all = false): Promise<FollowupRow[]> {
    const sql = `SELECT * FROM followups WHERE site = ?${openOnly ? ' AND resolved_at IS NULL' : ''} ORDER BY rated_at DESC${all ? '' : ' LIMIT 5000'}`;
    return this.rows(this.d.prepare(sql).all(site) as FollowupDbRow[]);
  }

  /** Rows with their callbacks (one read for all of them). */
  private rows(raws: FollowupDbRow[]): FollowupRow[] {
    if (!raws.length) return [];
    const ids = raws.map((r) => r.id);
    const callbacks: CallbackDbRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const sql = `SELECT * FROM callbacks WHERE followup_id IN (${chunk.map(() => '?').join(',')}) ORDER BY at`;
      callbacks.push(...(this.d.prepare(sql).all(...chunk) as CallbackDbRow[]));
    }
    return withCallbacks(raws, callbacks);
  }

  /** Records a callback; false when the same person already recorded one at that instant. */
  async addCallback(id: string, c: CallbackRow): Promise<boolean> {
    const res = this.d
      .prepare(
        `INSERT OR IGNORE INTO callbacks (followup_id, at, by, outcome, satisfied, note, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, c.at, c.by, c.outcome, c.satisfied === null ? null : c.satisfied ? 1 : 0, c.note, c.recordedAt);
    return res.changes === 1;
  }

  /** Follow-ups that may still raise or clear an alarm: unresolved, or with an alarm not yet cleared. */
  async active(sites?: readonly string[]): Promise<FollowupRow[]> {
    const raws = this.d.prepare(`SELECT * FROM followups WHERE ${ACTIVE}`).all() as FollowupDbRow[];
    return this.rows(sites ? raws.filter((r) => sites.includes(r.site)) : raws);
  }

  async respond(id: string, at: number, by: string): Promise<void> {
    this.d
      .prepare('UPDATE followups SET responded_at = ?, responded_by = ? WHERE id = ? AND responded_at IS NULL')
      .run(at, by, id);
  }

  async markComplex(id: string, at: number, by: string): Promise<void> {
    this.d
      .prepare('UPDATE followups SET complex = 1, complex_at = ?, complex_by = ? WHERE id = ? AND complex = 0')
      .run(at, by, id);
  }

  async resolve(id: string, at: number, by: string): Promise<void> {
    this.d
      .prepare('UPDATE followups SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at IS NULL')
      .run(at, by, id);
  }

  async setNote(id: string, note: string): Promise<void> {
    this.d.prepare('UPDATE followups SET note = ? WHERE id = ?').run(note, id);
  }

  async alarmRaised(id: string, stage: AlarmStage, at: number): Promise<void> {
    this.d.prepare(`UPDATE followups SET ${stage}_raised = ? WHERE id = ?`).run(at, id);
  }

  async alarmCleared(id: string, stage: AlarmStage, at: number): Promise<void> {
    this.d.prepare(`UPDATE followups SET ${stage}_cleared = ? WHERE id = ?`).run(at, id);
  }
}
