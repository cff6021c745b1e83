// The district page (every centre of the district on one page; Qingpu has 11, the city
// about 220): one card per site with active alarms by severity, devices offline, noise now and the
// machine room's temperature and RH now. A card opens the site's first page for the role.
import { useTranslation } from 'react-i18next';
import { useApp, useLive, siteName } from '../app-context.ts';
import { api } from '../api/client.ts';
import type { DeviceRow, SiteInfo } from '@hallmon/contract';
import { useApi } from '../hooks.ts';
import { activeBySeverity } from '../lib/alarms.ts';
import { sensorsFor, primaryNoiseSensor, effectiveStatus } from '../lib/site-model.ts';
import { ruleLimits } from '../lib/clauses.ts';
import { href } from '../router.ts';
import { pagesFor } from '../lib/roles.ts';
import type { LiveStore } from '../live/live-store.ts';
import { num, rangeState } from '../components/Stat.tsx';

export default function Overview() {
  const { t } = useTranslation();
  const { sites, session, store } = useApp();
  const devices = useApi((signal) => api.devices(undefined, signal), [store.reconnects]);
  useLive();
  const first = pagesFor(session.role).find((p) => p !== 'overview' && p !== 'alarms' && p !== 'devices') ?? 'alarms';
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">
        {t('overview.title')} <small>{t('overview.sites', { count: sites.length })}</small>
      </h1>
      {devices.error ? <p className="error">{t('common.error', { message: devices.error })}</p> : null}
      <div className="grid cards">
        {sites.map((s) => (
          <SiteCard key={s.id} site={s} store={store} devices={devices.data} target={href(first, s.id)} />
        ))}
      </div>
    </section>
  );
}

function maxLatest(store: LiveStore, site: SiteInfo, ids: string[], metric: 'temperature' | 'humidity'): number | null {
  let best: number | null = null;
  for (const id of ids) {
    const r = store.reading(site.id, id, metric);
    if (r && (best === null || r.value > best)) best = r.value;
  }
  return best;
}

function SiteCard({
  site,
  store,
  devices,
  target,
}: {
  site: SiteInfo;
  store: LiveStore;
  devices: DeviceRow[] | undefined;
  target: string;
}) {
  const { t, i18n } = useTranslation();
  const sev = activeBySeverity(store.alarms, site.id);
  const rows = devices?.filter((d) => d.site === site.id) ?? [];
  const offline = devices
    ? rows.filter((d) => effectiveStatus(d, store.deviceStatus(site.id, d.id)) === 'offline').length
    : null;
  const noiseSensor = primaryNoiseSensor(sensorsFor(site, ['hall'], 'noise_laeq'));
  const noise = noiseSensor ? store.reading(site.id, noiseSensor.id, 'noise_laeq')?.value : undefined;
  const mrT = maxLatest(
    store,
    site,
    sensorsFor(site, ['machine-room'], 'temperature').map((s) => s.id),
    'temperature',
  );
  const mrH = maxLatest(
    store,
    site,
    sensorsFor(site, ['machine-room'], 'humidity').map((s) => s.id),
    'humidity',
  );
  const name = siteName(site, i18n.language);
  return (
    <a
      className="card site-card"
      href={target}
      data-testid="site-card"
      data-site={site.id}
      aria-label={`${name}: ${t('overview.open')}`}
    >
      <h2>{name}</h2>
      <dl className="kv">
        <div className={sev.critical ? 'bad' : sev.warning ? 'warn' : 'ok'}>
          <dt>{t('overview.alarms')}</dt>
          <dd>
            <span className="badge badge-critical">
              {t('common.critical')} {sev.critical}
            </span>{' '}
            <span className="badge badge-warning">
              {t('common.warning')} {sev.warning}
            </span>
          </dd>
        </div>
        <div className={offline ? 'bad' : 'ok'}>
          <dt>{t('overview.offline')}</dt>
          <dd>{offline === null ? '—' : offline}</dd>
        </div>
        <div className={rangeState(noise, { max: 80 })}>
          <dt>{t('overview.noise')}</dt>
          <dd>{num(noise)} dB(A)</dd>
        </div>
        <div className={rangeState(mrT, ruleLimits('mr-temperature'))}>
          <dt>{t('overview.mrTemp')}</dt>
          <dd>{num(mrT)} °C</dd>
        </div>
        <div className={rangeState(mrH, ruleLimits('mr-humidity'))}>
          <dt>{t('overview.mrRh')}</dt>
          <dd>{num(mrH)} %RH</dd>
        </div>
      </dl>
    </a>
  );
}
