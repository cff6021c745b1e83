// Download links for a report's files that work without signing in, for a link in a WeCom or
// DingTalk message: /api/reports/{id}/file/{name}?exp=<epoch s>&sig=<HMAC-SHA256>, the signature over
// the id, the file name and the expiry with a key derived from the server's token secret (so links
// die with the secret, and one key opens nothing else). A link past its expiry answers 403.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class ReportLinks {
  private readonly key: Buffer;

  constructor(secret: Buffer) {
    this.key = createHmac('sha256', secret).update('hallmon report links/1').digest();
  }

  private sig(id: string, name: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${id}\n${name}\n${exp}`).digest('base64url');
  }

  /** The path and query of a link valid until `expMs`. */
  path(id: string, name: string, expMs: number): string {
    const exp = Math.floor(expMs / 1000);
    return `/api/reports/${encodeURIComponent(id)}/file/${encodeURIComponent(name)}?exp=${exp}&sig=${this.sig(id, name, exp)}`;
  }

  /** Whether a link's signature is right and it has not expired at `now`. */
  valid(id: string, name: string, exp: number, sig: string, now: number): boolean {
    if (!Number.isInteger(exp) || exp * 1000 < now) return false;
    const want = Buffer.from(this.sig(id, name, exp));
    const got = Buffer.from(sig);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}
