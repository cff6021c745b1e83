// The 动环 panel of a machine room (clause 5.2.2 "配备防盗、防火和电力保障设施设备"): one tile per state
// input (water, smoke, door, mains, UPS on battery, AC), icon and words in the tile's colour so a
// network administrator reads the room at a glance (green normal, red alarm, grey no current data),
// the UPS's charge, load and estimated runtime, and who is inside by the entry register.
import { useTranslation } from 'react-i18next';
import type { SiteInfo, SiteZone } from '@hallmon/contract';
import type { Metric } from '@hallmon/firmware-config/core';
import { useLive } from '../app-context.ts';
import { api } from '../api/client.ts';
import { Stat, num } from '../components/Stat.tsx';
import { StateIcon } from '../components/StateIcon.tsx';
import { useApi, useNow, useSeedLatest } from '../hooks.ts';
import { STATE_ORDER, UPS_FIGURES, isStateMetric, stateLook, type StateMetric } from '../lib/states.ts';
import { formatAge } from '../lib/time-format.ts';
import { UNITS } from '../lib/units.ts';
import { href } from '../router.ts';

export function DhPanel({ site, zone }: { site: SiteInfo; zone: SiteZone }) {
  const { t, i18n } = useTranslation();
  const store = useLive();
  const now = useNow(5000);
  const states: Array<{ metric: StateMetric; sensor: string; name: string }> = [];
  for (const m of STATE_ORDER)
    for (const s of zone.sensors)
      if (s.metrics.includes(m))
        states.push({ metric: m, sensor: s.id, name: s.inputs?.find((i) => i.metric === m)?.name ?? s.name ?? s.id });
  const ups = zone.sensors.filter((s) => s.metrics.some((m) => (UPS_FIGURES as readonly Metric[]).includes(m)));
  useSeedLatest(store, site.id, [
    ...states.map((s) => ({ sensor: s.sensor, metric: s.metric as Metric })),
    ...ups.flatMap((s) => UPS_FIGURES.map((metric) => ({ sensor: s.id, metric: metric as Metric }))),
  ]);
  const inside = useApi(
    (signal) => api.visits({ site: site.id, state: 'inside' }, signal),
    [site.id, Math.floor(now / 60_000)],
  );
  if (!states.length && !ups.length) return null;
  const alarms = states.filter((s) => stateLook(s.metric, store.reading(site.id, s.sensor, s.metric), now) === 'alarm');
  return (
    <section className="dh" aria-labelledby={`dh-${zone.id}`} data-testid="dh-panel">
      <h3 id={`dh-${zone.id}`}>
        {t('dh.title')}{' '}
        <small className={alarms.length ? 'dh-summary dh-summary-alarm' : 'dh-summary'} data-testid="dh-summary">
          {alarms.length ? t('dh.alarms', { count: alarms.length }) : t('dh.allNormal')}
        </small>
      </h3>
      <div className="dh-tiles">
        {states.map((s) => {
          const r = store.reading(site.id, s.sensor, s.metric);
          const look = stateLook(s.metric, r, now);
          return (
            <div
              key={`${s.sensor}-${s.metric}`}
              className={`dh-tile dh-${look}`}
              data-testid={`dh-${s.metric}`}
              data-state={look}
              role="status"
              aria-label={`${t(`dh.metric.${s.metric}`)}：${t(`dh.state.${s.metric}.${look}`)}`}
              title={s.name}
            >
              <StateIcon metric={s.metric} />
              <div className="dh-label">{t(`dh.metric.${s.metric}`)}</div>
              <div className="dh-state">{t(`dh.state.${s.metric}.${look}`)}</div>
              <div className="dh-hint">
                {s.name}
                {r ? ` · ${formatAge(Date.parse(r.ts), now, i18n.language)}` : ''}
              </div>
            </div>
          );
        })}
      </div>
      {ups.map((s) => (
        <div key={s.id} className="stats" data-testid={`dh-ups-${s.id}`}>
          {UPS_FIGURES.filter((m) => s.metrics.includes(m)).map((m) => {
            const v = store.reading(site.id, s.id, m)?.value;
            const low =
              m === 'ups_runtime_min'
                ? v !== undefined && v < 10
                : m === 'ups_battery_pct'
                  ? v !== undefined && v < 50
                  : false;
            return (
              <Stat
                key={m}
                label={`${t(`dh.metric.${m}`)} · ${s.name ?? s.id}`}
                value={num(v, 0)}
                unit={UNITS[m]}
                state={v === undefined ? 'none' : low ? 'bad' : 'ok'}
                testId={`dh-${m}`}
              />
            );
          })}
        </div>
      ))}
      <p className="dh-visits">
        {t('dh.inside', { count: inside.data?.length ?? 0 })} <a href={href('visits', site.id)}>{t('dh.register')}</a>
      </p>
    </section>
  );
}

/** Whether a zone has anything for the panel (state inputs or a UPS). */
export function hasDh(zone: SiteZone): boolean {
  return zone.sensors.some((s) =>
    s.metrics.some((m) => isStateMetric(m) || (UPS_FIGURES as readonly Metric[]).includes(m)),
  );
}
