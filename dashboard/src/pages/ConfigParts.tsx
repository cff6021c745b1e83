// Pieces the configuration pages share: the edge's state against the server's version, and the
// problems of a refused change (each naming its field).
import { useTranslation } from 'react-i18next';
import type { ConfigSite } from '@hallmon/contract';
import type { FieldProblem } from '../api/client.ts';
import { edgeView } from '../lib/config.ts';
import { formatDateTime } from '../lib/time-format.ts';

export function EdgeState({ site, lang }: { site: ConfigSite; lang: string }) {
  const { t } = useTranslation();
  const v = edgeView(site.edge, site.version.version);
  const when = site.edge.reportedAt
    ? t('cfg.edge.reported', { at: formatDateTime(site.edge.reportedAt, site.config.timezone, lang) })
    : '';
  let text: string;
  let cls = 'notice';
  switch (v.kind) {
    case 'never':
      text = t('cfg.edge.never');
      break;
    case 'local':
      text = t('cfg.edge.local');
      break;
    case 'waiting':
      text = t('cfg.edge.waiting');
      break;
    case 'rejected':
      text = t('cfg.edge.rejected', { received: v.received ?? '?', running: v.running ?? '—', error: v.error });
      cls = 'error';
      break;
    case 'applied':
      text = `${t('cfg.edge.applied', { n: v.running })} · ${v.inSync ? t('cfg.edge.inSync') : t('cfg.edge.outOfSync', { n: v.want })}`;
      break;
  }
  return (
    <p
      className={`edge-state ${cls}`}
      data-testid="edge-state"
      data-state={v.kind}
      data-running={site.edge.running ?? ''}
    >
      <strong>{t('cfg.edge.title')}</strong>: {text} {when ? <small>({when})</small> : null}
    </p>
  );
}

export function Problems({ problems }: { problems: readonly FieldProblem[] }) {
  const { t } = useTranslation();
  if (!problems.length) return null;
  return (
    <div className="error" role="alert" data-testid="cfg-problems">
      {t('cfg.problems')}
      <ul>
        {problems.map((p) => (
          <li key={`${p.path}|${p.message}`}>
            {p.path ? <code>{p.path}</code> : null} {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
