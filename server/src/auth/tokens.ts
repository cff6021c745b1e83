// Bearer tokens for the API and socket.io: base64url(JSON {sub, role, exp, ver, jti}) + "." +
// HMAC-SHA256 of it. The HMAC secret is generated once and kept in `${dataDir}/token-secret` with mode
// 0600, so tokens survive a restart; deleting the file signs everyone out. Verified with
// timingSafeEqual. A signature only proves the server made the token: whether it still works (the
// account's token version `ver`, logout by `jti`, disabled or expired accounts) is decided against
// the user store on each use (api/principal.ts).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { isRole, type Role } from './roles.ts';

export interface TokenClaims {
  sub: string;
  role: Role;
  /** Expiry, epoch seconds. */
  exp: number;
  /** The account's token version when signed; a password change or disabling raises it. */
  ver: number;
  /** This token's id, what logout revokes. */
  jti: string;
}

export const DEFAULT_TOKEN_TTL_S = 12 * 3600;

export function loadOrCreateSecret(dataDir: string): Buffer {
  const file = join(dataDir, 'token-secret');
  if (existsSync(file)) {
    const s = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (s.length >= 32) return s;
  }
  const secret = randomBytes(32);
  writeFileSync(file, `${secret.toString('base64')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

export class TokenSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlS = DEFAULT_TOKEN_TTL_S,
  ) {}

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(body).digest();
  }

  sign(sub: string, role: Role, ver: number, nowMs = Date.now(), ttlS = this.ttlS): string {
    const claims: TokenClaims = {
      sub,
      role,
      exp: Math.floor(nowMs / 1000) + ttlS,
      ver,
      jti: randomBytes(12).toString('base64url'),
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The claims of a well-signed, unexpired token; null for anything else. */
  verify(token: string | undefined, nowMs = Date.now()): TokenClaims | null {
    if (!token || token.length > 2048) return null;
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
    const body = token.slice(0, dot);
    const sig = Buffer.from(token.slice(dot + 1), 'base64url');
    const want = this.mac(body);
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (typeof claims !== 'object' || claims === null) return null;
    const c = claims as Record<string, unknown>;
    if (typeof c.sub !== 'string' || !isRole(c.role) || typeof c.exp !== 'number') return null;
    // Tokens from before token versions have neither: they are refused, the user logs in again.
    if (typeof c.ver !== 'number' || typeof c.jti !== 'string') return null;
    if (c.exp * 1000 <= nowMs) return null;
    return { sub: c.sub, role: c.role, exp: c.exp, ver: c.ver, jti: c.jti };
  }
}
