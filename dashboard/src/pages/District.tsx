// The district's view of its centres (GET /api/district): every centre against every clause hallmon
// can judge, for this month so far or the assessment year so far, with the points at risk and the
// deductions; sortable by any column; a centre opens its scorecard for the same days. The district
// PDF is the same table for paper, with each centre's scorecard behind it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../app-context.ts';
import { api } from '../api/client.ts';
import { useApi, useNow } from '../hooks.ts';
import { fetchEvidence, formatElapsed, saveBlob } from '../lib/evidence.ts';
import { sortDistrict, type DistrictSort } from '../lib/scores.ts';
import { href } from '../router.ts';

const MARK = { pass: '✓', fail: '✗', 'insufficient-data': '?' } as const;

export default function District() {
  const { t, i18n } = useTranslation();
  const { store } = useApp();
  const lang = i18n.language;
  const en = lang.startsWith('en');
  const [period, setPeriod] = useState<'month' | 'year'>('month');
  const [sort, setSort] = useState<DistrictSort>({ key: 'pointsAtRisk', dir: 'desc' });
  const [since, setSince] = useState(() => Date.now());
  const view = useApi(
    (signal) => {
      setSince(Date.now());
      return api.district(period, signal);
    },
    [period, store.reconnects],
  );
  const now = useNow(view.loading ? 500 : 60_000);
  const [pdf, setPdf] = useState<'idle' | 'busy' | string>('idle');
  const v = view.data;
  const by = (key: string) =>
    setSort((s) => ({
      key,
      dir: s.key === key ? (s.dir === 'asc' ? 'desc' : 'asc') : key === 'site' ? 'asc' : 'desc',
    }));
  const arrow = (key: string) => (sort.key === key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : '');
  const ariaSort = (key: string) =>
    sort.key === key ? (sort.dir === 'asc' ? ('ascending' as const) : ('descending' as const)) : undefined;
  const download = async () => {
    setPdf('busy');
    try {
      const res = await fetchEvidence(`/api/district?period=${period}&format=pdf`);
      saveBlob(await res.blob(), `district-${period}.pdf`);
      setPdf('idle');
    } catch (e) {
      setPdf(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section aria-labelledby="district-title">
      <h1 id="district-title">{t('district.title')}</h1>
      <p>{t('district.intro')}</p>
      <p>
        {(['month', 'year'] as const).map((p) => (
          <button
            key={p}
            type="button"
            className="btn"
            aria-pressed={period === p}
            onClick={() => setPeriod(p)}
            data-testid={`district-${p}`}
          >
            {t(`district.period.${p}`)}
          </button>
        ))}{' '}
        <button type="button" className="btn" disabled={pdf === 'busy'} onClick={() => void download()}>
          {t('district.pdf')}
        </button>
        {pdf !== 'idle' && pdf !== 'busy' ? (
          <span className="error"> {t('common.error', { message: pdf })}</span>
        ) : null}
      </p>
      {view.loading ? (
        <p role="status" aria-live="polite" data-testid="district-busy">
          <span className="spinner" aria-hidden="true" />{' '}
          {t('district.working', { elapsed: formatElapsed(now - since) })}
        </p>
      ) : null}
      {view.error ? <p className="error">{t('common.error', { message: view.error })}</p> : null}
      {v ? (
        <section className="card" aria-labelledby="district-table">
          <h2 id="district-table">
            {v.firstDay} … {v.lastDay} <small>{t('district.centres', { count: v.rows.length })}</small>
          </h2>
          <div className="table-wrap">
            <table className="table district">
              <thead>
                <tr>
                  <th scope="col" aria-sort={ariaSort('site')}>
                    <button type="button" className="link" onClick={() => by('site')}>
                      {t('district.centre')}
                      {arrow('site')}
                    </button>
                  </th>
                  {v.clauses.map((c) => (
                    <th key={c.clause} scope="col" aria-sort={ariaSort(c.clause)} title={en ? c.titleEn : c.title}>
                      <button type="button" className="link" onClick={() => by(c.clause)} data-testid="district-sort">
                        {c.clause}
                        {arrow(c.clause)}
                      </button>
                    </th>
                  ))}
                  <th scope="col" aria-sort={ariaSort('pointsAtRisk')}>
                    <button type="button" className="link" onClick={() => by('pointsAtRisk')}>
                      {t('scorecard.atRisk')}
                      {arrow('pointsAtRisk')}
                    </button>
                  </th>
                  <th scope="col" aria-sort={ariaSort('deductions')}>
                    <button type="button" className="link" onClick={() => by('deductions')}>
                      {t('scorecard.deductions')}
                      {arrow('deductions')}
                    </button>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sortDistrict(v.rows, sort, lang).map((r) => (
                  <tr key={r.site} data-testid="district-row" data-site={r.site}>
                    <th scope="row">
                      <a href={href('scorecard', r.site, `${r.firstDay}..${r.lastDay}`)} data-testid="district-open">
                        {en && r.siteNameEn ? r.siteNameEn : r.siteName}
                      </a>
                    </th>
                    {v.clauses.map((c) => {
                      const cell = r.cells.find((x) => x.clause === c.clause);
                      if (!cell) return <td key={c.clause} />;
                      return (
                        <td
                          key={c.clause}
                          data-label={c.clause}
                          className={cell.verdict === 'fail' ? 'bad' : cell.verdict === 'pass' ? 'ok' : 'warn'}
                          title={t(`evidence.v.${cell.verdict}`)}
                        >
                          {MARK[cell.verdict]}
                          {cell.figure !== null ? (
                            <small>
                              {' '}
                              {cell.figure}
                              {cell.unit === '%' ? '%' : ''}
                            </small>
                          ) : null}
                        </td>
                      );
                    })}
                    <td className={r.totals.pointsAtRisk ? 'bad' : ''} data-label={t('scorecard.atRisk')}>
                      {r.totals.pointsAtRisk}
                    </td>
                    <td data-label={t('scorecard.deductions')}>{r.totals.deductions}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="legend">{t('district.legend')}</p>
        </section>
      ) : null}
    </section>
  );
}
