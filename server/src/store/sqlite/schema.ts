// DDL of the embedded SQLite store, kept apart from the code that queries it so the layout can be
// read in one place. Raw readings and rollups are WITHOUT ROWID tables keyed by (series, time): the
// key is the idempotency guarantee (INSERT OR IGNORE) and the only index range reads need.
// Timestamps are epoch ms (UTC); quality is a small integer (index into QUALITIES) to keep rows short.
// The layout changes only through STORE_MIGRATIONS (firmware-config sqlite-migrate.ts), at the end.
import type { Migration } from '@hallmon/firmware-config';

const rollupTable = (step: string) => `
CREATE TABLE IF NOT EXISTS rollup_${step} (
  series_id INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  count     INTEGER NOT NULL,
  min       REAL NOT NULL,
  max       REAL NOT NULL,
  sum       REAL NOT NULL,
  energy    REAL,            -- noise only: Σ dur·10^(L/10)
  dur_sum   REAL,            -- noise only: Σ dur (s)
  PRIMARY KEY (series_id, bucket_ts)
) WITHOUT ROWID;`;

export const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS series (
  id     INTEGER PRIMARY KEY,
  site   TEXT NOT NULL,
  sensor TEXT NOT NULL,
  metric TEXT NOT NULL,
  n      INTEGER NOT NULL DEFAULT 0,   -- raw rows stored, kept in step with inserts and prunes
  UNIQUE (site, sensor, metric)
);

CREATE TABLE IF NOT EXISTS readings (
  series_id INTEGER NOT NULL,
  ts        INTEGER NOT NULL,
  value     REAL NOT NULL,
  quality   INTEGER NOT NULL,
  dur       REAL,
  PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;

${rollupTable('1m')}
${rollupTable('1h')}
${rollupTable('1d')}

-- Noise level histogram per minute: seconds spent in each 0.5 dB bin (bin = round(L / 0.5)).
CREATE TABLE IF NOT EXISTS noise_hist_1m (
  series_id INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  bin       INTEGER NOT NULL,
  seconds   REAL NOT NULL,
  PRIMARY KEY (series_id, bucket_ts, bin)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS events (
  site   TEXT NOT NULL,
  device TEXT NOT NULL,
  type   TEXT NOT NULL,
  ts     INTEGER NOT NULL,
  score  INTEGER,
  win    TEXT,
  ticket TEXT,
  fault  TEXT,
  count  INTEGER,
  start  INTEGER,
  "end"  INTEGER,
  detail TEXT,
  PRIMARY KEY (site, ts, device, type)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS alarms (
  id         TEXT PRIMARY KEY,
  site       TEXT NOT NULL,
  clause     TEXT NOT NULL,
  rule       TEXT NOT NULL,
  sensor     TEXT NOT NULL,
  severity   TEXT NOT NULL,
  state      TEXT NOT NULL,
  ts         INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  cleared_at INTEGER,
  peak       REAL,
  lim        REAL,
  message    TEXT,
  acked_by   TEXT,
  acked_at   INTEGER,
  ack_note   TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alarms_site_started ON alarms (site, started_at);

CREATE TABLE IF NOT EXISTS status (
  site   TEXT NOT NULL,
  device TEXT NOT NULL,
  ts     INTEGER NOT NULL,
  status TEXT NOT NULL,
  PRIMARY KEY (site, ts, device)
) WITHOUT ROWID;
`;

/** hallmon.db's migrations, oldest first; append, never edit one that has shipped. */
export const STORE_MIGRATIONS: Migration[] = [
  { version: 1, name: 'readings, rollups, events, alarms, status', up: DDL },
];
