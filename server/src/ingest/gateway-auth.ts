// Gateway credentials for the embedded broker: username/password from the site configs, checked
// with scrypt (verifySecret). scrypt is deliberately slow and blocks the event loop, so a successful
// check is remembered in memory, keyed by a SHA-256 of the password (never the password itself),
// and a reconnecting edge is not slowed. Secrets are never logged.
import { createHash } from 'node:crypto';
import { verifySecret, type SiteConfig } from '@hallmon/firmware-config';

interface Gateway {
  site: string;
  passwordHash: string;
}

export class GatewayAuth {
  private readonly byUser = new Map<string, Gateway>();
  /** username -> SHA-256 of the last password that verified. */
  private readonly verified = new Map<string, string>();

  constructor(sites: Iterable<SiteConfig>) {
    for (const s of sites) this.byUser.set(s.gateway.username, { site: s.id, passwordHash: s.gateway.passwordHash });
  }

  /** The site this gateway may publish for, or null when the credential is wrong. */
  check(username: string | undefined, password: Buffer | string | undefined): string | null {
    if (!username || password === undefined) return null;
    const gw = this.byUser.get(username);
    if (!gw) return null;
    const pw = typeof password === 'string' ? password : password.toString('utf8');
    const digest = createHash('sha256').update(pw).digest('base64');
    if (this.verified.get(username) === digest) return gw.site;
    if (!verifySecret(pw, gw.passwordHash)) return null;
    this.verified.set(username, digest);
    return gw.site;
  }
}
