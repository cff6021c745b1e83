// The hall manager's page: live noise with LAeq,5min against 80 dB(A), the rolling 1/5/15/60 min
// windows with L10/L50/L90/Lmax, the day's curve, and the hall's temperature, RH, CO2 and light
// against their limits.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp, siteById, siteName } from '../app-context.ts';
import type { SiteInfo } from '@hallmon/contract';
import { clauseLabel } from '../lib/clauses.ts';
import { NoiseNow, NoiseDay, NoiseWindows, useNoiseSensors, IndicativeTag } from './NoisePanel.tsx';
import { ClimatePanel } from './ClimatePanel.tsx';
import { SitePicker } from './SitePicker.tsx';

export default function Hall({ siteId }: { siteId?: string }) {
  const { t } = useTranslation();
  const { sites } = useApp();
  const site = siteById(sites, siteId);
  if (!site) return <p>{t('common.noData')}</p>;
  return <HallFor key={site.id} site={site} sites={sites} />;
}

function HallFor({ site, sites }: { site: SiteInfo; sites: SiteInfo[] }) {
  const { t, i18n } = useTranslation();
  const { sensors, primary } = useNoiseSensors(site);
  const [chosen, setChosen] = useState(primary?.id);
  const sensor = sensors.find((x) => x.id === chosen) ?? primary;
  return (
    <section aria-labelledby="hall-title">
      <div className="page-head">
        <h1 id="hall-title">
          {t('hall.title')} · {siteName(site, i18n.language)}
        </h1>
        <SitePicker sites={sites} current={site.id} page="hall" />
      </div>
      <section className="card" aria-labelledby="noise-title">
        <div className="page-head">
          <h2 id="noise-title">
            {clauseLabel('1.3.3', i18n.language)} <IndicativeTag sensor={sensor} />
          </h2>
          {sensors.length > 1 ? (
            <label>
              {t('hall.sensor')}{' '}
              <select value={sensor?.id} onChange={(e) => setChosen(e.target.value)} data-testid="noise-sensor">
                {sensors.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </div>
        {sensor ? <NoiseNow site={site} sensorId={sensor.id} /> : <p>{t('common.noData')}</p>}
      </section>
      {sensor ? <NoiseWindows site={site} sensor={sensor} /> : null}
      {sensor ? <NoiseDay site={site} sensorId={sensor.id} /> : null}
      <ClimatePanel site={site} />
    </section>
  );
}
