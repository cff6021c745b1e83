// Site selector for site-scoped pages (shown only when there is more than one site).
import { useTranslation } from 'react-i18next';
import type { SiteInfo } from '@hallmon/contract';
import { siteName } from '../app-context.ts';
import { navigate } from '../router.ts';
import type { Page } from '../lib/roles.ts';

export function SitePicker({ sites, current, page }: { sites: SiteInfo[]; current: string; page: Page }) {
  const { t, i18n } = useTranslation();
  if (sites.length < 2) return null;
  return (
    <label className="site-picker">
      {t('header.site')}{' '}
      <select value={current} onChange={(e) => navigate(page, e.target.value)} data-testid="site-picker">
        {sites.map((s) => (
          <option key={s.id} value={s.id}>
            {siteName(s, i18n.language)}
          </option>
        ))}
      </select>
    </label>
  );
}
