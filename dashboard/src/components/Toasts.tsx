// Toasts for new critical alarms: visible until dismissed or 30 s, announced to screen readers.
import { useTranslation } from 'react-i18next';
import type { Alarm } from '@hallmon/contract';
import { ruleLabel } from '../lib/clauses.ts';
import { href } from '../router.ts';

export function Toasts({ alarms, onDismiss }: { alarms: Alarm[]; onDismiss: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  if (alarms.length === 0) return null;
  return (
    <div className="toasts" role="alert" aria-live="assertive">
      {alarms.map((a) => (
        <div key={a.id} className="toast toast-critical" data-testid="toast" data-alarm-id={a.id}>
          <strong>{t('alarms.newCritical')}</strong>
          <a href={href('alarms')}>
            {ruleLabel(a.clause, a.rule, i18n.language)} · {a.sensor} ({a.site})
          </a>
          <button type="button" aria-label={t('common.close')} onClick={() => onDismiss(a.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
