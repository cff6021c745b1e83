// Hall climate and light against DB31/T 862-2021 11.1.2 and 1.3.2 (limits from GB/T 18883-2022 and
// GB 50034, seasonal for temperature and RH): the latest value of each hall sensor per metric.
import { useTranslation } from 'react-i18next';
import { useLive } from '../app-context.ts';
import type { SiteInfo } from '@hallmon/contract';
import type { Metric } from '@hallmon/firmware-config/core';
import { Stat, num, rangeState, bandText } from '../components/Stat.tsx';
import { clauseLabel, hallRuleFor, isSummer, ruleLimits, findRule } from '../lib/clauses.ts';
import { sensorsFor } from '../lib/site-model.ts';
import { useSeedLatest } from '../hooks.ts';
import { UNITS } from '../lib/units.ts';

export function ClimatePanel({ site, big = false }: { site: SiteInfo; big?: boolean }) {
  const { t, i18n } = useTranslation();
  const store = useLive();
  const summer = isSummer(site, Date.now());
  const items: { metric: Metric; rule: string; label: string; digits: number }[] = [
    { metric: 'temperature', rule: hallRuleFor('temperature', summer), label: t('hall.temperature'), digits: 1 },
    { metric: 'humidity', rule: hallRuleFor('humidity', summer), label: t('hall.humidity'), digits: 0 },
    { metric: 'co2', rule: 'hall-co2', label: t('hall.co2'), digits: 0 },
    { metric: 'illuminance', rule: 'hall-illuminance', label: t('hall.illuminance'), digits: 0 },
  ];
  useSeedLatest(
    store,
    site.id,
    items.flatMap((it) => sensorsFor(site, ['hall'], it.metric).map((s) => ({ sensor: s.id, metric: it.metric }))),
  );
  return (
    <section className="card" aria-labelledby={`climate-${site.id}`}>
      <h2 id={`climate-${site.id}`}>
        {t('hall.climate')} <small>({t(`hall.season.${summer ? 'summer' : 'winter'}`)})</small>
      </h2>
      <div className="stats">
        {items.flatMap((it) =>
          sensorsFor(site, ['hall'], it.metric).map((s) => {
            const v = store.reading(site.id, s.id, it.metric)?.value;
            const lim = ruleLimits(it.rule);
            const st = rangeState(v, lim);
            const clause = findRule(it.rule)?.clause.id ?? '';
            return (
              <Stat
                key={`${s.id}-${it.metric}`}
                big={big}
                label={`${it.label} · ${s.name}`}
                value={num(v, it.digits)}
                unit={UNITS[it.metric]}
                state={st}
                stateText={`${st === 'bad' ? t('hall.outside') : st === 'ok' ? t('hall.within') : ''} ${bandText(lim, UNITS[it.metric])}`.trim()}
                hint={clauseLabel(clause, i18n.language)}
              />
            );
          }),
        )}
      </div>
    </section>
  );
}
