// People who sign in to the API and dashboard, in a small SQLite file `${dataDir}/users.db` (kept
// apart from the time-series store so it exists with InfluxDB too). Passwords are scrypt hashes
// (hashSecret/verifySecret). On first start the `admin` user is created from HALLMON_ADMIN_PASSWORD,
// or with a generated password that is printed once.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hashSecret, verifySecret } from '@hallmon/firmware-config';
import { isRole, type Role } from './roles.ts';

export interface User {
  username: string;
  role: Role;
}

export class UserStore {
  private db: Database.Database | undefined;

  constructor(private readonly dataDir: string) {}

  open(): void {
    const db = new Database(join(this.dataDir, 'users.db'));
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS users (
      username TEXT PRIMARY KEY,
      role TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL
    )`);
    this.db = db;
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
  ensureAdmin(envPassword: string | undefined): { created: boolean; generated?: string } {
    const row = this.conn.prepare(`SELECT COUNT(*) AS n FROM users WHERE role = 'admin'`).get() as { n: number };
    if (row.n > 0) return { created: false };
    const generated = envPassword ? undefined : randomBytes(12).toString('base64url');
    this.upsert('admin', 'admin', envPassword || generated!);
    return { created: true, generated };
  }

  upsert(username: string, role: Role, password: string): void {
    this.conn
      .prepare(
        `INSERT INTO users (username, role, password_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(username) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash`,
      )
      .run(username, role, hashSecret(password), Date.now());
  }

  /** The user when the password is right, else undefined (same answer for unknown users). */
  verify(username: string, password: string): User | undefined {
    const row = this.conn.prepare(`SELECT role, password_hash FROM users WHERE username = ?`).get(username) as
      { role: string; password_hash: string } | undefined;
    if (!row) {
      // Spend the same scrypt time for unknown users so timing does not reveal who exists.
      verifySecret(password, DUMMY_HASH);
      return undefined;
    }
    if (!verifySecret(password, row.password_hash) || !isRole(row.role)) return undefined;
    return { username, role: row.role };
  }

  get(username: string): User | undefined {
    const row = this.conn.prepare(`SELECT role FROM users WHERE username = ?`).get(username) as
      { role: string } | undefined;
    return row && isRole(row.role) ? { username, role: row.role } : undefined;
  }
}

const DUMMY_HASH = hashSecret(randomBytes(16).toString('hex'));
