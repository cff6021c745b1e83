// Accounts on the wire (contract users.ts User and Me): times as ISO strings, never the hash.
import { toIso } from '@hallmon/firmware-config';
import { RIGHTS, type Me, type Right, type User } from '@hallmon/contract';
import type { UserAccount } from '../auth/users.ts';
import type { Principal } from '../auth/authenticator.ts';

export function userJson(u: UserAccount): User {
  return {
    username: u.username,
    role: u.role,
    sites: u.sites === '*' ? '*' : [...u.sites],
    name: u.name,
    expires: u.expires === null ? null : toIso(u.expires),
    disabled: u.disabled,
    createdAt: toIso(u.createdAt),
    passwordChangedAt: toIso(u.passwordChangedAt),
    lastLoginAt: u.lastLoginAt === null ? null : toIso(u.lastLoginAt),
  };
}

export function meJson(p: Principal): Me {
  const rights = (Object.keys(RIGHTS) as Right[]).filter((r) => (RIGHTS[r] as readonly string[]).includes(p.role));
  return {
    username: p.username,
    role: p.role,
    sites: p.sites === '*' ? '*' : [...p.sites],
    name: p.name,
    expires: p.expires === null ? null : toIso(p.expires),
    rights,
    tokenExpires: toIso(p.exp * 1000),
  };
}
