// Gateway credentials for the embedded broker: username/password from the server's credential store
// (server/src/config/config-store.ts), checked with scrypt (verifySecret); reload() takes a changed
// set at once (a new credential works, a revoked one is refused from its next CONNECT). scrypt is deliberately slow and blocks the event loop, so a successful
// check is remembered in memory, keyed by a SHA-256 of the password (never the password itself),
// and a reconnecting edge is not slowed. Secrets are never logged.
import { createHash } from 'node:crypto';
import { verifySecret } from '@hallmon/firmware-config';

export interface Gateway {
  username: string;
  site: string;
  passwordHash: string;
}

export class GatewayAuth {
  private byUser = new Map<string, Gateway>();
  /** username -> SHA-256 of the last password that verified. */
  private readonly verified = new Map<string, string>();

  constructor(gateways: Iterable<Gateway>) {
    this.reload(gateways);
  }

  /** Replaces the credentials; a changed or removed one must verify again. */
  reload(gateways: Iterable<Gateway>): void {
    const next = new Map<string, Gateway>();
    for (const g of gateways) next.set(g.username, g);
    for (const [user, g] of this.byUser)
      if (next.get(user)?.passwordHash !== g.passwordHash || next.get(user)?.site !== g.site)
        this.verified.delete(user);
    this.byUser = next;
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
