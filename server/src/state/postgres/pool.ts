// The connection pool of the PostgreSQL state backend (node-postgres). BIGINT columns hold epoch
// milliseconds, far below 2^53, so they are read as numbers. A database that cannot be reached fails
// the start with its URL (never the password) and what to check.
import pg from 'pg';

pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** A database URL without its password, for logs, errors and /api/health. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** Opens a pool and proves it works with one query; throws an Error that says what to check. */
export async function openPool(url: string, max = 10): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
  // An idle client losing its connection (a database restart) must not crash the server: the pool
  // drops that client and the next query opens a new one.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new Error(
      `cannot use the --state database ${redactUrl(url)}: ${(err as Error).message}. ` +
        'Check that PostgreSQL runs at that host and port, that the database exists, and that the user and password are right.',
      { cause: err },
    );
  }
  return pool;
}

/**
 * Whether the database answers now: one connection of its own, `SELECT 1`, within `timeoutMs`
 * (/api/health). Throws with what went wrong, never the password.
 */
export async function checkConnection(url: string, timeoutMs = 3_000): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('SELECT 1');
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Runs fn in one transaction on one client (BEGIN … COMMIT, ROLLBACK on a throw). */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
