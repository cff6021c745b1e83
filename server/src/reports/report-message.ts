// The notice a route gets when a scheduled pack is ready: a link to its PDF, Chinese first then
// English, in the route's format (docs/alarms.md "Notification routes": generic JSON, WeCom and
// DingTalk markdown, or an e-mail), so the same robots that carry alarms carry the monthly and quarterly packs.
import type { NotifyFormat } from '@hallmon/firmware-config';
import type { MailMessage } from '../notify/notifier.ts';
import type { ReportRow } from './report-db.ts';

const PERIOD = { month: '月度', quarter: '季度' } as const;
const PERIOD_EN = { month: 'monthly', quarter: 'quarterly' } as const;

export interface ReportNotice {
  report: Pick<ReportRow, 'id' | 'plan' | 'scope' | 'title' | 'period' | 'firstDay' | 'lastDay'>;
  /** Absolute URL of the PDF, signed (links.ts). */
  link: string;
  /** When the link stops working (ISO). */
  expires: string;
  /** One line each: the scorecard's totals. */
  summary: string;
}

export function reportBody(format: Exclude<NotifyFormat, 'email'>, n: ReportNotice): unknown {
  const r = n.report;
  const title = `【${PERIOD[r.period]}报告】${r.title}（${r.firstDay} 至 ${r.lastDay}）`;
  const en = `${PERIOD_EN[r.period]} report, ${r.firstDay} to ${r.lastDay}`;
  const text = [
    `**${title}**`,
    '',
    n.summary,
    '',
    `[下载 PDF / Download the PDF](${n.link})（链接有效期至 ${n.expires.slice(0, 10)}）`,
    '',
    en,
  ].join('\n');
  if (format === 'wecom') return { msgtype: 'markdown', markdown: { content: text } };
  if (format === 'dingtalk') return { msgtype: 'markdown', markdown: { title, text } };
  return {
    kind: 'hallmon.report',
    title,
    report: { ...r },
    summary: n.summary,
    link: n.link,
    expires: n.expires,
  };
}

/** The same notice as an e-mail (a route of format email). */
export function reportMail(n: ReportNotice): MailMessage {
  const r = n.report;
  return {
    subject: `【${PERIOD[r.period]}报告】${r.title}（${r.firstDay} 至 ${r.lastDay}）`,
    text: [
      n.summary,
      '',
      `下载 PDF / Download the PDF: ${n.link}`,
      `链接有效期至 ${n.expires.slice(0, 10)}`,
      '',
      `${PERIOD_EN[r.period]} report, ${r.firstDay} to ${r.lastDay}`,
    ].join('\n'),
  };
}
