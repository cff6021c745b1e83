// A tiny hash router (no dependency): "#/hall/demo" -> { page: 'hall', site: 'demo' }. Hash routes
// work when the server serves only index.html at / and survive reloads.
import { useSyncExternalStore } from 'react';
import { PAGES, type Page } from './lib/roles.ts';

/** `range`: the scorecard's days, "YYYY-MM-DD..YYYY-MM-DD" (the district view's drill-down). */
export type Route =
  { page: Page; site?: string; range?: string } | { page: 'login' } | { page: 'not-found'; path: string };

const RANGE = /^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$/;

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '') return { page: 'overview' };
  const [head, site, range, ...rest] = path.split('/');
  if (head === 'login' && site === undefined) return { page: 'login' };
  if (rest.length > 0 || !(PAGES as readonly string[]).includes(head ?? '')) return { page: 'not-found', path };
  const page = head as Page;
  if (site !== undefined && !/^[a-z0-9-]{1,40}$/.test(site)) return { page: 'not-found', path };
  if (range !== undefined && (page !== 'scorecard' || !RANGE.test(range))) return { page: 'not-found', path };
  return site ? (range ? { page, site, range } : { page, site }) : { page };
}

export function href(page: Page | 'login', site?: string, range?: string): string {
  return site ? `#/${page}/${site}${range ? `/${range}` : ''}` : `#/${page}`;
}

export function navigate(page: Page | 'login', site?: string, range?: string): void {
  location.hash = href(page, site, range);
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
