// Slows password guessing three ways (fixed windows in memory, enough for one server process):
//   - one (client address, username) pair: `pair` attempts a minute, what a mistyping person meets;
//   - one address across usernames: `perAddress` failures in 15 minutes (password spraying);
//   - one username across addresses: `perUser` failures in 15 minutes (a botnet on one account).
// Over any limit the API answers 429 with Retry-After. A success clears the pair and the username
// counts, never the address count, so one known account cannot launder a spraying address.
export interface LoginLimits {
  pair: number;
  pairWindowMs: number;
  perAddress: number;
  perUser: number;
  wideWindowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  pair: 10,
  pairWindowMs: 60_000,
  perAddress: 30,
  perUser: 20,
  wideWindowMs: 15 * 60_000,
};

class Window {
  private readonly hits = new Map<string, { start: number; n: number }>();

  constructor(
    private readonly max: number,
    private readonly ms: number,
  ) {}

  /** Seconds until `key` may try again (0: it may now). */
  wait(key: string, now: number): number {
    const h = this.hits.get(key);
    if (!h || now - h.start >= this.ms || h.n < this.max) return 0;
    return Math.max(1, Math.ceil((h.start + this.ms - now) / 1000));
  }

  count(key: string, now: number): void {
    let h = this.hits.get(key);
    if (!h || now - h.start >= this.ms) {
      h = { start: now, n: 0 };
      this.hits.set(key, h);
    }
    h.n++;
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (now - v.start >= this.ms) this.hits.delete(k);
  }

  clear(key: string): void {
    this.hits.delete(key);
  }
}

export class LoginLimiter {
  private readonly pair: Window;
  private readonly address: Window;
  private readonly user: Window;

  constructor(limits: Partial<LoginLimits> = {}) {
    const l = { ...DEFAULT_LOGIN_LIMITS, ...limits };
    this.pair = new Window(l.pair, l.pairWindowMs);
    this.address = new Window(l.perAddress, l.wideWindowMs);
    this.user = new Window(l.perUser, l.wideWindowMs);
  }

  /**
   * Counts an attempt of the pair; returns seconds to wait when any limit is reached (the attempt
   * must then not be checked), else 0 and which limit applied.
   */
  attempt(ip: string, username: string, now = Date.now()): { wait: number; limit?: 'pair' | 'address' | 'user' } {
    const key = pairKey(ip, username);
    const waits = [
      { wait: this.pair.wait(key, now), limit: 'pair' as const },
      { wait: this.address.wait(ip, now), limit: 'address' as const },
      { wait: this.user.wait(username, now), limit: 'user' as const },
    ].filter((w) => w.wait > 0);
    if (waits.length) return waits.reduce((a, b) => (b.wait > a.wait ? b : a));
    this.pair.count(key, now);
    return { wait: 0 };
  }

  /** A wrong password: counts against the address and the username. */
  failed(ip: string, username: string, now = Date.now()): void {
    this.address.count(ip, now);
    this.user.count(username, now);
  }

  /** A successful login starts the pair's and the username's counts afresh. */
  reset(ip: string, username: string): void {
    this.pair.clear(pairKey(ip, username));
    this.user.clear(username);
  }
}

const pairKey = (ip: string, username: string) => `${ip}\u0000${username}`;
