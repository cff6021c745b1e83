// The PostgreSQL state schema as numbered migrations: applied in order, forward only, each in its
// own transaction and recorded in hallmon_migrations (version, name, applied_at). Servers of a group
// start at once without racing: the migrating one holds a transaction-level advisory lock. A
// database migrated by a newer hallmon than this one is refused (this server would not know its
// tables). A change to the schema is a new entry at the end, never an edit of an applied one.
import type { Pool } from './pool.ts';
import { inTransaction } from './pool.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, audit trail, seals, follow-ups, notifications, self-tests',
    sql: `
CREATE TABLE users (
  username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL,
  sites TEXT NOT NULL DEFAULT '*', name TEXT, expires BIGINT, disabled INTEGER NOT NULL DEFAULT 0,
  token_version INTEGER NOT NULL DEFAULT 0, password_changed_at BIGINT, last_login_at BIGINT);
CREATE TABLE revoked_tokens (jti TEXT PRIMARY KEY, exp BIGINT NOT NULL);
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY, ts BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, site TEXT,
  target TEXT, ip TEXT, ok INTEGER NOT NULL, detail TEXT NOT NULL);
CREATE INDEX audit_ts ON audit (ts);
CREATE INDEX audit_site_ts ON audit (site, ts);
CREATE TABLE seals (
  site TEXT NOT NULL, day TEXT NOT NULL, digest TEXT NOT NULL, chain TEXT NOT NULL, readings BIGINT NOT NULL,
  alarms BIGINT NOT NULL, sealed_at BIGINT NOT NULL, late_digest TEXT, late_at BIGINT, rollup_digest TEXT,
  late_rollup_digest TEXT, records_digest TEXT, records BIGINT, late_records_digest TEXT, audit_digest TEXT,
  audit_entries BIGINT, late_audit_digest TEXT, PRIMARY KEY (site, day));
CREATE TABLE followups (
  id TEXT PRIMARY KEY, site TEXT NOT NULL, device TEXT NOT NULL, "window" TEXT, score INTEGER NOT NULL,
  rated_at BIGINT NOT NULL, response_due BIGINT NOT NULL, simple_due BIGINT NOT NULL, complex_due BIGINT NOT NULL,
  complex INTEGER NOT NULL DEFAULT 0, complex_at BIGINT, complex_by TEXT, responded_at BIGINT, responded_by TEXT,
  resolved_at BIGINT, resolved_by TEXT, note TEXT, response_raised BIGINT, response_cleared BIGINT,
  simple_raised BIGINT, simple_cleared BIGINT, complex_raised BIGINT, complex_cleared BIGINT);
CREATE INDEX followups_site ON followups (site, rated_at);
CREATE INDEX followups_open ON followups (resolved_at);
CREATE TABLE notifications (
  id BIGSERIAL PRIMARY KEY, alarm_id TEXT NOT NULL, site TEXT NOT NULL, route_id TEXT NOT NULL, url TEXT NOT NULL,
  event TEXT NOT NULL, reminder INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL, created_at BIGINT NOT NULL,
  delivered_at BIGINT, last_error TEXT, attempts TEXT NOT NULL DEFAULT '[]');
CREATE INDEX notifications_alarm ON notifications (alarm_id, event);
CREATE INDEX notifications_site ON notifications (site, created_at);
CREATE TABLE selftests (
  id TEXT PRIMARY KEY, site TEXT NOT NULL, trigger TEXT NOT NULL, "user" TEXT, started_at BIGINT NOT NULL,
  finished_at BIGINT, ok INTEGER NOT NULL, record TEXT NOT NULL);
CREATE INDEX selftests_site ON selftests (site, started_at);`,
  },
  {
    version: 2,
    name: 'alarms and their notices, rule state, token secret',
    sql: `
CREATE TABLE alarms (
  id TEXT PRIMARY KEY, site TEXT NOT NULL, clause TEXT NOT NULL, rule TEXT NOT NULL, sensor TEXT NOT NULL,
  severity TEXT NOT NULL, state TEXT NOT NULL, ts BIGINT NOT NULL, started_at BIGINT NOT NULL, cleared_at BIGINT,
  peak DOUBLE PRECISION, lim DOUBLE PRECISION, message TEXT, acked_by TEXT, acked_at BIGINT, ack_note TEXT);
CREATE INDEX alarms_site_started ON alarms (site, started_at);
CREATE INDEX alarms_raised ON alarms (state) WHERE state = 'raised';
CREATE TABLE alarm_notices (
  alarm_id TEXT NOT NULL, event TEXT NOT NULL, site TEXT NOT NULL, created_at BIGINT NOT NULL,
  claimed_by TEXT, claimed_at BIGINT, done_at BIGINT, PRIMARY KEY (alarm_id, event));
CREATE INDEX alarm_notices_open ON alarm_notices (site) WHERE done_at IS NULL;
CREATE TABLE rule_state (site TEXT PRIMARY KEY, snapshot TEXT NOT NULL, saved_at BIGINT NOT NULL);
CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);`,
  },
  {
    version: 3,
    name: 'server group: members, duty leases, live-push attachments',
    sql: `
CREATE TABLE members (id TEXT PRIMARY KEY, host TEXT NOT NULL, started_at BIGINT NOT NULL, alive_until BIGINT NOT NULL);
CREATE TABLE leases (site TEXT PRIMARY KEY, owner TEXT NOT NULL, since BIGINT NOT NULL, until BIGINT NOT NULL);
CREATE TABLE socket_io_attachments (id BIGSERIAL UNIQUE, created_at TIMESTAMPTZ DEFAULT now(), payload BYTEA);`,
  },
  {
    version: 4,
    name: 'follow-up callbacks and real-name tickets, escalation levels of notifications',
    sql: `
ALTER TABLE followups ADD COLUMN ticket TEXT;
CREATE TABLE callbacks (
  followup_id TEXT NOT NULL, at BIGINT NOT NULL, "by" TEXT NOT NULL, outcome TEXT NOT NULL, satisfied INTEGER,
  note TEXT, recorded_at BIGINT NOT NULL, PRIMARY KEY (followup_id, at, "by"));
ALTER TABLE notifications ADD COLUMN level INTEGER NOT NULL DEFAULT 1;`,
  },
  {
    version: 5,
    name: 'site configuration: versions, MQTT credentials, edge states, file imports, change clock',
    sql: `
CREATE TABLE site_versions (
  site TEXT NOT NULL, version INTEGER NOT NULL, ts BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  note TEXT, summary TEXT NOT NULL, previous INTEGER, deleted INTEGER NOT NULL DEFAULT 0, config TEXT NOT NULL,
  PRIMARY KEY (site, version));
CREATE TABLE credentials (
  id TEXT PRIMARY KEY, site TEXT NOT NULL, device TEXT, username TEXT NOT NULL, password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL, created_by TEXT NOT NULL, note TEXT, revoked_at BIGINT, revoked_by TEXT);
CREATE UNIQUE INDEX credentials_active_gateway ON credentials (username) WHERE device IS NULL AND revoked_at IS NULL;
CREATE TABLE edge_state (site TEXT PRIMARY KEY, state TEXT NOT NULL, seen_at BIGINT NOT NULL);
CREATE TABLE file_imports (file TEXT PRIMARY KEY, sha256 TEXT NOT NULL, at BIGINT NOT NULL);
CREATE TABLE config_clock (id INTEGER PRIMARY KEY, n BIGINT NOT NULL);
INSERT INTO config_clock (id, n) VALUES (1, 0);`,
  },
  {
    version: 6,
    name: 'the machine-room entry register (visits)',
    sql: `
CREATE TABLE visits (
  id TEXT PRIMARY KEY, site TEXT NOT NULL, zone TEXT NOT NULL, visitor TEXT NOT NULL, organisation TEXT NOT NULL,
  reason TEXT NOT NULL, escort TEXT NOT NULL, in_at BIGINT NOT NULL, out_at BIGINT, created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL, closed_by TEXT);
CREATE INDEX visits_site ON visits (site, in_at);`,
  },
];

/** Applies what is missing; answers the versions applied now. */
export async function migrate(pool: Pool, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return inTransaction(pool, async (c) => {
    await c.query(`SELECT pg_advisory_xact_lock(hashtext('hallmon-migrations'))`);
    await c.query(`CREATE TABLE IF NOT EXISTS hallmon_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
    const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM hallmon_migrations');
    const have = rows[0]?.v ?? 0;
    const known = migrations.at(-1)?.version ?? 0;
    if (have > known)
      throw new Error(
        `the --state database has schema version ${have}, newer than this hallmon knows (${known}): run the newer hallmon, or restore a backup`,
      );
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= have) continue;
      await c.query(m.sql);
      await c.query('INSERT INTO hallmon_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
