// Queues and ratings for the hall manager: waiting, waiting time, evaluation rate per window, and
// the bad ratings still to follow up.
import { useTranslation } from 'react-i18next';
import { useApp, siteById, siteName } from '../app-context.ts';
import type { SiteInfo } from '@hallmon/contract';
import { SitePicker } from './SitePicker.tsx';
import { EvaluationPanel, FollowUpsPanel, QueueStatsPanel, useTodayEvents } from './QueuePanels.tsx';

export default function Queues({ siteId }: { siteId?: string }) {
  const { t } = useTranslation();
  const { sites } = useApp();
  const site = siteById(sites, siteId);
  if (!site) return <p>{t('common.noData')}</p>;
  return <QueuesFor key={site.id} site={site} sites={sites} />;
}

function QueuesFor({ site, sites }: { site: SiteInfo; sites: SiteInfo[] }) {
  const { t, i18n } = useTranslation();
  const events = useTodayEvents(site);
  return (
    <section aria-labelledby="queues-title">
      <div className="page-head">
        <h1 id="queues-title">
          {t('queues.title')} · {siteName(site, i18n.language)}
        </h1>
        <SitePicker sites={sites} current={site.id} page="queues" />
      </div>
      <QueueStatsPanel site={site} events={events} />
      <EvaluationPanel site={site} events={events} />
      <FollowUpsPanel site={site} />
    </section>
  );
}
