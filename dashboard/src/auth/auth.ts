// Who is signed in: the API token and role, kept in sessionStorage (gone when the tab closes, so a
// shared hall PC does not stay signed in). A tiny external store that React reads with
// useSyncExternalStore; the API client clears it on 401, which sends the user back to login.
import { useSyncExternalStore } from 'react';
import { isRole, type Role } from '../lib/roles.ts';

export interface Session {
  token: string;
  role: Role;
  username: string;
}

const KEY = 'hallmon.session';
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Session>;
    return typeof v.token === 'string' && isRole(v.role) && typeof v.username === 'string'
      ? { token: v.token, role: v.role, username: v.username }
      : null;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const l of listeners) l();
}

export function getSession(): Session | null {
  return current;
}

/** Why the last session ended: the Login page says "expired" only when the server ended it. */
let ended: 'logout' | 'expired' | null = null;

export function sessionEndReason(): 'logout' | 'expired' | null {
  return ended;
}

export function setSession(s: Session | null, reason: 'logout' | 'expired' = 'logout'): void {
  if (!s && current) ended = reason;
  if (s) ended = null;
  current = s;
  try {
    if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage can be disabled (private mode); the session then lasts until reload.
  }
  emit();
}

export function subscribeSession(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}
