// Opens one of the server's SQLite files the one way they are all opened: WAL (readers beside the
// writer), a busy timeout (the server and a `hallmon` command on the same data dir), and the file's
// migrations applied before anything reads it. A file that cannot be migrated is closed again and
// the MigrationError (naming the file and what to do) goes to the caller.
import Database from 'better-sqlite3';
import { migrate, type Migration } from '@hallmon/firmware-config';

export function openMigrated(file: string, migrations: readonly Migration[]): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    migrate(db, file, migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
