// UserState in PostgreSQL: the accounts of a server group. The rules are auth/users.ts's (shared
// with the SQLite driver); changes that could take away the last enabled admin run under one
// transaction-level advisory lock, so two servers cannot each remove "another" admin at once.
import { hashSecret } from '@hallmon/firmware-config';
import type { UserState } from '../state.ts';
import {
  checkChange,
  checkNewAccount,
  firstAdminPassword,
  judgeLogin,
  lastAdmin,
  scopeText,
  userFromRow,
  UserError,
  type AccountChange,
  type NewAccount,
  type UserAccount,
  type UserRow,
} from '../../auth/users.ts';
import { inTransaction, type Pool, type PoolClient } from './pool.ts';

const ADMIN_LOCK = `SELECT pg_advisory_xact_lock(hashtext('hallmon-admins'))`;

export class PgUsers implements UserState {
  constructor(private readonly pool: Pool) {}

  async ensureAdmin(envPassword: string | undefined): Promise<{ created: boolean; generated?: string }> {
    return inTransaction(this.pool, async (c) => {
      await c.query(ADMIN_LOCK);
      const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
      if ((rows[0]?.n ?? 0) > 0) return { created: false };
      const { password, generated } = firstAdminPassword(envPassword);
      await this.insert(c, { username: 'admin', password, role: 'admin', sites: '*' }, Date.now());
      return { created: true, generated };
    });
  }

  private async insert(c: Pool | PoolClient, a: NewAccount, now: number): Promise<boolean> {
    const res = await c.query(
      `INSERT INTO users (username, role, password_hash, created_at, sites, name, expires, disabled, token_version, password_changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $4) ON CONFLICT (username) DO NOTHING`,
      [a.username, a.role, hashSecret(a.password), now, scopeText(a.sites), a.name ?? null, a.expires ?? null],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async create(a: NewAccount, now = Date.now()): Promise<UserAccount> {
    checkNewAccount(a);
    if (!(await this.insert(this.pool, a, now))) throw new UserError('exists', `a user "${a.username}" exists already`);
    return (await this.get(a.username))!;
  }

  async update(username: string, c: AccountChange, now = Date.now()): Promise<UserAccount> {
    return inTransaction(this.pool, async (tx) => {
      await tx.query(ADMIN_LOCK);
      const before = await this.read(tx, username, true);
      if (!before) throw new UserError('unknown', `no user "${username}"`);
      const { leavesAdmins, endTokens } = checkChange(username, before, c);
      if (leavesAdmins) await this.keepOneAdmin(tx, username);
      await tx.query(
        `UPDATE users SET role = $1, sites = $2, name = $3, expires = $4, disabled = $5,
           password_hash = COALESCE($6, password_hash),
           password_changed_at = CASE WHEN $6::text IS NULL THEN password_changed_at ELSE $7 END,
           token_version = token_version + $8
         WHERE username = $9`,
        [
          c.role ?? before.role,
          scopeText(c.sites ?? before.sites),
          c.name === undefined ? before.name : c.name,
          c.expires === undefined ? before.expires : c.expires,
          (c.disabled ?? before.disabled) ? 1 : 0,
          c.password === undefined ? null : hashSecret(c.password),
          now,
          endTokens ? 1 : 0,
          username,
        ],
      );
      return (await this.read(tx, username))!;
    });
  }

  async remove(username: string): Promise<void> {
    await inTransaction(this.pool, async (tx) => {
      await tx.query(ADMIN_LOCK);
      const before = await this.read(tx, username, true);
      if (!before) throw new UserError('unknown', `no user "${username}"`);
      if (before.role === 'admin' && !before.disabled) await this.keepOneAdmin(tx, username);
      await tx.query('DELETE FROM users WHERE username = $1', [username]);
    });
  }

  private async keepOneAdmin(tx: PoolClient, username: string): Promise<void> {
    const { rows } = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND disabled = 0 AND username <> $1`,
      [username],
    );
    if ((rows[0]?.n ?? 0) === 0) throw lastAdmin(username);
  }

  private async read(c: Pool | PoolClient, username: string, lock = false): Promise<UserAccount | undefined> {
    const { rows } = await c.query<UserRow>(`SELECT * FROM users WHERE username = $1${lock ? ' FOR UPDATE' : ''}`, [
      username,
    ]);
    return userFromRow(rows[0]);
  }

  async list(): Promise<UserAccount[]> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users ORDER BY username');
    return rows.map(userFromRow).filter((u): u is UserAccount => u !== undefined);
  }

  get(username: string): Promise<UserAccount | undefined> {
    return this.read(this.pool, username);
  }

  async verify(username: string, password: string, now = Date.now()) {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
    const row = rows[0];
    return judgeLogin(row && { hash: row.password_hash, user: userFromRow(row) }, password, now);
  }

  async recordLogin(username: string, now = Date.now()): Promise<void> {
    await this.pool.query('UPDATE users SET last_login_at = $1 WHERE username = $2', [now, username]);
  }

  async revoke(jti: string, expMs: number, now = Date.now()): Promise<void> {
    await this.pool.query('INSERT INTO revoked_tokens (jti, exp) VALUES ($1, $2) ON CONFLICT DO NOTHING', [jti, expMs]);
    await this.pool.query('DELETE FROM revoked_tokens WHERE exp < $1', [now]);
  }

  async isRevoked(jti: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM revoked_tokens WHERE jti = $1', [jti]);
    return (rowCount ?? 0) > 0;
  }
}
