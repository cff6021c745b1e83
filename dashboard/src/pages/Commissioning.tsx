// The commissioning check of one device (GET .../commissioning, every 2 s while open): its first
// readings since it got its current settings, and the server's verdict within a minute: ok,
// implausible values (wrong profile or unit id), no answer, or nothing heard.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Commissioning as Check } from '@hallmon/contract';
import { api } from '../api/client.ts';
import { formatDateTime } from '../lib/time-format.ts';

const BADGE: Record<Check['state'], string> = {
  waiting: '',
  ok: 'badge-ok',
  implausible: 'badge-critical',
  'no-answer': 'badge-critical',
  silent: 'badge-warning',
};

export function Commissioning({
  site,
  device,
  lang,
  timezone,
  onClose,
}: {
  site: string;
  device: string;
  lang: string;
  timezone: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [check, setCheck] = useState<Check>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    const ac = new AbortController();
    const load = () =>
      api.config.commissioning(site, device, ac.signal).then(
        (c) => {
          setCheck(c);
          setError(undefined);
        },
        (e: Error) => {
          if (!ac.signal.aborted) setError(e.message);
        },
      );
    void load();
    const id = setInterval(() => void load(), 2000);
    return () => {
      clearInterval(id);
      ac.abort();
    };
  }, [site, device]);
  return (
    <section
      className="card"
      aria-labelledby="cfg-check-title"
      data-testid="commissioning"
      data-device={device}
      data-state={check?.state ?? ''}
    >
      <h2 id="cfg-check-title">{t('cfg.commissioning.title', { id: device })}</h2>
      {error ? <p className="error">{t('common.error', { message: error })}</p> : null}
      {check ? (
        <>
          <p>
            <span className={`badge ${BADGE[check.state]}`} data-testid="commissioning-state">
              {t(`cfg.commissioning.${check.state}`)}
            </span>{' '}
            <span data-testid="commissioning-hint">
              {t(`cfg.commissioning.hint.${check.state}`, { s: check.windowS })}
            </span>
          </p>
          <p>
            <small>
              {t('cfg.commissioning.since', { at: formatDateTime(check.since, timezone, lang), s: check.windowS })}
              {check.status ? ` · ${t('cfg.commissioning.status')}: ${t(`common.${check.status}`)}` : ''}
              {check.events ? ` · ${t('cfg.commissioning.events', { n: check.events })}` : ''}
            </small>
          </p>
          {check.metrics.length ? (
            <ul>
              {check.metrics.map((m) => (
                <li
                  key={m.metric}
                  className={m.flag ? 'bad' : ''}
                  data-testid="commissioning-metric"
                  data-flagged={m.flag ? 'yes' : 'no'}
                >
                  {m.metric}: {m.lastValue ?? '—'} {m.unit} ({m.count}){' '}
                  {m.outOfRange
                    ? `— ${t('cfg.commissioning.outOfRange', { n: m.outOfRange, min: m.plausible.min, max: m.plausible.max })}`
                    : m.flag
                      ? `— ${t('cfg.commissioning.outsideRoom', { min: m.min, max: m.max, emin: m.expected.min, emax: m.expected.max })}`
                      : ''}
                </li>
              ))}
            </ul>
          ) : null}
          {check.readings.length ? (
            <div className="table-wrap">
              <table className="table">
                <caption>{t('cfg.commissioning.first')}</caption>
                <tbody>
                  {check.readings.map((r) => (
                    <tr key={`${r.ts}|${r.metric}`} data-testid="commissioning-reading" data-metric={r.metric}>
                      <td>{formatDateTime(r.ts, timezone, lang)}</td>
                      <td>{r.metric}</td>
                      <td data-testid="commissioning-value">{r.value}</td>
                      <td>{r.quality}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : (
        <p>{t('common.loading')}</p>
      )}
      <button type="button" className="btn" onClick={onClose}>
        {t('cfg.close')}
      </button>
    </section>
  );
}
