// Big-screen mode for the hall ("a big-screen view for the hall"): large type, full screen
// on request (requestFullscreen needs a click), and panels that rotate every 15 s: noise, queues and
// ratings, rooms, active alarms.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp, useLive, siteById, siteName } from '../app-context.ts';
import type { SiteInfo } from '@hallmon/contract';
import { Stat, num, rangeState } from '../components/Stat.tsx';
import { activeBySeverity, isActive, sortAlarms } from '../lib/alarms.ts';
import { clauseLabel, ruleLabel, ruleLimits } from '../lib/clauses.ts';
import { sensorsFor } from '../lib/site-model.ts';
import { formatTime, formatDateTime } from '../lib/time-format.ts';
import { useNow, useSeedLatest } from '../hooks.ts';
import { NoiseDay, NoiseNow, useNoiseSensors } from './NoisePanel.tsx';
import { EvaluationPanel, QueueStatsPanel, useTodayEvents } from './QueuePanels.tsx';
import { ClimatePanel } from './ClimatePanel.tsx';
import { LangToggle } from '../components/LangToggle.tsx';

export const ROTATE_MS = 15_000;

export default function BigScreen({ siteId }: { siteId?: string }) {
  const { t } = useTranslation();
  const { sites } = useApp();
  const site = siteById(sites, siteId);
  if (!site) return <p>{t('common.noData')}</p>;
  return <BigFor key={site.id} site={site} />;
}

function BigFor({ site }: { site: SiteInfo }) {
  const { t, i18n } = useTranslation();
  const root = useRef<HTMLDivElement>(null);
  const [index, setIndex] = useState(0);
  const [full, setFull] = useState(false);
  const now = useNow(1000);
  const events = useTodayEvents(site);
  const { primary } = useNoiseSensors(site);

  const panels: { id: string; title: string; body: React.ReactNode }[] = [
    {
      id: 'noise',
      title: clauseLabel('1.3.3', i18n.language),
      body: primary ? (
        <>
          <NoiseNow site={site} sensorId={primary.id} big />
          <NoiseDay site={site} sensorId={primary.id} height={320} />
        </>
      ) : (
        <p>{t('common.noData')}</p>
      ),
    },
    {
      id: 'queues',
      title: t('queues.title'),
      body: (
        <>
          <QueueStatsPanel site={site} events={events} big />
          <EvaluationPanel site={site} events={events} />
        </>
      ),
    },
    { id: 'climate', title: t('hall.climate'), body: <ClimatePanel site={site} big /> },
    { id: 'rooms', title: t('rooms.title'), body: <RoomsBig site={site} /> },
    { id: 'alarms', title: t('alarms.active'), body: <AlarmsBig site={site} /> },
  ];
  const panel = panels[index % panels.length]!;

  useEffect(() => {
    const id = setInterval(() => setIndex((i) => (i + 1) % panels.length), ROTATE_MS);
    return () => clearInterval(id);
  }, [panels.length]);

  useEffect(() => {
    const onChange = () => setFull(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  async function toggleFull() {
    try {
      if (document.fullscreenElement) await document.exitFullscreen();
      else await root.current?.requestFullscreen();
    } catch {
      // Refused (e.g. not allowed in an iframe): the page stays as it is.
    }
  }

  return (
    <div className="big-screen" ref={root} data-testid="big-screen" data-panel={panel.id}>
      <header className="big-head">
        <h1>{siteName(site, i18n.language)}</h1>
        <span className="big-clock">{formatTime(now, site.timezone, i18n.language, true)}</span>
        <span className="big-panel-no">{t('big.panel', { n: (index % panels.length) + 1, total: panels.length })}</span>
        <button type="button" className="btn" onClick={() => setIndex((i) => (i + 1) % panels.length)}>
          {t('big.next')}
        </button>
        <LangToggle />
        <button
          type="button"
          className="btn btn-primary"
          data-testid="bigscreen-button"
          onClick={() => void toggleFull()}
        >
          {full ? t('big.exitFullscreen') : t('big.fullscreen')}
        </button>
      </header>
      <section aria-live="off" aria-labelledby="big-panel-title" className="big-panel">
        <h2 id="big-panel-title">{panel.title}</h2>
        {panel.body}
      </section>
    </div>
  );
}

function RoomsBig({ site }: { site: SiteInfo }) {
  const { t } = useTranslation();
  const store = useLive();
  const sensors = sensorsFor(site, ['machine-room', 'archive-room'], 'temperature');
  useSeedLatest(
    store,
    site.id,
    sensors.flatMap((s) => [
      { sensor: s.id, metric: 'temperature' as const },
      { sensor: s.id, metric: 'humidity' as const },
    ]),
  );
  return (
    <div className="stats">
      {sensors.map((s) => {
        const mr = s.kind === 'machine-room';
        const tv = store.reading(site.id, s.id, 'temperature')?.value;
        const hv = store.reading(site.id, s.id, 'humidity')?.value;
        return (
          <div key={s.id} className="card">
            <h3>{s.name}</h3>
            <div className="stats">
              <Stat
                big
                label={t('rooms.temperature')}
                value={num(tv)}
                unit="°C"
                state={rangeState(tv, ruleLimits(mr ? 'mr-temperature' : 'ar-temperature'))}
              />
              <Stat
                big
                label={t('rooms.humidity')}
                value={num(hv, 0)}
                unit="%RH"
                state={rangeState(hv, ruleLimits(mr ? 'mr-humidity' : 'ar-humidity'))}
              />
            </div>
          </div>
        );
      })}
    </div>
  );
}

function AlarmsBig({ site }: { site: SiteInfo }) {
  const { t, i18n } = useTranslation();
  const store = useLive();
  const active = sortAlarms(store.alarms.filter((a) => a.site === site.id && isActive(a)));
  const sev = activeBySeverity(active);
  return (
    <div>
      <div className="stats">
        <Stat big label={t('common.critical')} value={String(sev.critical)} state={sev.critical ? 'bad' : 'ok'} />
        <Stat big label={t('common.warning')} value={String(sev.warning)} state={sev.warning ? 'warn' : 'ok'} />
      </div>
      <ul className="big-alarms">
        {active.slice(0, 8).map((a) => (
          <li key={a.id} className={`sev-${a.severity}`}>
            {ruleLabel(a.clause, a.rule, i18n.language)} · {a.sensor} ·{' '}
            {formatDateTime(a.startedAt, site.timezone, i18n.language)}
          </li>
        ))}
      </ul>
    </div>
  );
}
