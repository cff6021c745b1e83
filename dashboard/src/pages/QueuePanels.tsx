// Queue length and waiting time, evaluation rate per window against 70 % (青浦 2021 三.4, 2025 6.1.1),
// and open bad-rating follow-ups with their "1、5、15" deadlines (DB31/T 862-2021 10.1.3) and their
// callbacks (回访, 2025 standard 6.1.5). The day's events come from GET /api/events and live ones
// are appended as they arrive.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp, useLive } from '../app-context.ts';
import type { CallbackOutcome, Followup, FollowupAction } from '@hallmon/contract';
import { api, ApiError } from '../api/client.ts';
import { canFollowUp } from '../lib/roles.ts';
import type { DeviceEvent, SiteInfo } from '@hallmon/contract';
import { Stat, num } from '../components/Stat.tsx';
import { useApi, useNow } from '../hooks.ts';
import { clauseLabel, ruleLimits } from '../lib/clauses.ts';
import { deadlineView, followUpsToShow, formatSpan, sortFollowUps } from '../lib/deadlines.ts';
import { evaluationRates, queueStats } from '../lib/hall-stats.ts';
import { windowOfDevice } from '../lib/site-model.ts';
import { formatDateTime, startOfDay } from '../lib/time-format.ts';

const TARGET = ruleLimits('evaluation-rate').min ?? 70;

const eventKey = (e: DeviceEvent) => `${e.device}|${e.type}|${e.ts}|${e.ticket ?? ''}|${e.score ?? ''}`;

/** Today's counter events: fetched once per site-day (and after reconnects), plus live ones. */
export function useTodayEvents(site: SiteInfo): DeviceEvent[] {
  const store = useLive();
  const dayStart = startOfDay(Date.now(), site.timezone);
  const fetched = useApi(
    (signal) => api.events({ site: site.id, from: dayStart, to: Date.now() + 60_000 }, signal),
    [site.id, dayStart, store.reconnects],
  );
  const live = store.siteEvents(site.id);
  const liveLen = live.length;
  return useMemo(() => {
    const seen = new Set<string>();
    const out: DeviceEvent[] = [];
    for (const e of [...(fetched.data ?? []), ...live]) {
      const k = eventKey(e);
      if (seen.has(k) || Date.parse(e.ts) < dayStart) continue;
      seen.add(k);
      out.push({ ...e, site: site.id });
    }
    return out;
    // live is mutated in place; its length says when it changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetched.data, liveLen, dayStart, site.id]);
}

export function QueueStatsPanel({
  site,
  events,
  big = false,
}: {
  site: SiteInfo;
  events: DeviceEvent[];
  big?: boolean;
}) {
  const { t } = useTranslation();
  const now = useNow(10_000);
  const q = queueStats(events, now);
  const min = (v: number | null) => (v === null ? '—' : t('queues.minutes', { n: num(v, 0) }));
  return (
    <section className="card" aria-labelledby={`queue-${site.id}`}>
      <h2 id={`queue-${site.id}`}>{t('queues.title')}</h2>
      <div className="stats">
        <Stat big={big} label={t('queues.waiting')} value={String(q.waiting)} testId="queue-waiting" />
        <Stat big={big} label={t('queues.meanWait')} value={min(q.meanWaitMin)} />
        <Stat big={big} label={t('queues.longestWait')} value={min(q.longestWaitMin)} />
        <Stat big={big} label={t('queues.issued')} value={String(q.issued)} />
        <Stat big={big} label={t('queues.served')} value={String(q.served)} />
        <Stat big={big} label={t('queues.abandoned')} value={String(q.abandoned)} />
      </div>
    </section>
  );
}

export function EvaluationPanel({ site, events }: { site: SiteInfo; events: DeviceEvent[] }) {
  const { t, i18n } = useTranslation();
  const windows = useMemo(() => windowOfDevice(site), [site]);
  const { windows: rows, hall } = evaluationRates(events, windows, 2);
  const all = [...rows, { ...hall, window: t('queues.hallRate') }];
  return (
    <section className="card" aria-labelledby={`eval-${site.id}`}>
      <h2 id={`eval-${site.id}`}>
        {t('queues.evalRate')} <small>{clauseLabel('6.1.1', i18n.language)}</small>
      </h2>
      <ul className="bars">
        {all.map((r) => {
          const low = r.rate !== null && r.rate < TARGET;
          return (
            <li key={r.window} className={low ? 'bad' : r.rate === null ? '' : 'ok'} data-testid="eval-row">
              <span className="bar-label">{r.window}</span>
              <span
                className="bar"
                role="meter"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={r.rate ?? 0}
                aria-label={`${r.window} ${t('queues.rate')}`}
              >
                <span className="bar-fill" style={{ width: `${r.rate ?? 0}%` }} />
                <span className="bar-target" style={{ left: `${TARGET}%` }} />
              </span>
              <span className="bar-value">
                {r.rate === null ? '—' : `${r.rate.toFixed(0)} %`}{' '}
                <small>
                  ({r.rated}/{r.served}
                  {r.bad ? ` · ${t('queues.bad')} ${r.bad}` : ''})
                </small>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Set once the server answered 404 for GET /api/followups (a server without follow-ups): asked once per load. */
let followupsMissing = false;

export function FollowUpsPanel({ site }: { site: SiteInfo }) {
  const { t, i18n } = useTranslation();
  const { store, session } = useApp();
  const now = useNow(30_000);
  // Answering and putting right are the hall's job (admin too): the contract's right, the server's check.
  const canAct = canFollowUp(session.role);
  const [busy, setBusy] = useState<string | null>(null);
  const [stepError, setStepError] = useState<string | null>(null);
  // A server without GET /api/followups (404) is "not available", not an error; it is asked once
  // per page load (the browser itself logs every 404 in the console).
  const list = useApi(
    (signal) =>
      followupsMissing
        ? Promise.resolve(null)
        : api.followups(site.id, 'all', signal).catch((e: unknown) => {
            if (e instanceof ApiError && e.status === 404) return ((followupsMissing = true), null);
            throw e;
          }),
    [site.id, store.reconnects],
  );
  const rows = sortFollowUps(followUpsToShow(list.data ?? [], now), now);
  const [calling, setCalling] = useState<string | null>(null);
  const step = (id: string, action: Exclude<FollowupAction, 'callback'>) => {
    setBusy(id);
    setStepError(null);
    api
      .followupStep(id, action)
      .then(
        () => list.reload(),
        (e: unknown) => setStepError(e instanceof Error ? e.message : String(e)),
      )
      .finally(() => setBusy(null));
  };
  return (
    <section className="card" aria-labelledby={`fu-${site.id}`}>
      <h2 id={`fu-${site.id}`}>
        {t('queues.followups')} <small>{clauseLabel('10.1.3', i18n.language)}</small>
      </h2>
      {list.error ? <p className="error">{t('common.error', { message: list.error })}</p> : null}
      {stepError ? <p className="error">{t('queues.actFailed', { message: stepError })}</p> : null}
      {list.data === null ? <p className="empty">{t('queues.followupsUnavailable')}</p> : null}
      {rows.length === 0 && !list.loading && list.data !== null ? (
        <p className="empty">{t('queues.noFollowups')}</p>
      ) : null}
      <ul className="followups">
        {rows.map((f) => {
          const v = deadlineView(f, now);
          return (
            <li key={f.id} className={v.overdue ? 'bad' : v.urgent ? 'warn' : ''} data-testid="followup-row">
              <strong>
                {f.window ?? f.device} · {t('queues.score')} {f.score}
              </strong>{' '}
              <span>
                {t('queues.ratedAt')} {formatDateTime(f.ratedAt, site.timezone, i18n.language)}
              </span>
              <div>
                {t(`queues.stage.${v.stage}`)}
                {v.due !== null ? (
                  <>
                    {' · '}
                    {t('queues.due')} {formatDateTime(v.due, site.timezone, i18n.language)} ·{' '}
                    <b>
                      {v.overdue
                        ? t('queues.overdue', { span: formatSpan(v.leftMs ?? 0, i18n.language) })
                        : t('queues.left', { span: formatSpan(v.leftMs ?? 0, i18n.language) })}
                    </b>
                  </>
                ) : null}
              </div>
              <CallbackLine f={f} tz={site.timezone} />
              {canAct ? (
                <div className="actions">
                  {v.stage !== 'done'
                    ? (['respond', 'complex', 'resolve'] as const)
                        .filter((a) => a !== 'respond' || !f.respondedAt)
                        .map((a) => (
                          <button
                            key={a}
                            type="button"
                            disabled={busy === f.id}
                            onClick={() => step(f.id, a)}
                            data-testid={`followup-${a}`}
                          >
                            {t(`queues.act.${a}`)}
                          </button>
                        ))
                    : null}
                  <button
                    type="button"
                    aria-expanded={calling === f.id}
                    onClick={() => setCalling(calling === f.id ? null : f.id)}
                    data-testid="followup-callback"
                  >
                    {t('queues.act.callback')}
                  </button>
                </div>
              ) : null}
              {calling === f.id ? (
                <CallbackForm
                  id={f.id}
                  onDone={() => {
                    setCalling(null);
                    list.reload();
                  }}
                  onError={setStepError}
                />
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The last callback of a follow-up in one line (who, when, how it went). */
function CallbackLine({ f, tz }: { f: Followup; tz: string }) {
  const { t, i18n } = useTranslation();
  const last = f.callbacks[f.callbacks.length - 1];
  if (!last) return null;
  return (
    <div data-testid="followup-callback-last">
      {t('queues.callback.last', {
        count: f.callbacks.length,
        at: formatDateTime(last.at, tz, i18n.language),
        by: last.by,
        outcome: t(`queues.callback.outcome.${last.outcome}`),
      })}
      {f.satisfied !== null ? (
        <>
          {' · '}
          <b className={f.satisfied ? '' : 'bad'}>
            {t(f.satisfied ? 'queues.callback.satisfied' : 'queues.callback.dissatisfied')}
          </b>
        </>
      ) : null}
    </div>
  );
}

/** Records a callback: how it went, satisfied or not when reached, a note. */
function CallbackForm({ id, onDone, onError }: { id: string; onDone: () => void; onError: (m: string) => void }) {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<CallbackOutcome>('reached');
  const [satisfied, setSatisfied] = useState<boolean | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const ready = outcome !== 'reached' || satisfied !== null;
  return (
    <form
      className="callback"
      aria-label={t('queues.act.callback')}
      onSubmit={(e) => {
        e.preventDefault();
        if (!ready) return;
        setBusy(true);
        api
          .callback(id, { outcome, satisfied, note })
          .then(onDone, (err: unknown) => onError(err instanceof Error ? err.message : String(err)))
          .finally(() => setBusy(false));
      }}
    >
      <label>
        {t('queues.callback.outcomeLabel')}{' '}
        <select
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as CallbackOutcome)}
          data-testid="callback-outcome"
        >
          {(['reached', 'no-answer', 'refused'] as const).map((o) => (
            <option key={o} value={o}>
              {t(`queues.callback.outcome.${o}`)}
            </option>
          ))}
        </select>
      </label>
      {outcome === 'reached' ? (
        <fieldset>
          <legend>{t('queues.callback.question')}</legend>
          {([true, false] as const).map((v) => (
            <label key={String(v)}>
              <input
                type="radio"
                name={`satisfied-${id}`}
                checked={satisfied === v}
                onChange={() => setSatisfied(v)}
                data-testid={`callback-satisfied-${v ? 'yes' : 'no'}`}
              />{' '}
              {t(v ? 'queues.callback.satisfied' : 'queues.callback.dissatisfied')}
            </label>
          ))}
        </fieldset>
      ) : null}
      <label>
        {t('queues.callback.note')}{' '}
        <input value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} data-testid="callback-note" />
      </label>{' '}
      <button type="submit" className="btn" disabled={busy || !ready} data-testid="callback-save">
        {t('queues.callback.save')}
      </button>
    </form>
  );
}
