// 操作记录: the audit trail (GET /api/audit): who signed in, acknowledged, answered a follow-up,
// downloaded evidence, ran a self-test or changed a user, newest first. An administrator reads all
// of it; everyone else the entries of their sites and their own sign-ins (the server decides).
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_ACTIONS } from '@hallmon/contract/accounts';
import type { AuditEntry } from '@hallmon/contract';
import { useApp, siteName } from '../app-context.ts';
import { api } from '../api/client.ts';
import { useApi } from '../hooks.ts';
import { formatDateTime } from '../lib/time-format.ts';

const SPANS = [1, 7, 30, 90] as const;

export default function Audit() {
  const { t, i18n } = useTranslation();
  const { sites } = useApp();
  const [days, setDays] = useState<(typeof SPANS)[number]>(7);
  const [site, setSite] = useState('');
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [query, setQuery] = useState({ days, site, actor });
  const rows = useApi(
    (signal) => {
      const to = Date.now() + 60_000;
      return api.audit(
        {
          from: to - query.days * 86_400_000,
          to,
          ...(query.site ? { site: query.site } : {}),
          ...(query.actor ? { actor: query.actor } : {}),
        },
        signal,
      );
    },
    [query],
  );
  const list = useMemo(
    () => [...(rows.data ?? [])].filter((e) => !action || e.action === action).reverse(),
    [rows.data, action],
  );
  const lang = i18n.language;
  const siteLabel = (id: string | null) => {
    if (id === null) return '—';
    const s = sites.find((x) => x.id === id);
    return s ? siteName(s, lang) : id;
  };
  const tz = (id: string | null) => sites.find((x) => x.id === id)?.timezone ?? 'Asia/Shanghai';

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p className="muted">{t('audit.intro')}</p>
      <form
        className="controls"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ days, site, actor: actor.trim() });
        }}
      >
        <label>
          {t('audit.span')}
          <select value={days} onChange={(e) => setDays(Number(e.target.value) as (typeof SPANS)[number])}>
            {SPANS.map((n) => (
              <option key={n} value={n}>
                {t('audit.days', { n })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.site')}
          <select value={site} onChange={(e) => setSite(e.target.value)} data-testid="audit-site">
            <option value="">{t('audit.allSites')}</option>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {siteName(s, lang)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('audit.actorFilter')}
          <input value={actor} onChange={(e) => setActor(e.target.value)} data-testid="audit-actor" />
        </label>
        <label>
          {t('audit.action')}
          <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action">
            <option value="">{t('common.all')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`audit.a.${a}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary">
          {t('common.apply')}
        </button>
      </form>
      {rows.error ? <p className="error">{t('common.error', { message: rows.error })}</p> : null}
      {rows.loading && !rows.data ? <p>{t('common.loading')}</p> : null}
      {rows.data ? <p data-testid="audit-count">{t('audit.count', { count: list.length })}</p> : null}
      {rows.data && list.length === 0 ? <p>{t('audit.empty')}</p> : null}
      {list.length ? (
        <div className="table-wrap">
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('audit.time')}</th>
                <th scope="col">{t('audit.actor')}</th>
                <th scope="col">{t('audit.action')}</th>
                <th scope="col">{t('audit.site')}</th>
                <th scope="col">{t('audit.target')}</th>
                <th scope="col">{t('audit.ip')}</th>
                <th scope="col">{t('audit.result')}</th>
                <th scope="col">{t('audit.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-action={e.action} data-actor={e.actor}>
                  <td data-label={t('audit.time')}>{formatDateTime(e.ts, tz(e.site), lang)}</td>
                  <th scope="row">{e.actor}</th>
                  <td data-label={t('audit.action')}>{t(`audit.a.${e.action}`)}</td>
                  <td data-label={t('audit.site')}>{siteLabel(e.site)}</td>
                  <td data-label={t('audit.target')}>{e.target ?? '—'}</td>
                  <td data-label={t('audit.ip')}>{e.ip ?? '—'}</td>
                  <td data-label={t('audit.result')}>
                    <span className={`badge ${e.ok ? 'badge-ok' : 'badge-critical'}`}>
                      {e.ok ? t('audit.ok') : t('audit.failed')}
                    </span>
                  </td>
                  <td data-label={t('audit.detail')}>
                    <small>{detailText(e)}</small>
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

function detailText(e: AuditEntry): string {
  return Object.entries(e.detail)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' · ');
}
