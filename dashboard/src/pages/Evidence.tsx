// Evidence: the director (and the assessor, read-only) picks a site and a period, computes the
// clause checklist from GET /api/evidence?format=json (a spinner with the elapsed time while a
// year is worked through) and downloads the same pack as PDF (Chinese, for paper), CSV or JSON.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { siteName, useApp } from '../app-context.ts';
import { useNow } from '../hooks.ts';
import {
  checklist,
  downloadName,
  evidenceUrl,
  fetchEvidence,
  formatElapsed,
  isPack,
  periodProblem,
  presets,
  saveBlob,
  verdictCounts,
  type ChecklistRow,
  type EvidenceFormat,
  type Period,
} from '../lib/evidence.ts';

type Job =
  { kind: 'idle' } | { kind: 'busy'; what: EvidenceFormat; since: number } | { kind: 'error'; message: string };

export default function Evidence({ siteId }: { siteId?: string }) {
  const { t, i18n } = useTranslation();
  const { sites } = useApp();
  const lang = i18n.language;
  const [site, setSite] = useState(siteId ?? sites[0]?.id ?? '');
  const tz = sites.find((s) => s.id === site)?.timezone ?? 'Asia/Shanghai';
  const choices = presets(Date.now(), tz);
  const [period, setPeriod] = useState<Period>(choices[0]!);
  const [rows, setRows] = useState<{ key: string; rows: ChecklistRow[] } | null>(null);
  const [job, setJob] = useState<Job>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const now = useNow(job.kind === 'busy' ? 250 : 60_000);
  useEffect(() => () => abort.current?.abort(), []);

  const problem = periodProblem(period.from, period.to);
  const key = `${site}|${period.from}|${period.to}`;
  const busy = job.kind === 'busy';

  async function run(format: EvidenceFormat) {
    if (problem || !site) return;
    abort.current?.abort();
    const ac = new AbortController();
    abort.current = ac;
    setJob({ kind: 'busy', what: format, since: Date.now() });
    try {
      const res = await fetchEvidence(evidenceUrl(site, period.from, period.to, format), ac.signal);
      if (format === 'json') {
        const body: unknown = await res.json();
        if (!isPack(body)) throw new Error(t('evidence.badAnswer'));
        setRows({ key, rows: checklist(body, lang) });
      } else saveBlob(await res.blob(), downloadName(site, period.from, period.to, format));
      setJob({ kind: 'idle' });
    } catch (e) {
      if (ac.signal.aborted) return;
      setJob({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  const shown = rows && rows.key === key ? rows.rows : null;
  const counts = shown ? verdictCounts(shown) : null;
  return (
    <section aria-labelledby="evidence-title">
      <h1 id="evidence-title">{t('evidence.title')}</h1>
      <p>{t('evidence.intro')}</p>
      <form
        className="card"
        onSubmit={(e) => {
          e.preventDefault();
          void run('json');
        }}
      >
        <label>
          {t('header.site')}{' '}
          <select value={site} onChange={(e) => setSite(e.target.value)} data-testid="evidence-site">
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {siteName(s, lang)}
              </option>
            ))}
          </select>
        </label>{' '}
        {choices.map((c) => (
          <button
            key={c.id}
            type="button"
            className="btn"
            aria-pressed={period.id === c.id}
            onClick={() => setPeriod(c)}
          >
            {t(`evidence.preset.${c.id}`)} ({c.from} … {c.to})
          </button>
        ))}{' '}
        <label>
          {t('common.from')}{' '}
          <input
            type="date"
            value={period.from}
            onChange={(e) => setPeriod({ id: 'custom', from: e.target.value, to: period.to })}
            data-testid="evidence-from"
          />
        </label>{' '}
        <label>
          {t('common.to')}{' '}
          <input
            type="date"
            value={period.to}
            onChange={(e) => setPeriod({ id: 'custom', from: period.from, to: e.target.value })}
            data-testid="evidence-to"
          />
        </label>{' '}
        <button type="submit" className="btn" disabled={busy || problem !== null || !site} data-testid="evidence-run">
          {t('evidence.compute')}
        </button>
        {problem ? (
          <p className="error" role="alert">
            {t(`evidence.problem.${problem}`)}
          </p>
        ) : null}
      </form>

      {busy ? (
        <p role="status" aria-live="polite" data-testid="evidence-busy">
          <span className="spinner" aria-hidden="true" />{' '}
          {t('evidence.working', { what: job.what.toUpperCase(), elapsed: formatElapsed(now - job.since) })}
        </p>
      ) : null}
      {job.kind === 'error' ? (
        <p className="error" role="alert">
          {t('common.error', { message: job.message })}
        </p>
      ) : null}

      {shown && counts ? (
        <section className="card" aria-labelledby="evidence-checklist">
          <h2 id="evidence-checklist">
            {t('evidence.checklist')} <small>{t('evidence.counts', counts)}</small>
          </h2>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('evidence.clause')}</th>
                  <th scope="col">{t('evidence.verdict')}</th>
                  <th scope="col">{t('evidence.coverage')}</th>
                  <th scope="col">{t('evidence.excursions')}</th>
                  <th scope="col">{t('evidence.gaps')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.clause} data-testid="evidence-row" data-verdict={r.verdict}>
                    <th scope="row">
                      {r.clause} {r.title}
                    </th>
                    <td data-label={t('evidence.verdict')} title={r.reason}>
                      <span
                        className={`badge ${r.verdict === 'pass' ? 'badge-ok' : r.verdict === 'fail' ? 'badge-critical' : ''}`}
                      >
                        {t(`evidence.v.${r.verdict}`)}
                      </span>
                    </td>
                    <td data-label={t('evidence.coverage')}>{r.coveragePct === null ? '—' : `${r.coveragePct} %`}</td>
                    <td className={r.excursions ? 'bad' : ''} data-label={t('evidence.excursions')}>
                      {r.excursions}
                    </td>
                    <td data-label={t('evidence.gaps')}>{r.gaps}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      <p>
        {(['pdf', 'csv', 'json'] as const).map((f) => (
          <button
            key={f}
            type="button"
            className="btn"
            disabled={busy || problem !== null || !site}
            onClick={() => void run(f)}
            data-testid={`evidence-download-${f}`}
          >
            {t('evidence.download', { format: f.toUpperCase() })}
          </button>
        ))}
      </p>
    </section>
  );
}
