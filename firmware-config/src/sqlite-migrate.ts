// Versioned schema migrations for every SQLite file hallmon keeps (the server's store, users,
// audit, seals, follow-ups, notifications; the edge's outbox), so an upgrade never strands a
// deployment's data (docs/operations.md, "Upgrades"). Forward only: each migration runs once, in its
// own IMMEDIATE transaction (all of it or none of it), and is recorded with its version, name and
// time in the file's `schema_migrations` table. A file whose newest recorded version is beyond what
// this hallmon knows was written by a newer release and is refused rather than touched.
// Version 1 of each file is its layout before migrations existed, written with IF NOT EXISTS and
// addColumns so that it also adopts such a file unchanged (tests/fixtures/layout-0).
// The database is typed by the few calls used here, so this module needs no SQLite package itself.

export interface MigrationDb {
  exec(sql: string): unknown;
  prepare(sql: string): {
    run(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  };
}

export interface Migration {
  /** 1, 2, 3 ... without holes, in order. */
  version: number;
  /** What it does, in a few words (recorded, and shown in the log). */
  name: string;
  /** SQL text, or a function for steps that look before they change (addColumns). */
  up: string | ((db: MigrationDb) => void);
}

export interface MigrationResult {
  file: string;
  /** Newest version recorded before (0: a new file or one from before migrations). */
  from: number;
  to: number;
  applied: Migration[];
}

/** A file written by a newer hallmon, or a migration that failed (rolled back). */
export class MigrationError extends Error {
  readonly code = 'HM_ERR_MIGRATION';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

const TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

/** Adds the columns a table lacks (`[name, type]`), leaving the ones it has: adopting an older file. */
export function addColumns(db: MigrationDb, table: string, columns: ReadonlyArray<readonly [string, string]>): void {
  const have = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
  for (const [name, type] of columns) if (!have.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
}

/** The newest version of a list (what a file is at after migrate). */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length ? migrations[migrations.length - 1]!.version : 0;
}

/** The versions recorded in a file, oldest first (empty for a new file). */
export function appliedVersions(db: MigrationDb): number[] {
  db.exec(TABLE);
  return (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map(
    (r) => r.version,
  );
}

/**
 * Brings `db` (named `file` in messages) up to the last of `migrations`. Throws a MigrationError
 * naming the file and what to do when it was written by a newer release or a step fails.
 */
export function migrate(
  db: MigrationDb,
  file: string,
  migrations: readonly Migration[],
  now: () => number = Date.now,
): MigrationResult {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`${file}: migration "${m.name}" has version ${m.version}, expected ${i + 1}`);
  });
  const latest = latestVersion(migrations);
  const done = appliedVersions(db);
  const from = done.length ? done[done.length - 1]! : 0;
  if (from > latest)
    throw new MigrationError(
      `${file} has schema version ${from}, written by a newer hallmon (this one knows up to ${latest}): ` +
        'run the newer hallmon, or restore a backup made by this version into another data dir.',
    );
  const applied: Migration[] = [];
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      // Another process (the server and a `hallmon user` command) may have applied it meanwhile.
      if (db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').all(m.version).length) {
        db.exec('COMMIT');
        continue;
      }
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        now(),
      );
      db.exec('COMMIT');
    } catch (err) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // SQLite already rolled back (some errors end the transaction themselves)
      }
      throw new MigrationError(
        `${file}: migration ${m.version} (${m.name}) failed and was rolled back, the file is unchanged at version ` +
          `${m.version - 1}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    applied.push(m);
  }
  return { file, from, to: latest, applied };
}
