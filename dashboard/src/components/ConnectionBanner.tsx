// A visible banner while the live link is down ("连接已断开，正在重连…"); live values on screen
// are stale until it goes away. role=status so screen readers announce it.
import { useTranslation } from 'react-i18next';
import type { ConnState } from '../live/live-store.ts';

export function ConnectionBanner({ state }: { state: ConnState }) {
  const { t } = useTranslation();
  if (state !== 'reconnecting') return null;
  return (
    <div
      className="banner banner-error"
      role="status"
      aria-live="polite"
      data-testid="connection-banner"
      data-state={state}
    >
      {t('conn.lost')}
    </div>
  );
}
