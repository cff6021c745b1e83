// The alarm list: each alarm with its clause number and rule, sensor, start/clear times in the
// site's zone, peak, acknowledgement, and (for roles that may) an acknowledge form with a note
// (the network administrator acknowledges with a note; the record is the evidence).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Alarm } from '@hallmon/contract';
import { isActive } from '../lib/alarms.ts';
import { ruleLabel } from '../lib/clauses.ts';
import { formatDateTime } from '../lib/time-format.ts';

export interface AlarmListProps {
  alarms: Alarm[];
  timeZoneOf: (site: string) => string;
  /** Whether the signed-in role may acknowledge this alarm (its zone: the hall or the rooms). */
  canAck: (a: Alarm) => boolean;
  onAck: (id: string, note: string) => Promise<void>;
}

export function AlarmList({ alarms, timeZoneOf, canAck, onAck }: AlarmListProps) {
  const { t } = useTranslation();
  if (alarms.length === 0) return <p className="empty">{t('alarms.empty')}</p>;
  return (
    <ul className="alarm-list" aria-label={t('alarms.title')}>
      {alarms.map((a) => (
        <AlarmRow key={a.id} alarm={a} timeZone={timeZoneOf(a.site)} canAck={canAck(a)} onAck={onAck} />
      ))}
    </ul>
  );
}

function AlarmRow({
  alarm: a,
  timeZone,
  canAck,
  onAck,
}: {
  alarm: Alarm;
  timeZone: string;
  canAck: boolean;
  onAck: AlarmListProps['onAck'];
}) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const lang = i18n.language;
  const active = isActive(a);
  const noteId = `ack-note-${a.id}`;

  async function confirm() {
    setBusy(true);
    setError(undefined);
    try {
      await onAck(a.id, note.trim());
      setOpen(false);
      setNote('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li
      className={`alarm-row sev-${a.severity}${active ? ' is-active' : ''}`}
      data-testid="alarm-row"
      data-alarm-id={a.id}
      data-severity={a.severity}
      data-active={active}
    >
      <div className="alarm-head">
        <span className={`badge badge-${a.severity}`}>{t(`common.${a.severity}`)}</span>
        <span className="badge">{active ? t('alarms.raised') : t('alarms.clearedState')}</span>
        <strong className="alarm-rule">{ruleLabel(a.clause, a.rule, lang)}</strong>
      </div>
      <dl className="alarm-meta">
        <div>
          <dt>{t('alarms.site')}</dt>
          <dd>{a.site}</dd>
        </div>
        <div>
          <dt>{t('alarms.sensor')}</dt>
          <dd>{a.sensor}</dd>
        </div>
        <div>
          <dt>{t('alarms.started')}</dt>
          <dd>{formatDateTime(a.startedAt, timeZone, lang)}</dd>
        </div>
        {a.clearedAt ? (
          <div>
            <dt>{t('alarms.cleared')}</dt>
            <dd>{formatDateTime(a.clearedAt, timeZone, lang)}</dd>
          </div>
        ) : null}
        {a.peak !== null && a.peak !== undefined ? (
          <div>
            <dt>{t('alarms.peak')}</dt>
            <dd>{a.peak.toFixed(1)}</dd>
          </div>
        ) : null}
      </dl>
      {a.message ? <p className="alarm-message">{a.message}</p> : null}
      {a.ackedAt ? (
        <p className="alarm-ack" data-testid="alarm-acked">
          ✓ {t('alarms.ackedBy', { user: a.ackedBy ?? '?', at: formatDateTime(a.ackedAt, timeZone, lang) })}
          {a.ackNote ? <span className="ack-note-text">: {a.ackNote}</span> : null}
        </p>
      ) : canAck && !open ? (
        <button type="button" className="btn" data-testid="ack-button" onClick={() => setOpen(true)}>
          {t('alarms.ack')}
        </button>
      ) : null}
      {open && !a.ackedAt ? (
        <form
          className="ack-form"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <label htmlFor={noteId}>{t('alarms.note')}</label>
          <textarea
            id={noteId}
            data-testid="ack-note"
            value={note}
            maxLength={1000}
            rows={2}
            placeholder={t('alarms.notePlaceholder')}
            onChange={(e) => setNote(e.target.value)}
          />
          <div className="row">
            <button type="submit" className="btn btn-primary" data-testid="ack-confirm" disabled={busy}>
              {t('alarms.confirm')}
            </button>
            <button type="button" className="btn" onClick={() => setOpen(false)} disabled={busy}>
              {t('alarms.cancel')}
            </button>
          </div>
          {error ? (
            <p className="error" role="alert">
              {t('common.error', { message: error })}
            </p>
          ) : null}
        </form>
      ) : null}
    </li>
  );
}
