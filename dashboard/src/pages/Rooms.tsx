// Machine room (clause 5.2.2) and archive room (clause 5.3): the 动环 panel of the state inputs and
// the UPS (DhPanel), live temperature, humidity and dew point (Magnus, computed here) against their
// bands, and the trends with gaps and fast changes.
import { useTranslation } from 'react-i18next';
import { useApp, useLive, siteById, siteName } from '../app-context.ts';
import type { SiteInfo, SiteZone } from '@hallmon/contract';
import { Stat, num, rangeState, bandText } from '../components/Stat.tsx';
import { clauseLabel, ruleLimits } from '../lib/clauses.ts';
import { dewPoint } from '@hallmon/rules';
import { sensorsFor } from '../lib/site-model.ts';
import { formatAge } from '../lib/time-format.ts';
import { useNow, useSeedLatest } from '../hooks.ts';
import { RoomTrend } from './RoomTrend.tsx';
import { DhPanel, hasDh } from './DhPanel.tsx';
import { SitePicker } from './SitePicker.tsx';

type RoomKind = 'machine-room' | 'archive-room';

const LIMIT_RULES: Record<RoomKind, { temperature: string; humidity: string; dew?: string; clause: string }> = {
  'machine-room': { temperature: 'mr-temperature', humidity: 'mr-humidity', dew: 'mr-dew-point', clause: '5.2.2' },
  'archive-room': { temperature: 'ar-temperature', humidity: 'ar-humidity', clause: '5.3' },
};

export default function Rooms({ siteId }: { siteId?: string }) {
  const { t, i18n } = useTranslation();
  const { sites } = useApp();
  const site = siteById(sites, siteId);
  if (!site) return <p>{t('common.noData')}</p>;
  const zones = site.zones.filter(
    (z): z is SiteZone & { kind: RoomKind } => z.kind === 'machine-room' || z.kind === 'archive-room',
  );
  return (
    <section aria-labelledby="rooms-title">
      <div className="page-head">
        <h1 id="rooms-title">
          {t('rooms.title')} · {siteName(site, i18n.language)}
        </h1>
        <SitePicker sites={sites} current={site.id} page="rooms" />
      </div>
      {zones.length === 0 ? <p className="empty">{t('rooms.noRooms')}</p> : null}
      {zones.map((z) => (
        <RoomZone key={`${site.id}-${z.id}`} site={site} zone={z} />
      ))}
    </section>
  );
}

function RoomZone({ site, zone }: { site: SiteInfo; zone: SiteZone & { kind: RoomKind } }) {
  const { t, i18n } = useTranslation();
  const store = useLive();
  const now = useNow(5000);
  const rules = LIMIT_RULES[zone.kind];
  const single = { ...site, zones: [zone] };
  const sensors = sensorsFor(single, [zone.kind], 'temperature');
  useSeedLatest(
    store,
    site.id,
    sensors.flatMap((s) => [
      { sensor: s.id, metric: 'temperature' as const },
      { sensor: s.id, metric: 'humidity' as const },
    ]),
  );
  const tLim = ruleLimits(rules.temperature);
  const hLim = ruleLimits(rules.humidity);
  const dLim = rules.dew ? ruleLimits(rules.dew) : undefined;
  return (
    <section className="card" aria-labelledby={`zone-${zone.id}`} data-testid={`room-${zone.kind}`}>
      <h2 id={`zone-${zone.id}`}>
        {zone.name} <small>{clauseLabel(rules.clause, i18n.language)}</small>
      </h2>
      {hasDh(zone) ? <DhPanel site={site} zone={zone} /> : null}
      {sensors.map((s) => {
        const tr = store.reading(site.id, s.id, 'temperature');
        const hr = store.reading(site.id, s.id, 'humidity');
        const dp = tr && hr ? dewPoint(tr.value, hr.value) : null;
        const seen = tr ?? hr;
        return (
          <div key={s.id} className="sensor-block">
            <h3>
              {s.name} <small>{seen ? formatAge(Date.parse(seen.ts), now, i18n.language) : t('common.noData')}</small>
            </h3>
            <div className="stats">
              <Stat
                label={t('rooms.temperature')}
                value={num(tr?.value)}
                unit="°C"
                state={rangeState(tr?.value, tLim)}
                stateText={t('rooms.band', { band: bandText(tLim, '°C') })}
              />
              <Stat
                label={t('rooms.humidity')}
                value={num(hr?.value, 0)}
                unit="%RH"
                state={rangeState(hr?.value, hLim)}
                stateText={t('rooms.band', { band: bandText(hLim, '%RH') })}
              />
              <Stat
                label={t('rooms.dewPoint')}
                value={num(dp)}
                unit="°C"
                state={dLim ? rangeState(dp, dLim) : 'none'}
                {...(dLim ? { stateText: t('rooms.band', { band: bandText(dLim, '°C') }) } : {})}
              />
            </div>
          </div>
        );
      })}
      {sensors.length > 0 ? <RoomTrend site={site} sensors={sensors} kind={zone.kind} /> : null}
    </section>
  );
}
