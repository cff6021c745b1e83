// 机房登记: the machine-room entry register (clause 5.2.2 "非机房工作人员因工作需要进入机房时，先进行登记，
// 由网管陪同方可进入"). Who is inside now and the last 30 days' visits; a network administrator (or an
// admin) records a visitor coming in and leaving. Every entry is in the audit trail; a door opening
// no visit covers raises "未登记进入机房" and fails 5.2.2 in the evidence pack.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SiteInfo, Visit } from '@hallmon/contract';
import { useApp, siteById, siteName } from '../app-context.ts';
import { api } from '../api/client.ts';
import { useApi } from '../hooks.ts';
import { canRegisterVisits } from '../lib/roles.ts';
import { formatDateTime } from '../lib/time-format.ts';
import { SitePicker } from './SitePicker.tsx';

export default function Visits({ siteId }: { siteId?: string }) {
  const { t } = useTranslation();
  const { sites } = useApp();
  const site = siteById(sites, siteId);
  if (!site) return <p>{t('common.noData')}</p>;
  return <VisitsFor key={site.id} site={site} sites={sites} />;
}

const EMPTY = { visitor: '', organisation: '', reason: '', escort: '' };

function VisitsFor({ site, sites }: { site: SiteInfo; sites: SiteInfo[] }) {
  const { t, i18n } = useTranslation();
  const { session } = useApp();
  const list = useApi((signal) => api.visits({ site: site.id, state: 'all' }, signal), [site.id]);
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const writer = canRegisterVisits(session.role);
  const hasRoom = site.zones.some((z) => z.kind === 'machine-room');
  const when = (iso: string | null) => (iso ? formatDateTime(iso, site.timezone, i18n.language) : '—');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.addVisit({ site: site.id, ...form });
      setForm(EMPTY);
      list.reload();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const leave = async (v: Visit) => {
    setError(undefined);
    try {
      await api.visitOut(v.id);
      list.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const rows = [...(list.data ?? [])].sort(
    (a, b) => Number(b.state === 'inside') - Number(a.state === 'inside') || b.inAt.localeCompare(a.inAt),
  );
  const field = (k: keyof typeof EMPTY) => (
    <label>
      {t(`visits.${k}`)}
      <input
        required
        maxLength={k === 'reason' ? 500 : k === 'organisation' ? 200 : 100}
        value={form[k]}
        onChange={(e) => setForm({ ...form, [k]: e.target.value })}
        data-testid={`visit-${k}`}
      />
    </label>
  );
  return (
    <section aria-labelledby="visits-title">
      <div className="page-head">
        <h1 id="visits-title">
          {t('visits.title')} · {siteName(site, i18n.language)}
        </h1>
        <SitePicker sites={sites} current={site.id} page="visits" />
      </div>
      <p className="hint">{t('visits.intro')}</p>
      {!hasRoom ? <p className="empty">{t('visits.noRoom')}</p> : null}
      {writer && hasRoom ? (
        <form className="card visit-form" onSubmit={(e) => void submit(e)} data-testid="visit-form">
          <h2>{t('visits.new')}</h2>
          {field('visitor')}
          {field('organisation')}
          {field('reason')}
          {field('escort')}
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="visit-submit">
            {t('visits.register')}
          </button>
        </form>
      ) : null}
      {error ? (
        <p className="error" role="alert">
          {t('common.error', { message: error })}
        </p>
      ) : null}
      {list.error ? <p className="error">{t('common.error', { message: list.error })}</p> : null}
      <table className="table" data-testid="visits-table">
        <thead>
          <tr>
            <th>{t('visits.visitor')}</th>
            <th>{t('visits.organisation')}</th>
            <th>{t('visits.reason')}</th>
            <th>{t('visits.escort')}</th>
            <th>{t('visits.in')}</th>
            <th>{t('visits.out')}</th>
            <th>{t('visits.writtenBy')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={7} className="empty">
                {t('visits.empty')}
              </td>
            </tr>
          ) : (
            rows.map((v) => (
              <tr key={v.id} data-testid="visit-row" data-state={v.state}>
                <td>{v.visitor}</td>
                <td>{v.organisation}</td>
                <td>{v.reason}</td>
                <td>{v.escort}</td>
                <td>{when(v.inAt)}</td>
                <td>
                  {v.state === 'inside' ? (
                    <>
                      <span className="badge badge-warning">{t('visits.inside')}</span>{' '}
                      {writer ? (
                        <button type="button" className="btn" onClick={() => void leave(v)} data-testid="visit-leave">
                          {t('visits.leave')}
                        </button>
                      ) : null}
                    </>
                  ) : (
                    when(v.outAt)
                  )}
                </td>
                <td>
                  {v.createdBy} · {when(v.createdAt)}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}
