// Live hall noise (clause 1.3.3 "不持续高于80分贝"): the current level, the rolling LAeq,5min of the
// live 1 s readings (the rules package's RollingLaeq), against the 80 dB(A) line; and the day's curve
// of per-minute LAeq from the aggregate API with the excursions the rule engine judged
// (GET /api/marks: LAeq,5min > 80 until <= 77, in opening hours) shaded; and the rolling windows a
// hall manager reads (LAeq over 1, 5, 15 and 60 min with L10/L50/L90/Lmax) from the last hour of
// live readings, the rules package's RollingNoise (the same math as GET /api/noise).
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type uPlot from 'uplot';
import { useApp, useLive } from '../app-context.ts';
import { api } from '../api/client.ts';
import type { SiteInfo } from '@hallmon/contract';
import { Chart } from '../components/Chart.tsx';
import { Stat, num } from '../components/Stat.tsx';
import { ruleLimits } from '../lib/clauses.ts';
import { sensorsFor, primaryNoiseSensor, isIndicativeNoise, type SensorRef } from '../lib/site-model.ts';
import { startOfDay } from '../lib/time-format.ts';
import { NOISE_WINDOWS_S } from '@hallmon/rules';
import { useApi } from '../hooks.ts';

/** Clause 1.3.3 as judged: LAeq,5min (the catalogue rule whose line the chart draws). */
const NOISE_RULE = 'noise-laeq-5min';
const LIMITS = ruleLimits(NOISE_RULE);
const MAX = LIMITS.max ?? 80;
const CLEAR = LIMITS.clearMax ?? 77;

export function NoiseNow({ site, sensorId, big = false }: { site: SiteInfo; sensorId: string; big?: boolean }) {
  const { t } = useTranslation();
  const store = useLive();
  const { store: s } = useApp();
  // Seed the rolling window with the last 5 minutes so LAeq,5min is right from the first render.
  useEffect(() => {
    const ac = new AbortController();
    const to = Date.now();
    api
      .readings({ site: site.id, sensor: sensorId, metric: 'noise_laeq', from: to - 300_000, to: to + 1000 }, ac.signal)
      .then(
        (ans) =>
          s.seedReadings(
            ans.points
              .filter((p): p is [string, number] => typeof p[1] === 'number')
              .map(([ts, value]) => ({
                site: site.id,
                sensor: sensorId,
                metric: 'noise_laeq' as const,
                ts,
                value,
                quality: 'ok' as const,
              })),
          ),
        () => undefined,
      );
    return () => ac.abort();
  }, [site.id, sensorId, s, s.reconnects]);
  const now = store.reading(site.id, sensorId, 'noise_laeq');
  const rolling = store.rolling(site.id, sensorId);
  const laeq = rolling.value();
  const coveredMin = Math.min(5, rolling.coveredS() / 60);
  const state = laeq === null ? 'none' : laeq > MAX ? 'bad' : laeq > CLEAR ? 'warn' : 'ok';
  return (
    <div className="stats">
      <Stat
        big={big}
        label={t('hall.noiseNow')}
        value={num(now?.value)}
        unit="dB(A)"
        testId="noise-now"
        state={now && now.value > MAX ? 'warn' : 'none'}
      />
      <Stat
        big={big}
        label={t('hall.laeq5')}
        value={num(laeq)}
        unit="dB(A)"
        testId="noise-laeq5"
        state={state}
        stateText={`${t('common.limit')} ${MAX} dB(A)`}
        hint={coveredMin < 4.99 ? t('hall.filling', { min: coveredMin.toFixed(1) }) : undefined}
      />
    </div>
  );
}

export function NoiseDay({ site, sensorId, height }: { site: SiteInfo; sensorId: string; height?: number }) {
  const { t } = useTranslation();
  const store = useLive();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const id = setInterval(() => setTick((n) => n + 1), 60_000);
    return () => clearInterval(id);
  }, []);
  const day = useApi(
    async (signal) => {
      const to = Date.now();
      const from = startOfDay(to, site.timezone);
      const [readings, marks] = await Promise.all([
        api.readings({ site: site.id, sensor: sensorId, metric: 'noise_laeq', from, to, step: '1m' }, signal),
        api.marks({ site: site.id, sensor: sensorId, from, to }, signal),
      ]);
      return { readings, marks };
    },
    [site.id, sensorId, site.timezone, tick, store.reconnects],
  );
  const { data, spans } = useMemo(() => {
    const pts = day.data?.readings.points ?? [];
    const tMs = pts.map((p) => Date.parse(p[0]));
    const v = pts.map((p) => p[1]);
    const ex = (day.data?.marks.excursions ?? []).filter((x) => x.rule === NOISE_RULE);
    return {
      data: [tMs.map((x) => x / 1000), v] as uPlot.AlignedData,
      spans: ex.map((e) => ({
        from: Date.parse(e.start) / 1000,
        to: Date.parse(e.end) / 1000,
        color: 'rgba(220,38,38,0.18)',
      })),
    };
  }, [day.data]);
  return (
    <figure className="card">
      <figcaption>
        {t('hall.dayCurve')} ·{' '}
        <span data-testid="noise-excursions">{t('hall.excursions', { count: spans.length })}</span>
      </figcaption>
      {day.error ? <p className="error">{t('common.error', { message: day.error })}</p> : null}
      <Chart
        shapeKey={`noise-${site.id}-${sensorId}`}
        data={data}
        series={[{ label: 'LAeq,1min dB(A)', stroke: '#2563eb', width: 1.5 }]}
        timeZone={site.timezone}
        spans={spans}
        hLines={[{ value: MAX, color: '#dc2626' }]}
        ariaLabel={`${t('hall.dayCurve')}; ${t('hall.line80')}`}
        emptyText={t('common.noData')}
        testId="noise-day-chart"
        {...(height ? { height } : {})}
      />
    </figure>
  );
}

export function useNoiseSensors(site: SiteInfo) {
  const sensors = useMemo(() => sensorsFor(site, ['hall'], 'noise_laeq'), [site]);
  return { sensors, primary: primaryNoiseSensor(sensors) };
}

export function IndicativeTag({ sensor }: { sensor: SensorRef | undefined }) {
  const { t } = useTranslation();
  return isIndicativeNoise(sensor) ? (
    <span className="badge" title="RS-485">
      {t('common.indicative')}
    </span>
  ) : null;
}

/** LAeq and L10/L50/L90/Lmax over 1, 5, 15 and 60 min, live; seeded with the last hour of readings. */
export function NoiseWindows({ site, sensor }: { site: SiteInfo; sensor: SensorRef }) {
  const { t } = useTranslation();
  const store = useLive();
  const { store: s } = useApp();
  useEffect(() => {
    const ac = new AbortController();
    const to = Date.now();
    api
      .readings(
        { site: site.id, sensor: sensor.id, metric: 'noise_laeq', from: to - 3_600_000, to: to + 1000 },
        ac.signal,
      )
      .then(
        (ans) =>
          s.seedReadings(
            ans.points
              .filter((p): p is [string, number] => typeof p[1] === 'number')
              .map(([ts, value]) => ({
                site: site.id,
                sensor: sensor.id,
                metric: 'noise_laeq' as const,
                ts,
                value,
                quality: 'ok' as const,
              })),
          ),
        () => undefined,
      );
    return () => ac.abort();
  }, [site.id, sensor.id, s, s.reconnects]);
  const live = store.noiseWindows(site.id, sensor.id);
  return (
    <figure className="card" data-testid="noise-windows">
      <figcaption>
        {t('hall.windows', { sensor: sensor.name })} <IndicativeTag sensor={sensor} />
      </figcaption>
      <table className="table">
        <thead>
          <tr>
            <th>{t('hall.window')}</th>
            <th>LAeq</th>
            <th>L10</th>
            <th>L50</th>
            <th>L90</th>
            <th>Lmax</th>
            <th>{t('hall.covered')}</th>
          </tr>
        </thead>
        <tbody>
          {NOISE_WINDOWS_S.map((w) => {
            const st = live.window(w);
            const bad = st !== null && st.laeq > MAX;
            return (
              <tr key={w} data-testid={`noise-window-${w}`}>
                <th scope="row">{t(`hall.win.${w}`)}</th>
                <td className={bad ? 'bad' : undefined} data-testid={`noise-window-${w}-laeq`}>
                  {num(st?.laeq)}
                </td>
                <td>{num(st?.l10)}</td>
                <td>{num(st?.l50)}</td>
                <td>{num(st?.l90)}</td>
                <td>{num(st?.lmax)}</td>
                <td>{st ? `${Math.round((100 * Math.min(st.durationS, w)) / w)} %` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="hint">{t('hall.windowsHint')}</p>
    </figure>
  );
}
