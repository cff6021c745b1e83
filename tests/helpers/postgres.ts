// A real PostgreSQL (Debian's postgresql, 15 on Debian 12) for tests and benchmarks: a temporary cluster made by
// initdb in a temp dir, listening on a free loopback port (no Unix socket outside the temp dir),
// trust authentication for loopback only. PostgreSQL refuses to run as root, so as root the cluster
// belongs to the `postgres` OS user (created by Debian's package) and its server is started through
// setpriv, which execs (no extra process in between), so stop() signals postgres itself. Ready once
// a connection answers; stop() shuts it down (fast mode) and removes the folder; halt() stops it and
// keeps the cluster, restart() starts it again on the same port and data.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';
import { tempDir } from './tmp.ts';
import { waitFor } from './wait.ts';

export interface TestPostgres {
  /** postgres://hallmon@127.0.0.1:PORT/hallmon */
  url: string;
  port: number;
  /** The postmaster's process id (benchmarks read its CPU time from /proc). */
  pid: number;
  /** A fresh empty database on the same cluster, as a URL (one per test that wants its own). */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and keeps the cluster: the database is unreachable until restart(). */
  halt(): Promise<void>;
  /** Starts it again on the same port and data (after halt()). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Debian puts the server programs in /usr/lib/postgresql/<major>/bin (not on PATH): the newest. */
const BIN = (() => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return '';
  const majors = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : '';
})();
const bin = (name: string) => (BIN ? join(BIN, name) : name);

/** The command prefix that runs a PostgreSQL program as its OS user (root may not run it). */
function asOwner(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error('running as root needs the "postgres" OS user (apt-get install postgresql)');
  return { prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups'], uid, gid };
}

export async function startPostgres(opts: { maxConnections?: number } = {}): Promise<TestPostgres> {
  const tmp = tempDir('hallmon-pg-');
  const owner = asOwner();
  if (owner.uid !== undefined) chownSync(tmp.path, owner.uid, owner.gid!);
  const data = join(tmp.path, 'data');
  const run = (args: string[]) => {
    const [cmd, ...rest] = [...owner.prefix, ...args];
    const r = spawnSync(cmd!, rest, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args[0]} failed: ${r.stderr || r.stdout || r.error?.message}`);
  };
  try {
    run([bin('initdb'), '-D', data, '-U', 'hallmon', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
  } catch (err) {
    tmp.remove();
    throw err;
  }
  const port = await freePort();
  const [cmd, ...rest] = [
    ...owner.prefix,
    bin('postgres'),
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    tmp.path,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    `max_connections=${opts.maxConnections ?? 100}`,
    '-c',
    'log_min_messages=warning',
  ];
  const stderr: string[] = [];
  let proc: ChildProcess | undefined;
  const launch = () => {
    const p: ChildProcess = spawn(cmd!, rest, { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr?.on('data', (b: Buffer) => {
      if (stderr.length < 50) stderr.push(b.toString());
    });
    proc = p;
    return p;
  };
  const halt = async () => {
    const p = proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGINT'); // fast shutdown: ends client sessions, no waiting for them
        setTimeout(() => p.kill('SIGKILL'), 15_000).unref();
      });
    }
  };
  const stop = async () => {
    await halt();
    tmp.remove();
  };
  const base = `postgres://hallmon@127.0.0.1:${port}`;
  /** Waits until the cluster takes connections (`first`: and makes the hallmon database). */
  const ready = async (first: boolean) => {
    const p = proc!;
    await waitFor(
      async () => {
        if (p.exitCode !== null) throw new Error(`postgres exited: ${stderr.join('')}`);
        const c = new pg.Client({ connectionString: `${base}/postgres` });
        c.on('error', () => undefined);
        try {
          await c.connect();
          if (first) await c.query('CREATE DATABASE hallmon');
          else await c.query('SELECT 1');
          return true;
        } finally {
          await c.end().catch(() => undefined);
        }
      },
      `postgres on ${port}`,
      60_000,
      100,
    );
  };
  try {
    launch();
    await ready(true);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `${base}/hallmon`,
    port,
    get pid() {
      return proc?.pid ?? 0;
    },
    createDatabase: async (name) => {
      if (!/^[a-z][a-z0-9_]{0,40}$/.test(name)) throw new Error(`not a database name: ${name}`);
      const c = new pg.Client({ connectionString: `${base}/postgres` });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return `${base}/${name}`;
    },
    halt,
    restart: async () => {
      await halt();
      launch();
      await ready(false);
    },
    stop,
  };
}
