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
  // Nor one that is checked out (the live-push adapter's LISTEN client holds one for good, and pg
  // emits 'error' on a client whose server went away): what it was doing fails, its 'end' follows
  // (the adapter reconnects on it), and the pool opens a new one for the next query.
  pool.on('connect', (client) => client.on('error', () => undefined));
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
 * The pool as the live-push adapter (@socket.io/postgres-adapter) should see it: its queries go to
 * the pool, but the client it holds for LISTEN is a connection of its own, not one of the pool's.
 * The adapter never gives back a client whose connection died (a database restart; it only makes a
 * new one), and a pool still lending one would wait for it for ever when it is ended on stop.
 */
export function listenerPool(pool: pg.Pool): pg.Pool {
  const connect = async () => {
    const c = new pg.Client({ ...pool.options, connectionTimeoutMillis: 10_000 });
    c.on('error', () => undefined);
    await c.connect();
    return Object.assign(c, { release: () => void c.end().catch(() => undefined) });
  };
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === 'connect') return connect;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
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
