// What every page needs from the shell: the signed-in session, the sites from /api/sites, and the
// live store fed by socket.io. One context, provided by App.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { SiteInfo } from '@hallmon/contract';
import type { Session } from './auth/auth.ts';
import { type LiveStore } from './live/live-store.ts';

export interface AppState {
  session: Session;
  sites: SiteInfo[];
  store: LiveStore;
  /** Fetches GET /api/sites again (after a configuration change). */
  reloadSites?: () => void;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const v = useContext(AppContext);
  if (!v) throw new Error('useApp outside <AppContext.Provider>');
  return v;
}

/** Re-renders the caller once per applied live batch; returns the store. */
export function useLive(): LiveStore {
  const { store } = useApp();
  useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  return store;
}

export function siteById(sites: readonly SiteInfo[], id: string | undefined): SiteInfo | undefined {
  return (id ? sites.find((s) => s.id === id) : undefined) ?? sites[0];
}

/** The site's display name in the UI language. */
export function siteName(site: SiteInfo, lang: string): string {
  return lang.startsWith('en') && site.nameEn ? site.nameEn : site.name;
}
