// Duty leases of a server group in PostgreSQL: one row per site (and `*` for server-wide duties)
// naming the server that does its duties until an expiry on the database's clock. Every server
// heart-beats its row in `members` and, every third of the lease time, renews its leases, takes free
// or expired ones up to its fair share (sites / live servers, so duties spread over the group) and
// hands back what it holds beyond that share. A server that dies stops renewing: its leases expire
// and others take them within one lease time and one round. A server that cannot reach the database
// stops doing duties once its own leases may have expired, so two servers never act as owner at once.
import { hostname } from 'node:os';
import type { Logger } from '@hallmon/firmware-config';
import type { DutyLeases } from '../state.ts';
import { NOW_MS } from './now.ts';
import type { Pool } from './pool.ts';

export const DEFAULT_LEASE_TTL_MS = 9_000;

export class PgLeases implements DutyLeases {
  private held = new Set<string>();
  /** Local time until which the leases held are surely still ours. */
  private validUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private readonly listeners: ((gained: string[], lost: string[]) => void)[] = [];
  private readonly ttlMs: number;
  private stopped = false;

  constructor(
    private readonly pool: Pool,
    readonly me: string,
    private sites: readonly string[],
    private readonly log: Logger,
    ttlMs = DEFAULT_LEASE_TTL_MS,
  ) {
    this.ttlMs = Math.max(1_500, ttlMs);
  }

  /** A site added to the configuration is leased from the next round; a removed one handed back. */
  setSites(sites: readonly string[]): void {
    this.sites = [...sites];
  }

  owns(site: string): boolean {
    return this.held.has(site) && Date.now() < this.validUntil;
  }

  owned(): string[] {
    return Date.now() < this.validUntil ? [...this.held] : [];
  }

  onChange(fn: (gained: string[], lost: string[]) => void): void {
    this.listeners.push(fn);
  }

  /**
   * Members silent for a lease time beyond their heartbeat's expiry: a server stalled for a moment
   * (a busy machine) is not mistaken for a dead one, whose broker session would be taken from it.
   */
  async dead(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM members WHERE alive_until < ${NOW_MS} - $2 AND id <> $1 ORDER BY alive_until`,
      [this.me, this.ttlMs],
    );
    return rows.map((r) => r.id);
  }

  async lapsed(): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM members WHERE alive_until < ${NOW_MS} AND id <> $1 ORDER BY alive_until`,
      [this.me],
    );
    return rows.map((r) => r.id);
  }

  async forget(member: string): Promise<void> {
    await this.pool.query('DELETE FROM members WHERE id = $1 AND alive_until < ' + NOW_MS, [member]);
  }

  async start(): Promise<void> {
    await this.pool.query(
      `INSERT INTO members (id, host, started_at, alive_until) VALUES ($1, $2, ${NOW_MS}, ${NOW_MS} + $3)
       ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until`,
      [this.me, hostname(), this.ttlMs],
    );
    await this.tick();
    this.timer = setInterval(() => void this.tick(), Math.floor(this.ttlMs / 3));
    this.timer.unref();
  }

  /** One round: heartbeat, renew, take a fair share, hand back the surplus. Public for tests. */
  tick(): Promise<void> {
    this.round ??= this.renew().finally(() => (this.round = undefined));
    return this.round;
  }

  private async renew(): Promise<void> {
    if (this.stopped) return;
    const started = Date.now();
    const before = new Set(this.owned());
    try {
      // An upsert: a server whose row was removed while it stalled (taken for dead) is back at once.
      await this.pool.query(
        `INSERT INTO members (id, host, started_at, alive_until) VALUES ($1, $3, ${NOW_MS}, ${NOW_MS} + $2)
         ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until`,
        [this.me, this.ttlMs, hostname()],
      );
      const { rows: alive } = await this.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM members WHERE alive_until > ${NOW_MS}`,
      );
      const members = Math.max(1, alive[0]?.n ?? 1);
      const { rows: mine } = await this.pool.query<{ site: string }>(
        `UPDATE leases SET until = ${NOW_MS} + $2 WHERE owner = $1 AND site = ANY($3::text[]) AND until > ${NOW_MS} RETURNING site`,
        [this.me, this.ttlMs, [...this.sites]],
      );
      const held = new Set(mine.map((r) => r.site));
      const share = Math.ceil(this.sites.length / members);
      for (const site of shuffled(this.sites.filter((s) => !held.has(s)))) {
        if (held.size >= share) break;
        const { rowCount } = await this.pool.query(
          `INSERT INTO leases (site, owner, since, until) VALUES ($1, $2, ${NOW_MS}, ${NOW_MS} + $3)
           ON CONFLICT (site) DO UPDATE SET owner = excluded.owner, since = excluded.since, until = excluded.until
           WHERE leases.until <= ${NOW_MS}`,
          [site, this.me, this.ttlMs],
        );
        if (rowCount) held.add(site);
      }
      // More than a fair share while others are alive: hand the surplus back for them to take.
      for (const site of [...held].slice(share)) {
        held.delete(site);
        this.held.delete(site); // stop acting as its owner before another server may take it
        await this.pool.query('DELETE FROM leases WHERE site = $1 AND owner = $2', [site, this.me]);
      }
      this.held = held;
      this.validUntil = started + this.ttlMs - 500;
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message },
        'cannot renew duty leases in the state database; duties stop here when the leases run out',
      );
    }
    this.announce(before);
  }

  private announce(before: Set<string>): void {
    const now = new Set(this.owned());
    const gained = [...now].filter((s) => !before.has(s));
    const lost = [...before].filter((s) => !now.has(s));
    if (!gained.length && !lost.length) return;
    this.log.info({ gained, lost, owned: now.size }, 'duty leases changed');
    for (const fn of this.listeners) {
      try {
        fn(gained, lost);
      } catch (err) {
        this.log.error({ err: (err as Error).message }, 'a duty handover failed');
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
    const before = new Set(this.owned());
    this.held = new Set();
    this.announce(before);
    // Handing back at once lets the others take over without waiting for the leases to expire.
    await this.pool.query('DELETE FROM leases WHERE owner = $1', [this.me]).catch(() => undefined);
    // The member row stays, expired: the server that takes over our broker session forgets it.
    await this.pool
      .query(`UPDATE members SET alive_until = ${NOW_MS} - 1 WHERE id = $1`, [this.me])
      .catch(() => undefined);
  }
}

function shuffled<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
