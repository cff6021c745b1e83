// The seal table: one row per site and site-local day with the first digest ever sealed for it and
// its chain link. A small SQLite file (seals.db) in the data dir, so sealing works the same with the
// SQLite and the InfluxDB store. Rows are only ever inserted: a later recomputation that differs is
// recorded beside the seal (lateDigest), never over it. A row with a records digest is a format-3
// seal, one with a rollup digest only format 2, one with neither format 1 (digest.ts), one with an
// audit digest format 4; older seals.db files get the new columns through SEAL_MIGRATIONS and keep
// their rows in the format they were sealed in. The data dir's audit trail (audit.db) is opened with
// the table: every day sealed from here seals the day's audit entries too (format 4), whoever seals
// it (the server's sealer, an evidence pack, the backfill).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { addColumns, MigrationError, migrate, type Migration } from '@hallmon/firmware-config';
import { AuditLog } from '../audit/audit-log.ts';
import type { LateDigests, NewSeal, SealState } from '../state/state.ts';

export interface SealRow {
  site: string;
  day: string;
  digest: string;
  /** Format 2: digest of the day's 1-minute rollups (outlives the raw data). Null: a format-1 seal. */
  rollupDigest: string | null;
  /** Format 3: digest of the day's device events and status changes. Null: sealed in format 1 or 2. */
  recordsDigest: string | null;
  /** Events and status changes hashed into recordsDigest (null before format 3). */
  records: number | null;
  /** Format 4: digest of the day's audit-trail entries. Null: sealed in format 1, 2 or 3. */
  auditDigest: string | null;
  /** Entries hashed into auditDigest (null before format 4). */
  auditEntries: number | null;
  chain: string;
  readings: number;
  alarms: number;
  sealedAt: number;
  /** Set when a later recomputation of a sealed day gave another digest (late data or tampering). */
  lateDigest: string | null;
  lateAt: number | null;
  lateRollupDigest: string | null;
  lateRecordsDigest: string | null;
  lateAuditDigest: string | null;
}

/** A seals row as both drivers store it. */
export interface SealDbRow {
  site: string;
  day: string;
  digest: string;
  chain: string;
  readings: number;
  alarms: number;
  sealed_at: number;
  late_digest: string | null;
  late_at: number | null;
  rollup_digest: string | null;
  late_rollup_digest: string | null;
  records_digest: string | null;
  records: number | null;
  late_records_digest: string | null;
  audit_digest: string | null;
  audit_entries: number | null;
  late_audit_digest: string | null;
}

/** seals.db's migrations, oldest first; append, never edit one that has shipped. */
const SEAL_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'seals (format 1)',
    up: `CREATE TABLE IF NOT EXISTS seals (
      site        TEXT NOT NULL,
      day         TEXT NOT NULL,
      digest      TEXT NOT NULL,
      chain       TEXT NOT NULL,
      readings    INTEGER NOT NULL,
      alarms      INTEGER NOT NULL,
      sealed_at   INTEGER NOT NULL,
      late_digest TEXT,
      late_at     INTEGER,
      PRIMARY KEY (site, day)
    ) WITHOUT ROWID`,
  },
  {
    version: 2,
    name: 'rollup digests (format 2)',
    up: (db) =>
      addColumns(db, 'seals', [
        ['rollup_digest', 'TEXT'],
        ['late_rollup_digest', 'TEXT'],
      ]),
  },
  {
    version: 3,
    name: 'records digests (format 3)',
    up: (db) =>
      addColumns(db, 'seals', [
        ['records_digest', 'TEXT'],
        ['records', 'INTEGER'],
        ['late_records_digest', 'TEXT'],
      ]),
  },
  {
    version: 4,
    name: 'audit digests (format 4)',
    up: (db) =>
      addColumns(db, 'seals', [
        ['audit_digest', 'TEXT'],
        ['audit_entries', 'INTEGER'],
        ['late_audit_digest', 'TEXT'],
      ]),
  },
];

export const sealFromRow = (r: SealDbRow): SealRow => ({
  site: r.site,
  day: r.day,
  digest: r.digest,
  rollupDigest: r.rollup_digest ?? null,
  recordsDigest: r.records_digest ?? null,
  records: r.records ?? null,
  auditDigest: r.audit_digest ?? null,
  auditEntries: r.audit_entries ?? null,
  chain: r.chain,
  readings: r.readings,
  alarms: r.alarms,
  sealedAt: r.sealed_at,
  lateDigest: r.late_digest,
  lateAt: r.late_at,
  lateRollupDigest: r.late_rollup_digest ?? null,
  lateRecordsDigest: r.late_records_digest ?? null,
  lateAuditDigest: r.late_audit_digest ?? null,
});

/** The SQLite driver of SealState: seals.db in the data dir (with that dir's audit.db). */
export class SealStore implements SealState {
  readonly file: string;
  private db: Database.Database | undefined;
  private trail: AuditLog | undefined;

  constructor(private readonly dataDir: string) {
    this.file = join(dataDir, 'seals.db');
  }

  open(): void {
    if (this.db) return;
    try {
      mkdirSync(this.dataDir, { recursive: true });
      const db = new Database(this.file);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      try {
        migrate(db, this.file, SEAL_MIGRATIONS);
      } catch (err) {
        db.close();
        throw err;
      }
      this.trail = new AuditLog(this.dataDir).open();
      this.db = db;
    } catch (err) {
      if (err instanceof MigrationError) throw err;
      throw new Error(
        `Cannot open the seal table ${this.file}: ${(err as Error).message}. Check that --data-dir is writable.`,
        { cause: err },
      );
    }
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.trail?.close();
    this.trail = undefined;
  }

  /** The audit trail of the same data dir, which every day sealed from here seals (format 4). */
  get audit(): AuditLog {
    if (!this.trail) throw new Error('The seal table is not open: call open() first.');
    return this.trail;
  }

  private conn(): Database.Database {
    if (!this.db) throw new Error('The seal table is not open: call open() first.');
    return this.db;
  }

  async get(site: string, day: string): Promise<SealRow | undefined> {
    const r = this.conn().prepare('SELECT * FROM seals WHERE site = ? AND day = ?').get(site, day) as
      SealDbRow | undefined;
    return r ? sealFromRow(r) : undefined;
  }

  async last(site: string): Promise<SealRow | undefined> {
    const r = this.conn().prepare('SELECT * FROM seals WHERE site = ? ORDER BY day DESC LIMIT 1').get(site) as
      SealDbRow | undefined;
    return r ? sealFromRow(r) : undefined;
  }

  async first(site: string): Promise<SealRow | undefined> {
    const r = this.conn().prepare('SELECT * FROM seals WHERE site = ? ORDER BY day ASC LIMIT 1').get(site) as
      SealDbRow | undefined;
    return r ? sealFromRow(r) : undefined;
  }

  async range(site: string, fromDay: string, toDay: string): Promise<SealRow[]> {
    return (
      this.conn()
        .prepare('SELECT * FROM seals WHERE site = ? AND day >= ? AND day <= ? ORDER BY day')
        .all(site, fromDay, toDay) as SealDbRow[]
    ).map(sealFromRow);
  }

  /** Inserts a seal; an existing one is kept (first sealed value wins). Returns whether it went in. */
  async insert(s: NewSeal): Promise<boolean> {
    return (
      this.conn()
        .prepare(
          'INSERT OR IGNORE INTO seals (site, day, digest, rollup_digest, records_digest, records, audit_digest, audit_entries, chain, readings, alarms, sealed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          s.site,
          s.day,
          s.digest,
          s.rollupDigest ?? null,
          s.recordsDigest ?? null,
          s.records ?? null,
          s.auditDigest ?? null,
          s.auditEntries ?? null,
          s.chain,
          s.readings,
          s.alarms,
          s.sealedAt,
        ).changes > 0
    );
  }

  /** Records a differing recomputation of a sealed day beside its seal (the seal itself stays). */
  async noteLate(site: string, day: string, late: LateDigests, at: number): Promise<void> {
    this.conn()
      .prepare(
        'UPDATE seals SET late_digest = ?, late_rollup_digest = ?, late_records_digest = ?, late_audit_digest = ?, late_at = ? WHERE site = ? AND day = ?',
      )
      .run(late.digest, late.rollupDigest ?? null, late.recordsDigest ?? null, late.auditDigest ?? null, at, site, day);
  }
}
