// FollowupState in PostgreSQL: bad-rating follow-ups of a server group. Inserting a redelivered
// rating (whichever server stored it) does nothing; a person's step and an alarm mark are single
// conditional updates, so two servers never undo each other.
import type { FollowupState } from '../state.ts';
import {
  ACTIVE,
  withCallbacks,
  type AlarmStage,
  type CallbackDbRow,
  type CallbackRow,
  type FollowupDbRow,
  type FollowupRow,
  type NewFollowup,
} from '../../followups/db.ts';
import { ALARM_STAGES } from '../../followups/db.ts';
import type { Pool } from './pool.ts';

export class PgFollowups implements FollowupState {
  constructor(private readonly pool: Pool) {}

  async insert(f: NewFollowup): Promise<boolean> {
    const res = await this.pool.query(
      `INSERT INTO followups (id, site, device, "window", ticket, score, rated_at, response_due, simple_due, complex_due)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
      [f.id, f.site, f.device, f.window, f.ticket, f.score, f.ratedAt, f.responseDue, f.simpleDue, f.complexDue],
    );
    return res.rowCount === 1;
  }

  async get(id: string): Promise<FollowupRow | undefined> {
    const { rows } = await this.pool.query<FollowupDbRow>('SELECT * FROM followups WHERE id = $1', [id]);
    return rows[0] ? (await this.rows(rows))[0] : undefined;
  }

  async list(site: string, openOnly: boolean, all = false): Promise<FollowupRow[]> {
    const { rows } = await this.pool.query<FollowupDbRow>(
      `SELECT * FROM followups WHERE site = $1${openOnly ? ' AND resolved_at IS NULL' : ''} ORDER BY rated_at DESC${all ? '' : ' LIMIT 5000'}`,
      [site],
    );
    return this.rows(rows);
  }

  /** Rows with their callbacks (one query for all of them). */
  private async rows(raws: FollowupDbRow[]): Promise<FollowupRow[]> {
    if (!raws.length) return [];
    const { rows } = await this.pool.query<CallbackDbRow>(
      'SELECT * FROM callbacks WHERE followup_id = ANY($1::text[]) ORDER BY at, recorded_at',
      [raws.map((r) => r.id)],
    );
    return withCallbacks(raws, rows);
  }

  async addCallback(id: string, c: CallbackRow): Promise<boolean> {
    const res = await this.pool.query(
      `INSERT INTO callbacks (followup_id, at, "by", outcome, satisfied, note, recorded_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (followup_id, at, "by") DO NOTHING`,
      [id, c.at, c.by, c.outcome, c.satisfied === null ? null : c.satisfied ? 1 : 0, c.note, c.recordedAt],
    );
    return res.rowCount === 1;
  }

  async active(sites?: readonly string[]): Promise<FollowupRow[]> {
    const { rows } = sites
      ? await this.pool.query<FollowupDbRow>(`SELECT * FROM followups WHERE ${ACTIVE} AND site = ANY($1::text[])`, [
          [...sites],
        ])
      : await this.pool.query<FollowupDbRow>(`SELECT * FROM followups WHERE ${ACTIVE}`);
    return this.rows(rows);
  }

  async respond(id: string, at: number, by: string): Promise<void> {
    await this.pool.query(
      'UPDATE followups SET responded_at = $1, responded_by = $2 WHERE id = $3 AND responded_at IS NULL',
      [at, by, id],
    );
  }

  async markComplex(id: string, at: number, by: string): Promise<void> {
    await this.pool.query(
      'UPDATE followups SET complex = 1, complex_at = $1, complex_by = $2 WHERE id = $3 AND complex = 0',
      [at, by, id],
    );
  }

  async resolve(id: string, at: number, by: string): Promise<void> {
    await this.pool.query(
      'UPDATE followups SET resolved_at = $1, resolved_by = $2 WHERE id = $3 AND resolved_at IS NULL',
      [at, by, id],
    );
  }

  async setNote(id: string, note: string): Promise<void> {
    await this.pool.query('UPDATE followups SET note = $1 WHERE id = $2', [note, id]);
  }

  async alarmRaised(id: string, stage: AlarmStage, at: number): Promise<void> {
    await this.pool.query(`UPDATE followups SET ${column(stage)}_raised = $1 WHERE id = $2`, [at, id]);
  }

  async alarmCleared(id: string, stage: AlarmStage, at: number): Promise<void> {
    await this.pool.query(`UPDATE followups SET ${column(stage)}_cleared = $1 WHERE id = $2`, [at, id]);
  }
}

/** The stage as a column prefix: only the known stages ever reach the SQL text. */
function column(stage: AlarmStage): AlarmStage {
  if (!ALARM_STAGES.includes(stage)) throw new Error(`unknown follow-up stage "${stage}"`);
  return stage;
}
