// Durable store-and-forward for the edge: every reading, event, alarm and status change is appended
// here before it counts as acknowledged, and leaves only when the server broker has PUBACKed it.
// One SQLite file (${dataDir}/outbox.db); a disk budget drops the oldest records and says so with
// one data_gap event, so a long outage loses data visibly, never silently.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, toIso, type DeviceEvent, type Migration } from '@hallmon/firmware-config';

export const STREAMS = ['telemetry', 'events', 'alarms', 'status'] as const;
export type Stream = (typeof STREAMS)[number];

/** What the agent hands in: `body` is the JSON text of one contract object (status: the payload). */
export interface OutboxInput {
  /** Sensor or device id (status: the device whose retained topic this is). */
  key: string;
  /** Event time, epoch ms. */
  ts: number;
  body: string;
}

export interface OutboxRecord extends OutboxInput {
  seq: number;
  stream: Stream;
}

export interface StreamStats {
  count: number;
  bytes: number;
}

export interface OutboxStats {
  streams: Record<Stream, StreamStats>;
  count: number;
  bytes: number;
  budgetBytes: number;
  /** Records deleted by the disk budget since this process opened the outbox. */
  dropped: number;
  /** data_gap events written since this process opened the outbox. */
  gaps: number;
}

export interface OutboxOptions {
  dataDir: string;
  /** Disk budget in MB (default 512). */
  maxMB?: number;
  /** Called once per budget overflow, after the data_gap event was appended. */
  onDrop?: (gap: DeviceEvent) => void;
}

/**
 * Accounting per record: the body and key plus what SQLite spends on a row and its index entry.
 * Deleted pages are reused by later inserts, so record bytes (not the file size, which never
 * shrinks without VACUUM) are what the budget has to bound.
 */
const ROW_OVERHEAD = 48;
const DROP_TARGET = 0.9;
const GAP_KEY = 'edge';

function emptyStats(): Record<Stream, StreamStats> {
  return {
    telemetry: { count: 0, bytes: 0 },
    events: { count: 0, bytes: 0 },
    alarms: { count: 0, bytes: 0 },
    status: { count: 0, bytes: 0 },
  };
}

/** outbox.db's migrations, oldest first; append, never edit one that has shipped. */
const OUTBOX_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'records waiting for the uplink',
    up: `CREATE TABLE IF NOT EXISTS records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        stream TEXT NOT NULL,
        key TEXT NOT NULL,
        ts INTEGER NOT NULL,
        body TEXT NOT NULL,
        bytes INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS records_stream_seq ON records (stream, seq);`,
  },
];

export class Outbox {
  private db: Database.Database | undefined;
  private stmts:
    | {
        insert: Database.Statement<[string, string, number, string, number], unknown>;
        peek: Database.Statement<[string, number, number], { seq: number; key: string; ts: number; body: string }>;
        del: Database.Statement<[number], { stream: Stream; bytes: number } | undefined>;
        oldest: Database.Statement<
          [number, number],
          { seq: number; stream: Stream; key: string; ts: number; bytes: number; body: string }
        >;
        delUpTo: Database.Statement<[number], unknown>;
      }
    | undefined;
  private readonly perStream = emptyStats();
  private total = 0;
  private dropped = 0;
  private gaps = 0;
  readonly budgetBytes: number;
  readonly file: string;

  constructor(private readonly opts: OutboxOptions) {
    this.budgetBytes = Math.floor((opts.maxMB ?? 512) * 1024 * 1024);
    this.file = join(opts.dataDir, 'outbox.db');
  }

  /** Opens (or creates) the database and loads the counts of what a previous run left behind. */
  open(): void {
    if (this.db) return;
    mkdirSync(this.opts.dataDir, { recursive: true });
    const db = new Database(this.file);
    // WAL + synchronous=NORMAL: a commit is in the WAL file (the OS page cache) when append()
    // returns, which survives kill -9 of this process; only a power cut can lose the last commits
    // (the database stays consistent either way). FULL would fsync every flush for no gain here.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    try {
      migrate(db, this.file, OUTBOX_MIGRATIONS);
    } catch (err) {
      db.close();
      throw err;
    }
    this.stmts = {
      insert: db.prepare('INSERT INTO records (stream, key, ts, body, bytes) VALUES (?, ?, ?, ?, ?)'),
      peek: db.prepare('SELECT seq, key, ts, body FROM records WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?'),
      del: db.prepare('DELETE FROM records WHERE seq = ? RETURNING stream, bytes'),
      oldest: db.prepare('SELECT seq, stream, key, ts, bytes, body FROM records WHERE seq > ? ORDER BY seq LIMIT ?'),
      delUpTo: db.prepare('DELETE FROM records WHERE seq <= ?'),
    };
    this.db = db;
    const rows = db
      .prepare('SELECT stream, COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM records GROUP BY stream')
      .all() as {
      stream: string;
      n: number;
      b: number;
    }[];
    for (const r of rows) {
      if (!(STREAMS as readonly string[]).includes(r.stream)) continue;
      this.perStream[r.stream as Stream] = { count: r.n, bytes: r.b };
      this.total += r.b;
    }
  }

  close(): void {
    if (!this.db) return;
    this.db.close();
    this.db = undefined;
    this.stmts = undefined;
  }

  get isOpen(): boolean {
    return this.db !== undefined;
  }

  private need() {
    if (!this.db || !this.stmts) throw new Error('outbox is not open (call open() first)');
    return { db: this.db, s: this.stmts };
  }

  /** Appends records of one stream in one transaction; they are durable when this returns. */
  append(stream: Stream, records: readonly OutboxInput[]): void {
    this.appendMixed(records.map((r) => ({ stream, ...r })));
  }

  /** Appends records of several streams in one transaction, keeping their order. */
  appendMixed(records: readonly (OutboxInput & { stream: Stream })[]): void {
    if (!records.length) return;
    const { db, s } = this.need();
    db.transaction(() => {
      for (const r of records) {
        const bytes = Buffer.byteLength(r.body) + r.key.length + ROW_OVERHEAD;
        s.insert.run(r.stream, r.key, Math.trunc(r.ts), r.body, bytes);
        const st = this.perStream[r.stream];
        st.count++;
        st.bytes += bytes;
        this.total += bytes;
      }
    })();
    if (this.total > this.budgetBytes) this.enforceBudget();
  }

  /** Up to `max` records of a stream, oldest first, with seq greater than `afterSeq`. */
  peek(stream: Stream, max: number, afterSeq = 0): OutboxRecord[] {
    const { s } = this.need();
    return s.peek.all(stream, afterSeq, max).map((r) => ({ ...r, stream }));
  }

  /** Removes forwarded records; seqs already gone (a duplicate PUBACK, a budget drop) are ignored. */
  remove(seqs: readonly number[]): number {
    if (!seqs.length) return 0;
    const { db, s } = this.need();
    let n = 0;
    db.transaction(() => {
      for (const seq of seqs) {
        const row = s.del.get(seq);
        if (!row) continue;
        n++;
        const st = this.perStream[row.stream];
        if (st) {
          st.count--;
          st.bytes -= row.bytes;
        }
        this.total -= row.bytes;
      }
    })();
    return n;
  }

  /** Event time of the oldest record waiting (epoch ms), or null when the outbox is empty. */
  oldestTs(): number | null {
    const { db } = this.need();
    const row = db.prepare('SELECT ts FROM records ORDER BY seq LIMIT 1').get() as { ts: number } | undefined;
    return row ? row.ts : null;
  }

  stats(): OutboxStats {
    const streams = emptyStats();
    let count = 0;
    for (const k of STREAMS) {
      streams[k] = { ...this.perStream[k] };
      count += streams[k].count;
    }
    return { streams, count, bytes: this.total, budgetBytes: this.budgetBytes, dropped: this.dropped, gaps: this.gaps };
  }

  /**
   * Over budget: delete the oldest records of all streams (oldest seq first) down to 90 % of the
   * budget and append one data_gap event covering the event-time span and count dropped. Earlier
   * data_gap events among the dropped records are folded into the new one, so no loss goes unreported.
   */
  private enforceBudget(): void {
    const { db, s } = this.need();
    const target = this.budgetBytes * DROP_TARGET;
    let start = Infinity;
    let end = -Infinity;
    let count = 0;
    let records = 0;
    let freed = 0;
    let lastSeq = 0;
    const byStream = emptyStats();
    scan: for (;;) {
      const rows = s.oldest.all(lastSeq, 1000);
      if (!rows.length) break;
      for (const r of rows) {
        lastSeq = r.seq;
        freed += r.bytes;
        byStream[r.stream].count++;
        byStream[r.stream].bytes += r.bytes;
        const folded = r.stream === 'events' && r.key === GAP_KEY ? previousGap(r.body) : undefined;
        if (folded) {
          start = Math.min(start, folded.start);
          end = Math.max(end, folded.end);
          count += folded.count;
        } else {
          start = Math.min(start, r.ts);
          end = Math.max(end, r.ts);
          count++;
          records++;
        }
        if (this.total - freed <= target) break scan;
      }
    }
    if (!lastSeq) return;
    const gap: DeviceEvent = {
      device: GAP_KEY,
      type: 'data_gap',
      ts: toIso(Date.now()),
      start: toIso(start),
      end: toIso(end),
      count,
      detail: `edge outbox over its disk budget of ${Math.round(this.budgetBytes / 1048576)} MB (outboxMaxMB): the oldest buffered records were deleted while the uplink could not forward them`,
    };
    const body = JSON.stringify(gap);
    const gapBytes = Buffer.byteLength(body) + GAP_KEY.length + ROW_OVERHEAD;
    db.transaction(() => {
      s.delUpTo.run(lastSeq);
      s.insert.run('events', GAP_KEY, Date.now(), body, gapBytes);
    })();
    for (const k of STREAMS) {
      this.perStream[k].count -= byStream[k].count;
      this.perStream[k].bytes -= byStream[k].bytes;
    }
    this.perStream.events.count++;
    this.perStream.events.bytes += gapBytes;
    this.total += gapBytes - freed;
    this.dropped += records;
    this.gaps++;
    this.opts.onDrop?.(gap);
  }
}

/** The span and count of a data_gap event body, or undefined when the body is another event. */
function previousGap(body: string): { start: number; end: number; count: number } | undefined {
  try {
    const e = JSON.parse(body) as Partial<DeviceEvent>;
    if (e.type !== 'data_gap' || typeof e.start !== 'string' || typeof e.end !== 'string') return undefined;
    const start = Date.parse(e.start);
    const end = Date.parse(e.end);
    if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
    return { start, end, count: typeof e.count === 'number' ? e.count : 0 };
  } catch {
    return undefined;
  }
}
