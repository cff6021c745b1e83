// A tiny hash router (no dependency): "#/hall/demo" -> { page: 'hall', site: 'demo' }. Hash routes
// work when the server serves only index.html at / and survive reloads.
import { useSyncExternalStore } from 'react';
import { PAGES, type Page } from './lib/roles.ts';

export type Route = { page: Page; site?: string } | { page: 'login' } | { page: 'not-found'; path: string };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '') return { page: 'overview' };
  const [head, site, ...rest] = path.split('/');
  if (head === 'login' && site === undefined) return { page: 'login' };
  if (rest.length > 0 || !(PAGES as readonly string[]).includes(head ?? '')) return { page: 'not-found', path };
  const page = head as Page;
  if (site !== undefined && !/^[a-z0-9-]{1,40}$/.test(site)) return { page: 'not-found', path };
  return site ? { page, site } : { page };
}

export function href(page: Page | 'login', site?: string): string {
  return site ? `#/${page}/${site}` : `#/${page}`;
}

export function navigate(page: Page | 'login', site?: string): void {
  location.hash = href(page, site);
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

const getHash = () => location.hash;

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, getHash, getHash);
  return parseHash(hash);
}
