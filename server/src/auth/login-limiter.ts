// Slows password guessing: at most `max` login attempts per window for one (client IP, username)
// pair; the API answers 429 after that. A fixed window in memory is enough for one server process.
export class LoginLimiter {
  private readonly hits = new Map<string, { start: number; n: number }>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts an attempt; returns seconds to wait when over the limit, else 0. */
  attempt(ip: string, username: string, now = Date.now()): number {
    const key = `${ip}\u0000${username}`;
    let h = this.hits.get(key);
    if (!h || now - h.start >= this.windowMs) {
      h = { start: now, n: 0 };
      this.hits.set(key, h);
    }
    h.n++;
    if (this.hits.size > 10_000) this.sweep(now);
    return h.n > this.max ? Math.ceil((h.start + this.windowMs - now) / 1000) : 0;
  }

  /** A successful login starts the count afresh. */
  reset(ip: string, username: string): void {
    this.hits.delete(`${ip}\u0000${username}`);
  }

  private sweep(now: number): void {
    for (const [k, h] of this.hits) if (now - h.start >= this.windowMs) this.hits.delete(k);
  }
}
