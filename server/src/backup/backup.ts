// `hallmon backup` (docs/operations.md, "Backup and restore"): a consistent copy of a data dir while
// the server runs, in one .tar.gz with a manifest of SHA-256 checksums.
// - Every SQLite file of the data dir (*.db: the store, users, audit, seals, follow-ups,
//   notifications, and any added later) through SQLite's online backup API (better-sqlite3's
//   db.backup), in one step: the copy is the database as of one read transaction, which WAL lets
//   the server keep writing beside. (Copied a few pages at a time, every write of the server would
//   restart it, and a busy store would never finish.)
// - Every other file (the token secret, the rules state) and the folders keys/ (the sites' signing
//   keys, unless --signing-keys keeps them elsewhere) and reports/ (scheduled packs) as they are:
//   they are written by rename.
// - With --influx-url and --influx-rpc, the InfluxDB database through `influxd backup -portable`.
// Each database is consistent in itself; readings acknowledged before the backup began are in it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { create as createTar } from 'tar';
import { VERSION, type Logger } from '@hallmon/firmware-config';

export const BACKUP_FORMAT = 1;

export interface InfluxBackupTarget {
  /** http://host:8086/database, as --influx-url. */
  url: string;
  /** host:port of influxd's RPC service (bind-address, default :8088). */
  rpc: string;
  /** The influxd program (default `influxd` on PATH). */
  influxd?: string;
}

export interface BackupFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  product: 'hallmon';
  version: string;
  createdAt: string;
  /** The data dir it was taken from. */
  dataDir: string;
  /** The SQLite databases, by file name. */
  sqlite: string[];
  /** The InfluxDB database, when one was backed up. */
  influx: { database: string } | null;
  files: BackupFile[];
}

export interface BackupOptions {
  dataDir: string;
  /** The .tar.gz to write (through a temporary file: never a half-written backup under that name). */
  out: string;
  influx?: InfluxBackupTarget;
  log?: Logger;
  /** Progress lines for a person (the CLI prints them). */
  say?: (line: string) => void;
}

/** Files of a data dir that are never copied: SQLite's side files (the backup API reads through them) and leftovers. */
const SKIP = /(-wal|-shm|-journal|\.tmp|\.bad-\d+)$/;
/** Folders of the data dir that go into a backup whole (their files are written by rename). */
const FOLDERS = new Set(['keys', 'reports']);

export function sha256(file: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolveHash(h.digest('hex')));
  });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

export function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    let err = '';
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    p.on('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`)));
    p.on('exit', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`${cmd} ${args[0] ?? ''} exited with ${code}: ${err.trim()}`)),
    );
  });
}

/** The database named in an --influx-url's path (hallmon by default, as the store does). */
export function influxDatabase(url: string): string {
  const path = decodeURIComponent(new URL(url).pathname.replace(/^\/+|\/+$/g, ''));
  return path || 'hallmon';
}

/** Copies one SQLite database in a single step of the online backup API. */
async function backupSqlite(src: string, dest: string): Promise<void> {
  const db = new Database(src, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    await db.backup(dest, { progress: (p) => p.remainingPages });
  } finally {
    db.close();
  }
}

export async function backupDataDir(o: BackupOptions): Promise<BackupManifest> {
  const dataDir = resolve(o.dataDir);
  const out = resolve(o.out);
  const say = o.say ?? (() => undefined);
  let entries: string[];
  try {
    entries = readdirSync(dataDir).sort();
  } catch (err) {
    throw new Error(`cannot read the data dir ${dataDir}: ${(err as Error).message}. Check --data-dir.`, {
      cause: err,
    });
  }
  if (!entries.some((n) => n.endsWith('.db')))
    throw new Error(`${dataDir} holds no hallmon databases (*.db): is --data-dir the server's data dir?`);
  mkdirSync(dirname(out), { recursive: true });
  const staging = mkdtempSync(join(dirname(out), '.hallmon-backup-'));
  try {
    const data = join(staging, 'data');
    mkdirSync(data);
    const sqlite: string[] = [];
    for (const name of entries) {
      const src = join(dataDir, name);
      if (SKIP.test(name)) continue;
      if (statSync(src).isDirectory()) {
        // The sites' signing keys (when kept in the data dir) and the scheduled report packs.
        if (FOLDERS.has(name)) {
          say(`backup: ${name}/ (files as they are)`);
          cpSync(src, join(data, name), { recursive: true });
        }
        continue;
      }
      if (!statSync(src).isFile()) continue;
      if (name.endsWith('.db')) {
        say(`backup: ${name} (SQLite online backup)`);
        await backupSqlite(src, join(data, name));
        sqlite.push(name);
      } else copyFileSync(src, join(data, name));
    }
    let influx: BackupManifest['influx'] = null;
    if (o.influx) {
      const database = influxDatabase(o.influx.url);
      say(`backup: InfluxDB database ${database} (influxd backup -portable via ${o.influx.rpc})`);
      await run(o.influx.influxd ?? 'influxd', [
        'backup',
        '-portable',
        '-database',
        database,
        '-host',
        o.influx.rpc,
        join(staging, 'influx'),
      ]);
      influx = { database };
    }
    const files: BackupFile[] = [];
    for (const f of filesUnder(staging))
      files.push({
        path: relative(staging, f).split('\\').join('/'),
        bytes: statSync(f).size,
        sha256: await sha256(f),
      });
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      product: 'hallmon',
      version: VERSION,
      createdAt: new Date().toISOString(),
      dataDir,
      sqlite,
      influx,
      files,
    };
    writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const tmp = `${out}.${process.pid}.tmp`;
    say(`backup: writing ${basename(out)}`);
    await createTar({ gzip: true, file: tmp, cwd: staging, portable: true }, readdirSync(staging).sort());
    renameSync(tmp, out);
    o.log?.info({ out, sqlite, influx: influx?.database ?? null, files: files.length }, 'backup written');
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Backup files a scheduled or --out-dir run writes: hallmon-backup-20250501T020000.000Z.tar.gz (UTC). */
export const BACKUP_NAME = /^hallmon-backup-\d{8}T\d{6}\.\d{3}Z\.tar\.gz$/;

export function backupName(at = new Date()): string {
  return `hallmon-backup-${at.toISOString().replace(/[-:]/g, '')}.tar.gz`;
}

/** Deletes the oldest backups of a folder beyond `keep`; returns what it removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = readdirSync(dir)
    .filter((n) => BACKUP_NAME.test(n))
    .sort();
  const gone = all.slice(0, Math.max(0, all.length - keep));
  for (const n of gone) rmSync(join(dir, n), { force: true });
  return gone;
}
