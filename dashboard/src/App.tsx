// The shell: login when signed out; otherwise the header (role-aware navigation, language toggle,
// sign-out), the connection banner, critical-alarm toasts with a beep, and the routed page. It owns
// the live connection and seeds the live store with the latest values and the active alarms.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from './api/client.ts';
import type { Alarm } from '@hallmon/contract';
import { sessionEndReason, setSession, useSession, type Session } from './auth/auth.ts';
import { AppContext, type AppState } from './app-context.ts';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { LangToggle } from './components/LangToggle.tsx';
import { Toasts } from './components/Toasts.tsx';
import { useApi } from './hooks.ts';
import { armAudio, beep, audioReady, onAudioReady } from './lib/beep.ts';
import { canView, homePage, navPagesFor, type Page } from './lib/roles.ts';
import { LiveConnection } from './live/connection.ts';
import { LiveStore } from './live/live-store.ts';
import { Login } from './pages/Login.tsx';
import { href, navigate, useRoute, type Route } from './router.ts';

const Overview = lazy(() => import('./pages/Overview.tsx'));
const Hall = lazy(() => import('./pages/Hall.tsx'));
const Queues = lazy(() => import('./pages/Queues.tsx'));
const Rooms = lazy(() => import('./pages/Rooms.tsx'));
const Visits = lazy(() => import('./pages/Visits.tsx'));
const Alarms = lazy(() => import('./pages/Alarms.tsx'));
const Devices = lazy(() => import('./pages/Devices.tsx'));
const BigScreen = lazy(() => import('./pages/BigScreen.tsx'));
const Evidence = lazy(() => import('./pages/Evidence.tsx'));
const Scorecard = lazy(() => import('./pages/Scorecard.tsx'));
const District = lazy(() => import('./pages/District.tsx'));
const Reports = lazy(() => import('./pages/Reports.tsx'));
const DeviceAdmin = lazy(() => import('./pages/DeviceAdmin.tsx'));
const SiteSettings = lazy(() => import('./pages/SiteSettings.tsx'));
const Audit = lazy(() => import('./pages/Audit.tsx'));
const Users = lazy(() => import('./pages/Users.tsx'));
const Account = lazy(() => import('./pages/Account.tsx'));
const NotFound = lazy(() => import('./pages/NotFound.tsx'));

const SITE_PAGES: ReadonlySet<Page> = new Set([
  'hall',
  'queues',
  'rooms',
  'visits',
  'big',
  'scorecard',
  'device-admin',
  'site-settings',
]);
const TOAST_MS = 30_000;

export function App() {
  const session = useSession();
  const route = useRoute();
  useEffect(() => {
    if (session && route.page === 'login') navigate(homePage(session.role));
  }, [session, route.page]);
  if (!session || route.page === 'login') return <Login expired={!session && sessionEndReason() === 'expired'} />;
  // Keyed by the person: a new token of the same account (after a password change) keeps the page.
  return <Shell key={session.username} session={session} route={route} />;
}

function Shell({ session, route }: { session: Session; route: Route }) {
  const { t } = useTranslation();
  const store = useMemo(() => new LiveStore(), []);
  useSyncExternalStore(store.subscribe, store.getVersion, store.getVersion);
  const sites = useApi((signal) => api.sites(signal), []);
  const [toasts, setToasts] = useState<Alarm[]>([]);
  const [sound, setSound] = useState(audioReady());
  const conn = useRef<LiveConnection>(undefined);

  const dismiss = useCallback((id: string) => setToasts((list) => list.filter((a) => a.id !== id)), []);

  useEffect(() => {
    armAudio();
    return onAudioReady(() => setSound(true));
  }, []);

  useEffect(() => {
    const c = new LiveConnection({
      token: session.token,
      sites: [],
      store,
      onCritical: (fresh) => {
        setToasts((list) => [...fresh, ...list.filter((a) => !fresh.some((f) => f.id === a.id))].slice(0, 5));
        beep();
        for (const a of fresh) setTimeout(() => dismiss(a.id), TOAST_MS);
      },
      onUnauthorized: () => setSession(null, 'expired'),
    });
    conn.current = c;
    c.start();
    return () => c.stop();
  }, [session.token, store, dismiss]);

  const siteIds = useMemo(() => (sites.data ?? []).map((s) => s.id), [sites.data]);
  useEffect(() => conn.current?.setSites(siteIds), [siteIds]);

  // Latest values and active alarms: at start and after every reconnect (what the feed missed).
  useEffect(() => {
    const ac = new AbortController();
    api.latest(undefined, ac.signal).then(
      (rows) => store.seedReadings(rows),
      () => undefined,
    );
    api.alarms({ state: 'active' }, ac.signal).then(
      (rows) => store.loadAlarms(rows),
      () => undefined,
    );
    return () => ac.abort();
  }, [store, store.reconnects]);

  const state: AppState | null = sites.data ? { session, sites: sites.data, store, reloadSites: sites.reload } : null;
  const big = route.page === 'big';

  return (
    <>
      <a className="skip" href="#main">
        {t('app.skip')}
      </a>
      {big ? null : <Header session={session} route={route} firstSite={siteIds[0]} sound={sound} />}
      <ConnectionBanner state={store.conn} />
      <Toasts alarms={toasts} onDismiss={dismiss} />
      <main id="main" className={big ? 'main main-big' : 'main'}>
        {sites.error ? (
          <p className="error" role="alert">
            {t('common.error', { message: sites.error })}{' '}
            <button type="button" className="btn" onClick={sites.reload}>
              {t('common.retry')}
            </button>
          </p>
        ) : !state ? (
          <p>{t('common.loading')}</p>
        ) : (
          <AppContext.Provider value={state}>
            <Suspense fallback={<p>{t('common.loading')}</p>}>
              <RoutedPage route={route} session={session} />
            </Suspense>
          </AppContext.Provider>
        )}
      </main>
    </>
  );
}

function RoutedPage({ route, session }: { route: Route; session: Session }) {
  const home = href(homePage(session.role));
  if (route.page === 'login') return null;
  if (route.page === 'not-found') return <NotFound home={home} />;
  if (!canView(session.role, route.page)) {
    // The bare start URL lands on the role's own first page rather than a refusal.
    if (route.page === 'overview') return <Redirect to={homePage(session.role)} />;
    return <NotFound forbidden home={home} />;
  }
  const site = 'site' in route ? route.site : undefined;
  switch (route.page) {
    case 'overview':
      return <Overview />;
    case 'hall':
      return <Hall {...(site ? { siteId: site } : {})} />;
    case 'queues':
      return <Queues {...(site ? { siteId: site } : {})} />;
    case 'rooms':
      return <Rooms {...(site ? { siteId: site } : {})} />;
    case 'visits':
      return <Visits {...(site ? { siteId: site } : {})} />;
    case 'alarms':
      return <Alarms />;
    case 'devices':
      return <Devices />;
    case 'big':
      return <BigScreen {...(site ? { siteId: site } : {})} />;
    case 'evidence':
      return <Evidence {...(site ? { siteId: site } : {})} />;
    case 'scorecard':
      return (
        <Scorecard
          key={`${site ?? ''}|${'range' in route ? (route.range ?? '') : ''}`}
          {...(site ? { siteId: site } : {})}
          {...('range' in route && route.range ? { range: route.range } : {})}
        />
      );
    case 'district':
      return <District />;
    case 'reports':
      return <Reports />;
    case 'device-admin':
      return <DeviceAdmin {...(site ? { siteId: site } : {})} />;
    case 'site-settings':
      return <SiteSettings {...(site ? { siteId: site } : {})} />;
    case 'audit':
      return <Audit />;
    case 'users':
      return <Users />;
    case 'account':
      return <Account />;
  }
}

function Redirect({ to }: { to: Page }) {
  useEffect(() => navigate(to), [to]);
  return null;
}

/** Ends the token on the server too (a copied token stops working), then forgets it here. */
function signOut(): void {
  api.logout().then(
    () => setSession(null),
    () => setSession(null),
  );
}

function Header({
  session,
  route,
  firstSite,
  sound,
}: {
  session: Session;
  route: Route;
  firstSite: string | undefined;
  sound: boolean;
}) {
  const { t } = useTranslation();
  const current = route.page;
  const routeSite = 'site' in route ? route.site : undefined;
  const site = routeSite ?? firstSite;
  return (
    <header className="top">
      <a className="brand" href={href(homePage(session.role))}>
        hallmon
      </a>
      <nav aria-label={t('app.title')} className="nav">
        <ul>
          {navPagesFor(session.role).map((p) => (
            <li key={p}>
              <a
                href={SITE_PAGES.has(p) && site ? href(p, site) : href(p)}
                aria-current={current === p ? 'page' : undefined}
                data-testid={`nav-${p}`}
              >
                {t(`nav.${p}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="top-right">
        <span
          className={`sound ${sound ? 'sound-on' : 'sound-off'}`}
          title={sound ? t('header.sound') : t('header.soundOff')}
          aria-label={sound ? t('header.sound') : t('header.soundOff')}
          role="img"
          data-testid="sound-state"
        >
          <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
            <path d="M12 3a6 6 0 0 0-6 6v4l-2 3h16l-2-3V9a6 6 0 0 0-6-6zm-2 15a2 2 0 0 0 4 0z" fill="currentColor" />
            {sound ? null : <path d="M3 3l18 18" stroke="currentColor" strokeWidth="2" />}
          </svg>
        </span>
        <a
          className="who"
          href={href('account')}
          title={t('header.account')}
          aria-label={`${t('header.user')} ${session.username}: ${t('header.account')}`}
          aria-current={current === 'account' ? 'page' : undefined}
          data-testid="nav-account"
        >
          {session.username} · {t(`role.${session.role}`)}
        </a>
        <LangToggle />
        <button type="button" className="btn" data-testid="logout" onClick={signOut}>
          {t('header.logout')}
        </button>
      </div>
    </header>
  );
}
