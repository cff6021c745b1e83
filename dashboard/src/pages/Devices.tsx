// Devices: every device with online/offline (live status wins over the fetched one), last seen in
// the site's zone, error counters by kind, faults this month and repair time in working days,
// judged against clause 1.2.1 / 2021 rules 三.3 (at most one fault a month, repaired in 5 working days);
// and each site's edge clocks against the server's (more than 5 s off is a device fault with an alarm).
import { useTranslation } from 'react-i18next';
import { useApp, useLive, siteName } from '../app-context.ts';
import { api } from '../api/client.ts';
import { useApi } from '../hooks.ts';
import { findRule, clauseLabel } from '../lib/clauses.ts';
import { effectiveStatus } from '../lib/site-model.ts';
import { formatDateTime } from '../lib/time-format.ts';

const params = findRule('device-offline')?.rule.params ?? {};
const MAX_FAULTS = params.maxFaultsPerMonth ?? 1;
const REPAIR_DAYS = params.repairWorkingDays ?? 5;

export default function Devices() {
  const { t, i18n } = useTranslation();
  const { sites } = useApp();
  const store = useLive();
  const rows = useApi((signal) => api.devices(undefined, signal), [store.reconnects]);
  const clocks = useApi((signal) => api.clocks(undefined, signal), [store.reconnects]);
  const lang = i18n.language;
  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">
        {t('devices.title')} <small>{clauseLabel('1.2.1', lang)}</small>
      </h1>
      {rows.error ? <p className="error">{t('common.error', { message: rows.error })}</p> : null}
      {rows.loading && !rows.data ? <p>{t('common.loading')}</p> : null}
      {sites.map((site) => {
        const list = (rows.data ?? []).filter((d) => d.site === site.id);
        const edges = (clocks.data ?? []).filter((c) => c.site === site.id);
        if (list.length === 0 && edges.length === 0) return null;
        return (
          <section key={site.id} className="card" aria-labelledby={`dev-${site.id}`}>
            <h2 id={`dev-${site.id}`}>{siteName(site, lang)}</h2>
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('devices.device')}</th>
                    <th scope="col">{t('devices.zone')}</th>
                    <th scope="col">{t('devices.status')}</th>
                    <th scope="col">{t('devices.lastSeen')}</th>
                    <th scope="col">{t('devices.errors')}</th>
                    <th scope="col">{t('devices.faults')}</th>
                    <th scope="col">{t('devices.repair')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((d) => {
                    const live = store.deviceStatus(site.id, d.id);
                    const status = effectiveStatus(d, live);
                    const lastSeen = live && (!d.lastSeen || live.ts > d.lastSeen) ? live.ts : d.lastSeen;
                    const errors = Object.entries(d.errors).filter(([, n]) => n > 0);
                    const faultsBad = d.faultsThisMonth > MAX_FAULTS;
                    const repairBad = d.lastRepairWorkingDays !== null && d.lastRepairWorkingDays > REPAIR_DAYS;
                    return (
                      <tr key={d.id} data-testid="device-row" data-device={d.id} data-status={status}>
                        <th scope="row">
                          {d.name ?? d.id}
                          <br />
                          <small>
                            {d.id}
                            {d.window ? ` · ${d.window}` : ''}
                          </small>
                        </th>
                        <td data-label={t('devices.zone')}>{d.zone}</td>
                        <td data-label={t('devices.status')}>
                          <span
                            className={`badge ${status === 'online' ? 'badge-ok' : status === 'offline' ? 'badge-critical' : ''}`}
                          >
                            {t(`common.${status}`)}
                          </span>
                        </td>
                        <td data-label={t('devices.lastSeen')}>
                          {lastSeen ? formatDateTime(lastSeen, site.timezone, lang) : '—'}
                        </td>
                        <td data-label={t('devices.errors')}>
                          {errors.length ? errors.map(([k, n]) => `${k} ${n}`).join(', ') : '0'}
                        </td>
                        <td className={faultsBad ? 'bad' : ''} data-label={t('devices.faults')}>
                          {d.faultsThisMonth}
                          {faultsBad ? <small> ({t('devices.overLimit')})</small> : null}
                        </td>
                        <td className={repairBad || d.openFaultSince ? 'bad' : ''} data-label={t('devices.repair')}>
                          {d.openFaultSince
                            ? t('devices.openFault', { at: formatDateTime(d.openFaultSince, site.timezone, lang) })
                            : d.lastRepairWorkingDays !== null
                              ? t('devices.workingDays', { n: d.lastRepairWorkingDays })
                              : '—'}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {edges.length ? (
              <>
                <h3 id={`clk-${site.id}`}>{t('devices.clocks')}</h3>
                <p>
                  <small>{t('devices.clocksIntro')}</small>
                </p>
                <div className="table-wrap">
                  <table className="table" aria-labelledby={`clk-${site.id}`}>
                    <thead>
                      <tr>
                        <th scope="col">{t('devices.edge')}</th>
                        <th scope="col">{t('devices.offset')}</th>
                        <th scope="col">{t('devices.synced')}</th>
                        <th scope="col">{t('devices.reportedAt')}</th>
                        <th scope="col">{t('devices.status')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {edges.map((c) => (
                        <tr key={c.edge} data-testid="clock-row" data-edge={c.edge} data-level={c.level}>
                          <th scope="row">{c.edge}</th>
                          <td className={c.level === 'ok' ? '' : 'bad'} data-label={t('devices.offset')}>
                            {t('devices.seconds', { s: (c.offsetS > 0 ? '+' : '') + c.offsetS.toFixed(1) })}
                          </td>
                          <td data-label={t('devices.synced')}>
                            {c.synced === null
                              ? t('devices.syncUnknown')
                              : c.synced
                                ? t('devices.syncYes')
                                : t('devices.syncNo')}
                          </td>
                          <td data-label={t('devices.reportedAt')}>
                            {formatDateTime(c.reportedAt, site.timezone, lang)}
                          </td>
                          <td data-label={t('devices.status')}>
                            <span
                              className={`badge ${c.level === 'ok' ? 'badge-ok' : c.level === 'critical' ? 'badge-critical' : 'badge-warning'}`}
                            >
                              {c.faultSince
                                ? t('devices.clockFault', { at: formatDateTime(c.faultSince, site.timezone, lang) })
                                : t('devices.clockOk')}
                            </span>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            ) : null}
          </section>
        );
      })}
    </section>
  );
}
