// `hallmon restore` (docs/operations.md, "Backup and restore"): puts a backup made by `hallmon
// backup` into a new, empty data dir, after checking every file against the manifest's SHA-256 (a
// damaged or altered backup is refused and nothing is written), and the InfluxDB part, if any, into
// a database that does not exist yet (`influxd restore -portable -newdb`). Restoring never touches a
// data dir or database in use. The next `hallmon server` on it migrates it if it came from an older
// release (firmware-config sqlite-migrate.ts).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { extract } from 'tar';
import type { Logger } from '@hallmon/firmware-config';
import { BACKUP_FORMAT, influxDatabase, run, sha256, type BackupManifest, type InfluxBackupTarget } from './backup.ts';

export interface RestoreOptions {
  /** The .tar.gz of `hallmon backup`. */
  from: string;
  /** A data dir that does not exist or is empty. */
  dataDir: string;
  /** Where the InfluxDB part goes: the database named in its URL must not exist yet. */
  influx?: InfluxBackupTarget;
  log?: Logger;
  say?: (line: string) => void;
}

export async function restoreBackup(o: RestoreOptions): Promise<BackupManifest> {
  const from = resolve(o.from);
  const dataDir = resolve(o.dataDir);
  const say = o.say ?? (() => undefined);
  if (!existsSync(from)) throw new Error(`no backup at ${from}`);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0)
    throw new Error(`${dataDir} is not empty: restore into a new data dir (restoring never overwrites one)`);
  mkdirSync(dirname(dataDir), { recursive: true });
  const staging = mkdtempSync(join(dirname(dataDir), '.hallmon-restore-'));
  try {
    try {
      await extract({ file: from, cwd: staging });
    } catch (err) {
      throw new Error(`${from} is not a readable hallmon backup (.tar.gz): ${(err as Error).message}`, { cause: err });
    }
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(readFileSync(join(staging, 'manifest.json'), 'utf8')) as BackupManifest;
    } catch {
      throw new Error(`${from} has no readable manifest.json: it was not made by hallmon backup`);
    }
    if (manifest.product !== 'hallmon' || manifest.format !== BACKUP_FORMAT)
      throw new Error(
        `${from}: backup format ${String(manifest.format)} is not one this hallmon reads (${BACKUP_FORMAT})`,
      );
    say(`restore: checking ${manifest.files.length} files against the manifest (backup of ${manifest.createdAt})`);
    for (const f of manifest.files) {
      const p = join(staging, f.path);
      if (!existsSync(p)) throw new Error(`${from}: ${f.path} is listed in the manifest but missing`);
      if ((await sha256(p)) !== f.sha256)
        throw new Error(`${from}: ${f.path} does not match its checksum: the backup is damaged or was altered`);
    }
    if (manifest.influx && !o.influx)
      throw new Error(
        `this backup holds the InfluxDB database "${manifest.influx.database}": give --influx-url (naming a new database) and --influx-rpc`,
      );
    if (manifest.influx && o.influx) {
      const newdb = influxDatabase(o.influx.url);
      say(
        `restore: InfluxDB database ${manifest.influx.database} as ${newdb} (influxd restore -portable via ${o.influx.rpc})`,
      );
      await run(o.influx.influxd ?? 'influxd', [
        'restore',
        '-portable',
        '-host',
        o.influx.rpc,
        '-db',
        manifest.influx.database,
        '-newdb',
        newdb,
        join(staging, 'influx'),
      ]);
    }
    mkdirSync(dataDir, { recursive: true });
    for (const name of readdirSync(join(staging, 'data'))) renameSync(join(staging, 'data', name), join(dataDir, name));
    say(`restore: ${manifest.sqlite.length} SQLite databases into ${dataDir}`);
    o.log?.info({ from, dataDir, influx: manifest.influx?.database ?? null }, 'backup restored');
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
