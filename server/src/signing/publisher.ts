// Publishes each sealed day outside the hall's data folder (docs/evidence.md "Signatures and
// published digests"): every minute it signs, with the site's Ed25519 key, the chain link of each
// day sealed since (the state backend's seals, whatever sealed them: the server, a pack, the
// backfill), keeps the signed record in `${dataDir}/published.db`, and posts the records to every
// target (a district server's POST /api/digests, or any receiver of the same JSON) until each
// answers 2xx: at least once, batches of up to 100, retried with a growing pause. A target that
// refuses a day as conflicting (409) is told no more about it: that refusal is the alarm, and it
// is logged. In a server group only the owner of the server-wide duties publishes (docs/cluster.md).
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { nextDay, type Logger, type SiteConfig } from '@hallmon/firmware-config';
import type { PublishedDigest } from '@hallmon/contract';
import type { SealRow } from '../seal/seal-store.ts';
import type { SealState } from '../state/state.ts';
import { safeUrl } from '../notify/safe-url.ts';
import { dayLinkText, type SigningKeys } from './keys.ts';
import type { Migration } from '@hallmon/firmware-config';
import { openMigrated } from '../util/sqlite-open.ts';

export interface PublisherOptions {
  dataDir: string;
  sites: ReadonlyMap<string, SiteConfig>;
  seals: Pick<SealState, 'first' | 'range'>;
  keys: SigningKeys;
  /** Whether this server publishes now (in a group, the owner of the server-wide duties); default always. */
  owns?: () => boolean;
  /** Where the records go (absolute http(s) URLs); none: they are only signed and kept. */
  targets: readonly string[];
  log: Logger;
  now?: () => number;
  everyMs?: number;
}

const BATCH = 100;
const TIMEOUT_MS = 10_000;

/** The record of a sealed day, signed by its site's key. */
export function signedRecord(s: SealRow, keys: SigningKeys): PublishedDigest {
  const k = keys.forSite(s.site);
  return {
    format: 'hallmon-day-digest/1',
    site: s.site,
    day: s.day,
    digest: s.digest,
    rollupDigest: s.rollupDigest,
    recordsDigest: s.recordsDigest,
    auditDigest: s.auditDigest,
    chain: s.chain,
    sealedAt: new Date(s.sealedAt).toISOString(),
    keyId: k.keyId,
    publicKey: k.publicKey,
    signature: k.sign(dayLinkText(s.site, s.day, s.chain)),
  };
}

/** published.db's migrations, oldest first; append, never edit one that has shipped. */
const PUBLISHED_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'signed days and their deliveries',
    up: `CREATE TABLE IF NOT EXISTS signed (site TEXT NOT NULL, day TEXT NOT NULL, record TEXT NOT NULL,
        signed_at INTEGER NOT NULL, PRIMARY KEY (site, day)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS sent (site TEXT NOT NULL, day TEXT NOT NULL, target TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL DEFAULT 0,
        last_error TEXT, delivered_at INTEGER, PRIMARY KEY (site, day, target)) WITHOUT ROWID;`,
  },
];
export class DigestPublisher {
  private db: Database.Database | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly o: PublisherOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    const db = openMigrated(join(this.o.dataDir, 'published.db'), PUBLISHED_MIGRATIONS);
    this.db = db;
    void this.pass();
    this.timer = setInterval(() => void this.pass(), this.o.everyMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.db?.close();
    this.db = undefined;
  }

  /** One pass now: sign the newly sealed days, post what is due (tests call it). */
  pass(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The signed records of a site, oldest first (the verify tests read them). */
  records(site: string): PublishedDigest[] {
    return (
      this.d.prepare('SELECT record FROM signed WHERE site = ? ORDER BY day').all(site) as Array<{ record: string }>
    ).map((r) => JSON.parse(r.record) as PublishedDigest);
  }

  /** Delivery state per target of a site's days. */
  deliveries(site: string): Array<{ day: string; target: string; status: string; attempts: number }> {
    return (
      this.d
        .prepare('SELECT day, target, status, attempts FROM sent WHERE site = ? ORDER BY day, target')
        .all(site) as Array<{ day: string; target: string; status: string; attempts: number }>
    ).map((r) => ({ ...r, target: safeUrl(r.target) }));
  }

  private get d(): Database.Database {
    if (!this.db) throw new Error('published.db is not open: call start() first');
    return this.db;
  }

  private async run(): Promise<void> {
    if (this.o.owns && !this.o.owns()) return;
    try {
      await this.signNew();
      for (const target of this.o.targets) await this.send(target);
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'publishing day digests failed; the next pass tries again');
    }
  }

  private async signNew(): Promise<void> {
    const d = this.d;
    const now = this.now();
    for (const site of this.o.sites.keys()) {
      const last = d.prepare('SELECT MAX(day) AS day FROM signed WHERE site = ?').get(site) as { day: string | null };
      const from = last.day ? nextDay(last.day) : ((await this.o.seals.first(site))?.day ?? null);
      if (from === null) continue;
      const fresh = await this.o.seals.range(site, from, '9999-12-31');
      if (!fresh.length) continue;
      d.transaction(() => {
        for (const s of fresh) {
          d.prepare('INSERT OR IGNORE INTO signed (site, day, record, signed_at) VALUES (?, ?, ?, ?)').run(
            site,
            s.day,
            JSON.stringify(signedRecord(s, this.o.keys)),
            now,
          );
          for (const t of this.o.targets)
            d.prepare("INSERT OR IGNORE INTO sent (site, day, target, status) VALUES (?, ?, ?, 'pending')").run(
              site,
              s.day,
              t,
            );
        }
      })();
      this.o.log.info({ site, days: fresh.length, last: fresh.at(-1)!.day }, 'signed the day links of sealed days');
    }
  }

  private async send(target: string): Promise<void> {
    const d = this.d;
    const now = this.now();
    const due = d
      .prepare(
        `SELECT s.site, s.day, s.attempts, g.record FROM sent s JOIN signed g ON g.site = s.site AND g.day = s.day
         WHERE s.target = ? AND s.status = 'pending' AND s.next_at <= ? ORDER BY s.site, s.day LIMIT ?`,
      )
      .all(target, now, BATCH) as Array<{ site: string; day: string; attempts: number; record: string }>;
    if (!due.length) return;
    const shown = safeUrl(target);
    let status = 0;
    let answer = '';
    let refused = new Set<string>();
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'hallmon-digests/1' },
        body: `[${due.map((r) => r.record).join(',')}]`,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
      status = res.status;
      const text = await res.text();
      answer = text.slice(0, 500);
      if (status >= 200 && status < 300) refused = refusedDays(text);
    } catch (err) {
      answer = (err as Error).message;
    }
    const mark = d.prepare(
      'UPDATE sent SET status = ?, attempts = attempts + 1, next_at = ?, last_error = ?, delivered_at = ? WHERE site = ? AND day = ? AND target = ?',
    );
    d.transaction(() => {
      for (const r of due) {
        if (status >= 200 && status < 300 && refused.has(`${r.site}|${r.day}`))
          mark.run('refused', 0, 'refused by the receiver', null, r.site, r.day, target);
        else if (status >= 200 && status < 300) mark.run('delivered', 0, null, now, r.site, r.day, target);
        else if (status === 409) mark.run('refused', 0, answer, null, r.site, r.day, target);
        else {
          // 1 min, 2, 4, … up to an hour between tries.
          const wait = Math.min(3_600_000, 60_000 * 2 ** Math.min(6, r.attempts));
          mark.run('pending', now + wait, answer || `HTTP ${status}`, null, r.site, r.day, target);
        }
      }
    })();
    if (status >= 200 && status < 300)
      this.o.log.info({ target: shown, days: due.length - refused.size }, 'published day digests delivered');
    if (status === 409 || refused.size)
      this.o.log.error(
        { target: shown, answer },
        'the digest receiver refused days that differ from what was published before: a local day was rewritten, check the seals and run hallmon evidence verify --published',
      );
    else if (!(status >= 200 && status < 300))
      this.o.log.warn(
        { target: shown, status, answer },
        'publishing day digests failed; they stay queued and are sent again (check the target URL)',
      );
    if (due.length === BATCH && status >= 200 && status < 300) await this.send(target);
  }
}

/** The days a 2xx answer lists as refused (`refused: [{site, day}]`; a plain receiver lists none). */
function refusedDays(text: string): Set<string> {
  try {
    const j = JSON.parse(text) as { refused?: Array<{ site?: unknown; day?: unknown }> };
    return new Set((j.refused ?? []).map((r) => `${String(r.site)}|${String(r.day)}`));
  } catch {
    return new Set();
  }
}
