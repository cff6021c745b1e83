// Room trends from the aggregate API (GET /api/readings?step=1m|1h): mean line with the min/max band,
// the catalogue limits as lines, and what the rule engine judged over the range (GET /api/marks):
// data gaps shaded (5.2.2 "持续监控并记录") and fast temperature changes marked where they began
// (GB 50174-2017 Appendix A / ASHRAE TC9.9: 5 °C in 15 min). 24 h / 7 d / 30 d / custom.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type uPlot from 'uplot';
import { api } from '../api/client.ts';
import type { SiteInfo } from '@hallmon/contract';
import type { ZoneKind } from '@hallmon/firmware-config/core';
import { Chart, type HLine } from '../components/Chart.tsx';
import { useApi } from '../hooks.ts';
import { ruleLimits, findRule } from '../lib/clauses.ts';
import type { SensorRef } from '../lib/site-model.ts';
import { customRange, presetRange, type Range, type RangeKey } from '../lib/trend-range.ts';
import { parseLocalInput, toLocalInput } from '../lib/time-format.ts';

type RoomMetric = 'temperature' | 'humidity';

/** The rules whose limits are drawn, and whether the zone has a rate-of-change rule to count. */
const RULES: Record<'machine-room' | 'archive-room', Record<RoomMetric, string[]> & { rate?: string }> = {
  'machine-room': {
    temperature: ['mr-temperature', 'mr-temperature-critical'],
    humidity: ['mr-humidity'],
    rate: 'mr-rate-of-change',
  },
  'archive-room': { temperature: ['ar-temperature'], humidity: ['ar-humidity'] },
};

function limitLines(rules: string[]): HLine[] {
  const out: HLine[] = [];
  for (const id of rules) {
    const l = ruleLimits(id);
    const color = findRule(id)?.rule.severity === 'critical' ? '#dc2626' : '#d97706';
    if (l.max !== undefined) out.push({ value: l.max, color });
    if (l.min !== undefined) out.push({ value: l.min, color });
  }
  return out;
}

export function RoomTrend({
  site,
  sensors,
  kind,
}: {
  site: SiteInfo;
  sensors: SensorRef[];
  kind: Extract<ZoneKind, 'machine-room' | 'archive-room'>;
}) {
  const { t } = useTranslation();
  const [sensorId, setSensorId] = useState(sensors[0]?.id ?? '');
  const [metric, setMetric] = useState<RoomMetric>('temperature');
  const [key, setKey] = useState<RangeKey>('24h');
  const [custom, setCustom] = useState(() => ({
    from: toLocalInput(Date.now() - 3 * 86_400_000, site.timezone),
    to: toLocalInput(Date.now(), site.timezone),
  }));
  const [applied, setApplied] = useState<Range | null>(null);
  const [rangeError, setRangeError] = useState<string>();
  const [nonce, setNonce] = useState(0);

  // Preset ranges follow the clock: refetched each minute into the same chart (setData).
  useEffect(() => {
    if (key === 'custom') return;
    const id = setInterval(() => setNonce((n) => n + 1), 60_000);
    return () => clearInterval(id);
  }, [key]);

  const range: Range | null = key === 'custom' ? applied : presetRange(key, Date.now());
  const rangeSig = key === 'custom' ? `${applied?.from}-${applied?.to}` : `${key}-${nonce}`;
  const answer = useApi(
    async (signal) => {
      if (!range || !sensorId) return undefined;
      const [readings, marks] = await Promise.all([
        api.readings(
          { site: site.id, sensor: sensorId, metric, from: range.from, to: range.to, step: range.step },
          signal,
        ),
        api.marks({ site: site.id, sensor: sensorId, from: range.from, to: range.to }, signal),
      ]);
      return { readings, marks };
    },
    [site.id, sensorId, metric, rangeSig],
  );

  const rules = RULES[kind];
  const { data, spans, markers } = useMemo(() => {
    const buckets = answer.data?.readings.buckets ?? [];
    const tMs = buckets.map((b) => Date.parse(b.ts));
    const mean = buckets.map((b) => b.mean);
    const marks = answer.data?.marks;
    const fast =
      metric === 'temperature'
        ? (marks?.excursions ?? []).filter((x) => x.kind === 'rate-of-change' && x.metric === metric)
        : [];
    // A fast change is marked on the curve at the bucket it began in.
    const at = (ms: number) => {
      let i = 0;
      while (i + 1 < tMs.length && tMs[i + 1]! <= ms) i++;
      return i;
    };
    return {
      data: [tMs.map((x) => x / 1000), buckets.map((b) => b.min), buckets.map((b) => b.max), mean] as uPlot.AlignedData,
      spans: (marks?.gaps ?? []).map((g) => ({
        from: Date.parse(g.start) / 1000,
        to: Date.parse(g.end) / 1000,
        color: 'rgba(107,114,128,0.25)',
      })),
      markers: tMs.length
        ? fast.map((x) => ({ x: Date.parse(x.start) / 1000, y: mean[at(Date.parse(x.start))]!, color: '#dc2626' }))
        : [],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [answer.data, metric, kind]);

  const unit = metric === 'temperature' ? '°C' : '%RH';
  const series: uPlot.Series[] = [
    { label: `min ${unit}`, stroke: 'rgba(37,99,235,0.35)', width: 1 },
    { label: `max ${unit}`, stroke: 'rgba(37,99,235,0.35)', width: 1 },
    { label: `${t('rooms.mean')} ${unit}`, stroke: '#2563eb', width: 2 },
  ];
  const bands: uPlot.Band[] = [{ series: [2, 1], fill: 'rgba(37,99,235,0.12)' }];
  const id = `trend-${kind}`;

  return (
    <figure className="card">
      <figcaption>
        <div className="controls">
          <strong>{t('rooms.trend')}</strong>
          {sensors.length > 1 ? (
            <select aria-label={t('alarms.sensor')} value={sensorId} onChange={(e) => setSensorId(e.target.value)}>
              {sensors.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          ) : null}
          <select
            aria-label={t('rooms.trend')}
            value={metric}
            onChange={(e) => setMetric(e.target.value as RoomMetric)}
          >
            <option value="temperature">{t('rooms.temperature')}</option>
            <option value="humidity">{t('rooms.humidity')}</option>
          </select>
          <div className="seg" role="group" aria-label={t('rooms.trend')}>
            {(['24h', '7d', '30d', 'custom'] as const).map((k) => (
              <button
                key={k}
                type="button"
                aria-pressed={key === k}
                onClick={() => {
                  setKey(k);
                  if (k !== 'custom') setNonce((n) => n + 1);
                }}
              >
                {t(`rooms.range.${k}`)}
              </button>
            ))}
          </div>
        </div>
        {key === 'custom' ? (
          <form
            className="controls"
            onSubmit={(e) => {
              e.preventDefault();
              const r = customRange(
                parseLocalInput(custom.from, site.timezone),
                parseLocalInput(custom.to, site.timezone),
              );
              if ('error' in r) {
                setRangeError(r.error === 'range-too-long' ? t('rooms.rangeTooLong') : t('rooms.rangeInvalid'));
                return;
              }
              setRangeError(undefined);
              setApplied(r);
            }}
          >
            <label>
              {t('common.from')}{' '}
              <input
                type="datetime-local"
                value={custom.from}
                onChange={(e) => setCustom({ ...custom, from: e.target.value })}
              />
            </label>
            <label>
              {t('common.to')}{' '}
              <input
                type="datetime-local"
                value={custom.to}
                onChange={(e) => setCustom({ ...custom, to: e.target.value })}
              />
            </label>
            <button type="submit" className="btn">
              {t('common.apply')}
            </button>
            {rangeError ? (
              <span className="error" role="alert">
                {rangeError}
              </span>
            ) : null}
          </form>
        ) : null}
        <small>
          {range ? t('rooms.step', { step: range.step }) : ''} · {t('rooms.gaps', { count: spans.length })} ·{' '}
          {metric === 'temperature' && rules.rate ? t('rooms.fast', { count: markers.length }) : ''}
        </small>
      </figcaption>
      {answer.error ? <p className="error">{t('common.error', { message: answer.error })}</p> : null}
      <Chart
        shapeKey={`${id}-${site.id}`}
        data={data}
        series={series}
        bands={bands}
        timeZone={site.timezone}
        spans={spans}
        markers={markers}
        hLines={limitLines(rules[metric])}
        ariaLabel={`${t('rooms.trend')} ${metric}`}
        emptyText={t('common.noData')}
        testId={id}
      />
    </figure>
  );
}
