// Alarms: active and history (GET /api/alarms), filtered by site, clause and severity, with
// acknowledgement and a note (POST /api/alarms/:id/ack) for roles that may. Live alarms from
// socket.io merge in as they arrive, so a new critical alarm is on the list within a frame.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp, useLive, siteName } from '../app-context.ts';
import { api } from '../api/client.ts';
import type { Alarm } from '@hallmon/contract';
import type { Severity } from '@hallmon/firmware-config/core';
import { AlarmList } from '../components/AlarmList.tsx';
import { useApi } from '../hooks.ts';
import { filterAlarms, mergeAlarm, sortAlarms } from '../lib/alarms.ts';
import { catalogue, clauseLabel } from '../lib/clauses.ts';
import { canAck, canAckZone } from '../lib/roles.ts';
import { zoneKindOf } from '../lib/site-model.ts';

const HISTORY_DAYS = 90;

export default function Alarms() {
  const { t, i18n } = useTranslation();
  const { sites, session } = useApp();
  const store = useLive();
  const [tab, setTab] = useState<'active' | 'all'>('active');
  const [site, setSite] = useState('');
  const [clause, setClause] = useState('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [acked, setAcked] = useState<Alarm[]>([]);
  const fetched = useApi(
    (signal) =>
      api.alarms(
        tab === 'active' ? { state: 'active' } : { state: 'all', from: Date.now() - HISTORY_DAYS * 86_400_000 },
        signal,
      ),
    [tab, store.reconnects],
  );

  const list = useMemo(() => {
    let all = fetched.data ?? [];
    for (const a of store.alarms) all = mergeAlarm(all, a);
    for (const a of acked) all = mergeAlarm(all, a);
    return sortAlarms(
      filterAlarms(all, {
        ...(site ? { site } : {}),
        ...(clause ? { clause } : {}),
        ...(severity ? { severity } : {}),
        activeOnly: tab === 'active',
      }),
    );
  }, [fetched.data, store.alarms, acked, site, clause, severity, tab]);

  const tz = (id: string) => sites.find((s) => s.id === id)?.timezone ?? 'Asia/Shanghai';

  async function ack(id: string, note: string) {
    const a = await api.ack(id, note);
    setAcked((prev) => [...prev.filter((x) => x.id !== a.id), a]);
    store.loadAlarms([a]);
  }

  return (
    <section aria-labelledby="alarms-title">
      <h1 id="alarms-title">{t('alarms.title')}</h1>
      <div className="controls">
        <div className="seg" role="tablist" aria-label={t('alarms.title')}>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'active'}
            onClick={() => setTab('active')}
            data-testid="alarms-tab-active"
          >
            {t('alarms.active')}
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={tab === 'all'}
            onClick={() => setTab('all')}
            data-testid="alarms-tab-history"
          >
            {t('alarms.history')}
          </button>
        </div>
        <label>
          {t('alarms.site')}{' '}
          <select value={site} onChange={(e) => setSite(e.target.value)} data-testid="filter-site">
            <option value="">{t('common.all')}</option>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {siteName(s, i18n.language)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alarms.clause')}{' '}
          <select value={clause} onChange={(e) => setClause(e.target.value)} data-testid="filter-clause">
            <option value="">{t('common.all')}</option>
            {catalogue.clauses.map((c) => (
              <option key={c.id} value={c.id}>
                {clauseLabel(c.id, i18n.language)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alarms.severity')}{' '}
          <select
            value={severity}
            onChange={(e) => setSeverity(e.target.value as Severity | '')}
            data-testid="filter-severity"
          >
            <option value="">{t('common.all')}</option>
            <option value="critical">{t('common.critical')}</option>
            <option value="warning">{t('common.warning')}</option>
          </select>
        </label>
      </div>
      {!canAck(session.role) ? <p className="notice">{t('alarms.readOnly')}</p> : null}
      {fetched.error ? <p className="error">{t('common.error', { message: fetched.error })}</p> : null}
      {fetched.loading && !fetched.data ? (
        <p>{t('common.loading')}</p>
      ) : (
        <AlarmList
          alarms={list}
          timeZoneOf={tz}
          canAck={(a) =>
            canAckZone(
              session.role,
              zoneKindOf(
                sites.find((s) => s.id === a.site),
                a.sensor,
              ),
            )
          }
          onAck={ack}
        />
      )}
    </section>
  );
}
