// The scheduled report packs (GET /api/reports): monthly and quarterly, per centre and for the
// district, with their state; a pack being built shows its phase and a progress bar, refreshed
// every two seconds until it is done. Files download with the session's token. Admin and the
// district office may build a plan's latest period now (POST /api/reports).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Report } from '@hallmon/contract';
import { useApp } from '../app-context.ts';
import { api } from '../api/client.ts';
import { useApi } from '../hooks.ts';
import { canBuildReports } from '../lib/roles.ts';
import { fetchEvidence, saveBlob } from '../lib/evidence.ts';
import { formatDateTime } from '../lib/time-format.ts';

export default function Reports() {
  const { t, i18n } = useTranslation();
  const { session } = useApp();
  const list = useApi((signal) => api.reports(signal), []);
  const [message, setMessage] = useState<string | null>(null);
  const building = list.data?.reports.some((r) => r.state === 'queued' || r.state === 'building') ?? false;
  // Poll while something builds, so the progress moves.
  useEffect(() => {
    if (!building) return;
    const id = setTimeout(list.reload, 2000);
    return () => clearTimeout(id);
  }, [building, list]);
  const build = (plan: string) => {
    setMessage(null);
    api.buildReport(plan).then(
      () => list.reload(),
      (e: unknown) => setMessage(e instanceof Error ? e.message : String(e)),
    );
  };
  const download = (r: Report, name: string) =>
    fetchEvidence(`/api/reports/${encodeURIComponent(r.id)}/file/${name}`).then(
      async (res) => saveBlob(await res.blob(), `${r.id.replace(/[^A-Za-z0-9_.-]/g, '_')}-${name.split('/').pop()}`),
      (e: unknown) => setMessage(e instanceof Error ? e.message : String(e)),
    );
  const data = list.data;
  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">{t('reports.title')}</h1>
      <p>{t('reports.intro')}</p>
      {data && canBuildReports(session.role) ? (
        <p>
          {data.plans
            .filter((p) => p.enabled)
            .map((p) => (
              <button
                key={p.id}
                type="button"
                className="btn"
                onClick={() => build(p.id)}
                data-testid={`reports-build-${p.id}`}
              >
                {t('reports.buildNow', { plan: t(`reports.plan.${p.period}.${p.scope}`) })}
              </button>
            ))}
        </p>
      ) : null}
      {message ? <p className="error">{t('common.error', { message })}</p> : null}
      {list.error ? <p className="error">{t('common.error', { message: list.error })}</p> : null}
      {data && data.reports.length === 0 ? <p className="empty">{t('reports.none')}</p> : null}
      {data?.reports.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('reports.report')}</th>
                <th scope="col">{t('reports.days')}</th>
                <th scope="col">{t('reports.state')}</th>
                <th scope="col">{t('reports.files')}</th>
                <th scope="col">{t('reports.sent')}</th>
              </tr>
            </thead>
            <tbody>
              {data.reports.map((r) => (
                <tr key={r.id} data-testid="report-row" data-state={r.state} data-scope={r.scope}>
                  <th scope="row">{r.title}</th>
                  <td data-label={t('reports.days')}>
                    {r.firstDay} … {r.lastDay}
                  </td>
                  <td data-label={t('reports.state')}>
                    {r.state === 'building' || r.state === 'queued' ? (
                      <span role="status">
                        {t(`reports.states.${r.state}`)} {r.phase ? `· ${r.phase}` : ''}
                        <progress max={1} value={r.progress} data-testid="report-progress" />{' '}
                        {Math.round(r.progress * 100)} %
                      </span>
                    ) : (
                      <span className={r.state === 'failed' ? 'bad' : ''} title={r.error ?? ''}>
                        {t(`reports.states.${r.state}`)}
                        {r.finishedAt ? ` · ${formatDateTime(r.finishedAt, 'Asia/Shanghai', i18n.language)}` : ''}
                      </span>
                    )}
                  </td>
                  <td data-label={t('reports.files')}>
                    {r.files
                      .filter(
                        (f) => f.name.endsWith('.pdf') || f.name === 'evidence.json' || f.name === 'district.json',
                      )
                      .map((f) => (
                        <button
                          key={f.name}
                          type="button"
                          className="link"
                          onClick={() => void download(r, f.name)}
                          data-testid="report-file"
                        >
                          {f.name} ({Math.max(1, Math.round(f.size / 1024))} KB)
                        </button>
                      ))}
                  </td>
                  <td data-label={t('reports.sent')}>
                    {r.deliveries.length
                      ? r.deliveries.map((d) => `${d.route}: ${t(`reports.delivery.${d.status}`)}`).join('，')
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
