// People who sign in to the API and dashboard, in a small SQLite file `${dataDir}/users.db` (kept
// apart from the time-series store so it exists with InfluxDB too). The server and the `hallmon
// user` command both open it (WAL, busy timeout), and the server reads an account on every request,
// so a change made by either takes effect at once. Passwords are scrypt hashes (hashSecret). Each
// account has a token version: raising it (password change, disabling) ends every token signed
// before; logging out revokes one token by its id. The rules that apply everywhere (password
// length, not the username, the last enabled admin stays) are enforced here, so the API and the
// command line cannot differ. On first start the `admin` user (all sites) is created from
// HALLMON_ADMIN_PASSWORD, or with a generated password that is printed once. The layout changes
// through USER_MIGRATIONS; data dirs made before accounts had sites keep every site for their users.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { addColumns, hashSecret, migrate, verifySecret, type Migration } from '@hallmon/firmware-config';
import { passwordProblem, type SiteScope } from '@hallmon/contract';
import { isRole, type Role } from './roles.ts';
import type { UserState } from '../state/state.ts';

export interface UserAccount {
  username: string;
  role: Role;
  sites: SiteScope;
  name: string | null;
  /** Epoch ms after which the account no longer signs in or uses its tokens. */
  expires: number | null;
  disabled: boolean;
  tokenVersion: number;
  createdAt: number;
  passwordChangedAt: number;
  lastLoginAt: number | null;
}

/** What makes an account, as the API body and the command line give it (already schema-checked). */
export interface NewAccount {
  username: string;
  password: string;
  role: Role;
  sites: SiteScope;
  name?: string | null;
  expires?: number | null;
}

export interface AccountChange {
  role?: Role;
  sites?: SiteScope;
  name?: string | null;
  password?: string;
  disabled?: boolean;
  expires?: number | null;
}

/** A refused account change; `code` picks the HTTP status (exists 409, last-admin 409, invalid 400, unknown 404). */
export class UserError extends Error {
  constructor(
    readonly code: 'exists' | 'invalid' | 'unknown' | 'last-admin',
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Why a login with the right password is still refused. */
export type LoginRefusal = 'disabled' | 'expired';

/** A users row as both drivers store it (column names alike in SQLite and PostgreSQL). */
export interface UserRow {
  username: string;
  role: string;
  password_hash: string;
  created_at: number;
  sites: string | null;
  name: string | null;
  expires: number | null;
  disabled: number | null;
  token_version: number | null;
  password_changed_at: number | null;
  last_login_at: number | null;
}

/** users.db's migrations, oldest first; append, never edit one that has shipped. */
const USER_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'users and revoked tokens',
    up: `CREATE TABLE IF NOT EXISTS users (
      username TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS revoked_tokens (
      jti TEXT PRIMARY KEY,
      exp INTEGER NOT NULL
    )`,
  },
  {
    version: 2,
    name: 'site scopes, names, expiry, disabling, token versions, login times',
    up: (db) =>
      addColumns(db, 'users', [
        ['sites', `TEXT NOT NULL DEFAULT '*'`],
        ['name', 'TEXT'],
        ['expires', 'INTEGER'],
        ['disabled', 'INTEGER NOT NULL DEFAULT 0'],
        ['token_version', 'INTEGER NOT NULL DEFAULT 0'],
        ['password_changed_at', 'INTEGER'],
        ['last_login_at', 'INTEGER'],
      ]),
  },
];

/** The SQLite driver of UserState: users.db in the data dir. */
export class UserStore implements UserState {
  private db: Database.Database | undefined;

  constructor(private readonly dataDir: string) {}

  open(): this {
    const file = join(this.dataDir, 'users.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    try {
      migrate(db, file, USER_MIGRATIONS);
    } catch (err) {
      db.close();
      throw err;
    }
    this.db = db;
    return this;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private get conn(): Database.Database {
    if (!this.db) throw new Error('user store is not open');
    return this.db;
  }

  /**
   * Makes sure an admin exists. Returns the generated password when one had to be made (the caller
   * prints it once); undefined when an admin existed or the password came from the environment.
   */
  async ensureAdmin(envPassword: string | undefined): Promise<{ created: boolean; generated?: string }> {
    const row = this.conn.prepare(`SELECT COUNT(*) AS n FROM users WHERE role = 'admin'`).get() as { n: number };
    if (row.n > 0) return { created: false };
    const { password, generated } = firstAdminPassword(envPassword);
    await this.create({ username: 'admin', password, role: 'admin', sites: '*' });
    return { created: true, generated };
  }

  async create(a: NewAccount, now = Date.now()): Promise<UserAccount> {
    checkNewAccount(a);
    const info = this.conn
      .prepare(
        `INSERT INTO users (username, role, password_hash, created_at, sites, name, expires, disabled, token_version, password_changed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?) ON CONFLICT(username) DO NOTHING`,
      )
      .run(a.username, a.role, hashSecret(a.password), now, scopeText(a.sites), a.name ?? null, a.expires ?? null, now);
    if (info.changes === 0) throw new UserError('exists', `a user "${a.username}" exists already`);
    return this.read(a.username)!;
  }

  /** Applies a change; a new password or disabling ends the account's tokens. */
  async update(username: string, c: AccountChange, now = Date.now()): Promise<UserAccount> {
    const tx = this.conn.transaction(() => {
      const before = this.read(username);
      if (!before) throw new UserError('unknown', `no user "${username}"`);
      const { leavesAdmins, endTokens } = checkChange(username, before, c);
      if (leavesAdmins) this.keepOneAdmin(username);
      this.conn
        .prepare(
          `UPDATE users SET role = ?, sites = ?, name = ?, expires = ?, disabled = ?,
             password_hash = COALESCE(?, password_hash),
             password_changed_at = CASE WHEN ? IS NULL THEN password_changed_at ELSE ? END,
             token_version = token_version + ?
           WHERE username = ?`,
        )
        .run(
          c.role ?? before.role,
          scopeText(c.sites ?? before.sites),
          c.name === undefined ? before.name : c.name,
          c.expires === undefined ? before.expires : c.expires,
          (c.disabled ?? before.disabled) ? 1 : 0,
          c.password === undefined ? null : hashSecret(c.password),
          c.password === undefined ? null : 1,
          now,
          endTokens ? 1 : 0,
          username,
        );
      return this.read(username)!;
    });
    return tx();
  }

  async remove(username: string): Promise<void> {
    const tx = this.conn.transaction(() => {
      const before = this.read(username);
      if (!before) throw new UserError('unknown', `no user "${username}"`);
      if (before.role === 'admin' && !before.disabled) this.keepOneAdmin(username);
      this.conn.prepare(`DELETE FROM users WHERE username = ?`).run(username);
    });
    tx();
  }

  /** Throws unless an enabled admin other than `username` remains. */
  private keepOneAdmin(username: string): void {
    const row = this.conn
      .prepare(`SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND username <> ?`)
      .get(username) as { n: number };
    if (row.n === 0) throw lastAdmin(username);
  }

  async list(): Promise<UserAccount[]> {
    const rows = this.conn.prepare(`SELECT * FROM users ORDER BY username`).all() as UserRow[];
    return rows.map(userFromRow).filter((u): u is UserAccount => u !== undefined);
  }

  async get(username: string): Promise<UserAccount | undefined> {
    return this.read(username);
  }

  private read(username: string): UserAccount | undefined {
    return userFromRow(
      this.conn.prepare(`SELECT * FROM users WHERE username = ?`).get(username) as UserRow | undefined,
    );
  }

  /**
   * The account when the password is right (same scrypt time for unknown users, so timing does not
   * reveal who exists), with `refused` when it may not sign in now. undefined: wrong name or password.
   */
  async verify(
    username: string,
    password: string,
    now = Date.now(),
  ): Promise<{ user: UserAccount; refused?: LoginRefusal } | undefined> {
    const row = this.conn.prepare(`SELECT * FROM users WHERE username = ?`).get(username) as UserRow | undefined;
    return judgeLogin(row && { hash: row.password_hash, user: userFromRow(row) }, password, now);
  }

  async recordLogin(username: string, now = Date.now()): Promise<void> {
    this.conn.prepare(`UPDATE users SET last_login_at = ? WHERE username = ?`).run(now, username);
  }

  /** Ends one token (logout) until its own expiry; expired entries are swept as new ones come. */
  async revoke(jti: string, expMs: number, now = Date.now()): Promise<void> {
    this.conn.prepare(`INSERT OR IGNORE INTO revoked_tokens (jti, exp) VALUES (?, ?)`).run(jti, expMs);
    this.conn.prepare(`DELETE FROM revoked_tokens WHERE exp < ?`).run(now);
  }

  async isRevoked(jti: string): Promise<boolean> {
    return this.conn.prepare(`SELECT 1 FROM revoked_tokens WHERE jti = ?`).get(jti) !== undefined;
  }
}

/** HALLMON_ADMIN_PASSWORD, or a generated one (the caller prints it once). */
export function firstAdminPassword(envPassword: string | undefined): { password: string; generated?: string } {
  const generated = envPassword ? undefined : randomBytes(12).toString('base64url');
  const password = envPassword || generated!;
  const problem = passwordProblem('admin', password);
  if (problem) throw new UserError('invalid', `HALLMON_ADMIN_PASSWORD is refused: ${problem}`);
  return { password, generated };
}

/** The rules every new account meets, whichever driver keeps it. */
export function checkNewAccount(a: NewAccount): void {
  const problem = passwordProblem(a.username, a.password);
  if (problem) throw new UserError('invalid', problem);
  checkScope(a.sites);
  checkExpiry(a.role, a.expires ?? null);
}

/**
 * The rules every change meets: throws a UserError for a refused one; answers whether it takes an
 * enabled admin away (the driver then checks another remains, inside its transaction) and whether
 * it ends the account's tokens.
 */
export function checkChange(
  username: string,
  before: UserAccount,
  c: AccountChange,
): { leavesAdmins: boolean; endTokens: boolean } {
  if (c.password !== undefined) {
    const problem = passwordProblem(username, c.password);
    if (problem) throw new UserError('invalid', problem);
  }
  if (c.sites !== undefined) checkScope(c.sites);
  if (c.role !== undefined || c.expires !== undefined)
    checkExpiry(c.role ?? before.role, c.expires === undefined ? before.expires : c.expires);
  const stillAdmin = (c.role ?? before.role) === 'admin' && !(c.disabled ?? before.disabled);
  return {
    leavesAdmins: before.role === 'admin' && !before.disabled && !stillAdmin,
    endTokens: c.password !== undefined || (c.disabled === true && !before.disabled),
  };
}

export function lastAdmin(username: string): UserError {
  return new UserError('last-admin', `"${username}" is the last enabled admin; make another admin first`);
}

/**
 * A login against a stored account (undefined: no such user). An unknown user costs the same
 * scrypt time as a wrong password, so timing does not reveal who exists.
 */
export function judgeLogin(
  found: { hash: string; user: UserAccount | undefined } | undefined,
  password: string,
  now: number,
): { user: UserAccount; refused?: LoginRefusal } | undefined {
  if (!found) {
    verifySecret(password, DUMMY_HASH);
    return undefined;
  }
  const { user } = found;
  if (!verifySecret(password, found.hash) || !user) return undefined;
  const refused = usable(user, now);
  return refused ? { user, refused } : { user };
}

/** Why an account may not be used now, or undefined when it may. */
export function usable(u: UserAccount, now: number): LoginRefusal | undefined {
  if (u.disabled) return 'disabled';
  if (u.expires !== null && u.expires <= now) return 'expired';
  return undefined;
}

function checkScope(sites: SiteScope): void {
  if (sites !== '*' && sites.length === 0)
    throw new UserError('invalid', 'sites must name at least one site, or be "*" for every site');
}

/** Third-party assessors are let in for the assessment only: their accounts need an end. */
function checkExpiry(role: Role, expires: number | null): void {
  if (role === 'assessor' && expires === null)
    throw new UserError('invalid', 'an assessor account needs an expiry date (expires)');
  if (expires !== null && !Number.isFinite(expires)) throw new UserError('invalid', 'expires is not a real date');
}

export function scopeText(sites: SiteScope): string {
  return sites === '*' ? '*' : JSON.stringify([...sites]);
}

export function parseScope(text: string | null): SiteScope | undefined {
  if (text === null || text === '*') return '*';
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

export function userFromRow(r: UserRow | undefined): UserAccount | undefined {
  if (!r || !isRole(r.role)) return undefined;
  const sites = parseScope(r.sites);
  // A hand-edited row with unreadable sites covers nothing rather than everything.
  return {
    username: r.username,
    role: r.role,
    sites: sites ?? [],
    name: r.name,
    expires: r.expires,
    disabled: r.disabled === 1,
    tokenVersion: r.token_version ?? 0,
    createdAt: r.created_at,
    passwordChangedAt: r.password_changed_at ?? r.created_at,
    lastLoginAt: r.last_login_at,
  };
}

const DUMMY_HASH = hashSecret(randomBytes(16).toString('hex'));
