// What a district server keeps of the day digests the halls publish (`${dataDir}/digests.db`): the
// first record of each site and day (a record is never replaced), the first public key each site
// signed with (trust on first use: a record signed with another key is refused), and every refused
// record that came for a day already published with another chain, the trace of a day rewritten
// at the hall after it was published.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { PublishedDigest } from '@hallmon/contract';
import { dayLinkText, keyIdOf, verifySignature } from './keys.ts';

export type Outcome = { ok: true; fresh: boolean } | { ok: false; reason: string; conflict: boolean };

export class DigestStore {
  private db: Database.Database | undefined;

  constructor(private readonly dataDir: string) {}

  open(): this {
    const db = new Database(join(this.dataDir, 'digests.db'));
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS digests (site TEXT NOT NULL, day TEXT NOT NULL, chain TEXT NOT NULL,
        record TEXT NOT NULL, received_at INTEGER NOT NULL, PRIMARY KEY (site, day)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS site_keys (site TEXT PRIMARY KEY, key_id TEXT NOT NULL, public_key TEXT NOT NULL,
        first_seen INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS conflicts (site TEXT NOT NULL, day TEXT NOT NULL, record TEXT NOT NULL,
        reason TEXT NOT NULL, received_at INTEGER NOT NULL);`);
    this.db = db;
    return this;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private get d(): Database.Database {
    if (!this.db) throw new Error('digests.db is not open: call open() first');
    return this.db;
  }

  /** Takes one record (already schema-checked): its signature, the site's key, then the day. */
  take(r: PublishedDigest, now: number): Outcome {
    if (keyIdOf(r.publicKey) !== r.keyId)
      return { ok: false, reason: 'keyId is not the id of publicKey', conflict: false };
    if (!verifySignature(r.publicKey, dayLinkText(r.site, r.day, r.chain), r.signature))
      return { ok: false, reason: 'the signature does not match the day link and the public key', conflict: false };
    const d = this.d;
    return d.transaction((): Outcome => {
      const pinned = d.prepare('SELECT key_id FROM site_keys WHERE site = ?').get(r.site) as
        { key_id: string } | undefined;
      if (!pinned)
        d.prepare('INSERT INTO site_keys (site, key_id, public_key, first_seen) VALUES (?, ?, ?, ?)').run(
          r.site,
          r.keyId,
          r.publicKey,
          now,
        );
      else if (pinned.key_id !== r.keyId) {
        const reason = `signed with key ${r.keyId}, but site ${r.site} signs with key ${pinned.key_id}`;
        this.conflict(r, reason, now);
        return { ok: false, reason, conflict: true };
      }
      const have = d.prepare('SELECT chain FROM digests WHERE site = ? AND day = ?').get(r.site, r.day) as
        { chain: string } | undefined;
      if (have && have.chain === r.chain) return { ok: true, fresh: false };
      if (have) {
        const reason = `${r.day} was published with chain ${have.chain.slice(0, 12)}…, this one has ${r.chain.slice(0, 12)}…`;
        this.conflict(r, reason, now);
        return { ok: false, reason, conflict: true };
      }
      d.prepare('INSERT INTO digests (site, day, chain, record, received_at) VALUES (?, ?, ?, ?, ?)').run(
        r.site,
        r.day,
        r.chain,
        JSON.stringify(r),
        now,
      );
      return { ok: true, fresh: true };
    })();
  }

  private conflict(r: PublishedDigest, reason: string, now: number): void {
    this.d
      .prepare('INSERT INTO conflicts (site, day, record, reason, received_at) VALUES (?, ?, ?, ?, ?)')
      .run(r.site, r.day, JSON.stringify(r), reason, now);
  }

  list(sites: readonly string[], fromDay: string, toDay: string): PublishedDigest[] {
    if (!sites.length) return [];
    const q = `SELECT record FROM digests WHERE site IN (${sites.map(() => '?').join(',')}) AND day >= ? AND day <= ? ORDER BY site, day`;
    return (this.d.prepare(q).all(...sites, fromDay, toDay) as Array<{ record: string }>).map(
      (x) => JSON.parse(x.record) as PublishedDigest,
    );
  }

  conflicts(
    sites: readonly string[],
    fromDay: string,
    toDay: string,
  ): Array<{ record: PublishedDigest; receivedAt: number; reason: string }> {
    if (!sites.length) return [];
    const q = `SELECT record, reason, received_at FROM conflicts WHERE site IN (${sites.map(() => '?').join(',')}) AND day >= ? AND day <= ? ORDER BY received_at`;
    return (
      this.d.prepare(q).all(...sites, fromDay, toDay) as Array<{ record: string; reason: string; received_at: number }>
    ).map((x) => ({ record: JSON.parse(x.record) as PublishedDigest, receivedAt: x.received_at, reason: x.reason }));
  }
}
