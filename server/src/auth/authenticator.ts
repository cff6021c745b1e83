// Turns a bearer token into the person using it (a Principal: account, role, sites), or the reason
// it no longer works, in the user's terms. The signature check is the token's (tokens.ts); the rest
// is read from the user store on every use, so a password change, a disabled or expired account, a
// logout, or a role or site change made by the API or the `hallmon user` command applies to the
// very next request and socket.io check.
import type { SiteScope } from '@hallmon/contract';
import type { TokenSigner } from './tokens.ts';
import { usable, type UserAccount } from './users.ts';
import type { UserState } from '../state/state.ts';
import type { Role } from './roles.ts';

export interface Principal {
  username: string;
  role: Role;
  sites: SiteScope;
  name: string | null;
  /** Account expiry, epoch ms (assessors). */
  expires: number | null;
  /** This token's id and expiry (epoch s): what logout revokes. */
  jti: string;
  exp: number;
}

export class Authenticator {
  constructor(
    readonly signer: TokenSigner,
    readonly users: UserState,
  ) {}

  /** A fresh token for an account that just proved its password. */
  issue(user: UserAccount, now = Date.now()): string {
    return this.signer.sign(user.username, user.role, user.tokenVersion, now);
  }

  /** The principal of a token, or why it is refused (a message that says what to do). */
  async principal(token: string | undefined, now = Date.now()): Promise<Principal | { refused: string }> {
    const claims = this.signer.verify(token, now);
    if (!claims) return { refused: 'the token is invalid or expired: log in again with POST /api/login' };
    const user = await this.users.get(claims.sub);
    if (!user) return { refused: `the account "${claims.sub}" no longer exists` };
    const why = usable(user, now);
    if (why === 'disabled') return { refused: `the account "${user.username}" is disabled; ask an administrator` };
    if (why === 'expired') return { refused: `the account "${user.username}" has expired; ask an administrator` };
    if (claims.ver !== user.tokenVersion)
      return { refused: 'the password was changed or the account was disabled since this login: log in again' };
    if (await this.users.isRevoked(claims.jti)) return { refused: 'this session was signed out: log in again' };
    return {
      username: user.username,
      role: user.role,
      sites: user.sites,
      name: user.name,
      expires: user.expires,
      jti: claims.jti,
      exp: claims.exp,
    };
  }
}

export function isPrincipal(p: Principal | { refused: string }): p is Principal {
  return !('refused' in p);
}
