// The scorecard of one centre (GET /api/scorecard): for every clause hallmon can judge, the figure
// measured, the target, the verdict, the 2025 standard's points at stake and the 2021 district
// rules' deductions with their sources, grouped as the assessment reads them. The period is this
// month so far, last month, custom days, or the days of the district view it was opened from.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScoreLine } from '@hallmon/contract';
import { siteName, useApp } from '../app-context.ts';
import { api } from '../api/client.ts';
import { useApi } from '../hooks.ts';
import { periodProblem } from '../lib/evidence.ts';
import { figureText, lastMonth, parseRange, rangeText, thisMonth, type DayRange } from '../lib/scores.ts';
import { navigate } from '../router.ts';

export default function Scorecard({ siteId, range }: { siteId?: string; range?: string }) {
  const { t, i18n } = useTranslation();
  const { sites } = useApp();
  const lang = i18n.language;
  const site = sites.find((s) => s.id === siteId) ?? sites[0];
  const tz = site?.timezone ?? 'Asia/Shanghai';
  const initial = parseRange(range) ?? thisMonth(Date.now(), tz);
  const [days, setDays] = useState<DayRange>(initial);
  const problem = periodProblem(days.from, days.to);
  const card = useApi(
    (signal) =>
      site && !problem ? api.scorecard({ site: site.id, from: days.from, to: days.to }, signal) : Promise.resolve(null),
    [site?.id, days.from, days.to],
  );
  if (!site) return <p>{t('common.noData')}</p>;
  const go = (r: DayRange) => {
    setDays(r);
    navigate('scorecard', site.id, rangeText(r));
  };
  const en = lang.startsWith('en');
  const sc = card.data;
  return (
    <section aria-labelledby="scorecard-title">
      <h1 id="scorecard-title">
        {t('scorecard.title')} <small>{siteName(site, lang)}</small>
      </h1>
      <p>{t('scorecard.intro')}</p>
      <div className="card">
        <label>
          {t('header.site')}{' '}
          <select
            value={site.id}
            onChange={(e) => navigate('scorecard', e.target.value, rangeText(days))}
            data-testid="scorecard-site"
          >
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {siteName(s, lang)}
              </option>
            ))}
          </select>
        </label>{' '}
        <button type="button" className="btn" onClick={() => go(thisMonth(Date.now(), tz))}>
          {t('scorecard.thisMonth')}
        </button>{' '}
        <button type="button" className="btn" onClick={() => go(lastMonth(Date.now(), tz))}>
          {t('scorecard.lastMonth')}
        </button>{' '}
        <label>
          {t('common.from')}{' '}
          <input type="date" value={days.from} onChange={(e) => setDays({ ...days, from: e.target.value })} />
        </label>{' '}
        <label>
          {t('common.to')}{' '}
          <input type="date" value={days.to} onChange={(e) => setDays({ ...days, to: e.target.value })} />
        </label>
        {problem ? (
          <p className="error" role="alert">
            {t(`evidence.problem.${problem}`)}
          </p>
        ) : null}
      </div>
      {card.loading ? (
        <p role="status" aria-live="polite">
          <span className="spinner" aria-hidden="true" /> {t('scorecard.working')}
        </p>
      ) : null}
      {card.error ? <p className="error">{t('common.error', { message: card.error })}</p> : null}
      {sc ? (
        <section className="card" aria-labelledby="scorecard-lines">
          <h2 id="scorecard-lines">
            {sc.firstDay} … {sc.lastDay}{' '}
            <small data-testid="scorecard-totals">
              {t('scorecard.totals', {
                risk: sc.totals.pointsAtRisk,
                points: sc.totals.points,
                deductions: sc.totals.deductions,
                pass: sc.totals.pass,
                fail: sc.totals.fail,
                insufficient: sc.totals.insufficient,
              })}
            </small>
          </h2>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('evidence.clause')}</th>
                  <th scope="col">{t('scorecard.group')}</th>
                  <th scope="col">{t('scorecard.figure')}</th>
                  <th scope="col">{t('scorecard.target')}</th>
                  <th scope="col">{t('evidence.verdict')}</th>
                  <th scope="col">{t('scorecard.points')}</th>
                  <th scope="col">{t('scorecard.atRisk')}</th>
                  <th scope="col">{t('scorecard.deductions')}</th>
                </tr>
              </thead>
              <tbody>
                {sc.lines.map((l) => (
                  <tr key={l.clause} data-testid="scorecard-row" data-clause={l.clause} data-verdict={l.verdict}>
                    <th scope="row" title={l.document}>
                      {l.clause} {en ? l.titleEn : l.title}
                    </th>
                    <td data-label={t('scorecard.group')}>{t(`scorecard.groups.${l.group}`)}</td>
                    <td data-label={t('scorecard.figure')} title={l.reason}>
                      {figureText(l)}
                    </td>
                    <td data-label={t('scorecard.target')}>{en ? l.targetEn : l.target}</td>
                    <td data-label={t('evidence.verdict')}>
                      <span
                        className={`badge ${l.verdict === 'pass' ? 'badge-ok' : l.verdict === 'fail' ? 'badge-critical' : ''}`}
                      >
                        {t(`evidence.v.${l.verdict}`)}
                      </span>
                    </td>
                    <td data-label={t('scorecard.points')} title={sourceText(l)}>
                      {l.points}
                    </td>
                    <td className={l.pointsAtRisk ? 'bad' : ''} data-label={t('scorecard.atRisk')}>
                      {l.pointsAtRisk}
                    </td>
                    <td
                      className={l.deductionTotal ? 'bad' : ''}
                      data-label={t('scorecard.deductions')}
                      title={l.deductions
                        .map((d) => `${en ? d.whatEn : d.what} (${d.source.clause}): ${d.count}`)
                        .join('\n')}
                    >
                      {l.deductionTotal}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <details>
            <summary>{t('scorecard.sources')}</summary>
            <ul className="sources">
              {sc.lines.map((l) => (
                <li key={l.clause}>
                  <b>{l.clause}</b> {sourceText(l)}
                  {l.deductions.map((d, i) => (
                    <div key={i}>
                      {en ? d.whatEn : d.what} — {d.source.standard} {d.source.clause}
                    </div>
                  ))}
                </li>
              ))}
            </ul>
          </details>
        </section>
      ) : null}
    </section>
  );
}

function sourceText(l: ScoreLine): string {
  return l.pointsSource ? `${l.pointsSource.standard} ${l.pointsSource.clause} (${l.pointsSource.year})` : l.document;
}
