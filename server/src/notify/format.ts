// The bodies of outgoing alarm notices: (a) generic JSON (the alarm record plus site name, clause
// title, state and a dashboard link), (b) WeCom group robot markdown, (c) DingTalk robot markdown,
// (d) a plain-text e-mail. Chinese first, English after, times in the site's time zone. Self-tests
// are marked 【测试】; an escalation names its level.
import type { NotifyFormat } from '@hallmon/firmware-config';
import type { StoredAlarm } from '../store/store.ts';
import { alarmJson } from '../api/wire-json.ts';
import { isSelftest } from './routing.ts';

/**
 * raised: first notice (level 1); escalated: still unacknowledged, told to the next level; cleared:
 * it ended by itself or was repaired (told to every level that heard); reminder: still unacknowledged.
 */
export type NotifyEvent = 'raised' | 'escalated' | 'cleared' | 'reminder';

export interface NotifyContext {
  site: { id: string; name: string; timezone: string };
  clauseTitle: string;
  /** Sensor / device display name with its zone, when known. */
  sensorName?: string;
  /** Link to the site's alarm page on the dashboard. */
  link: string;
  /** 1, 2, ... for reminders. */
  reminder?: number;
  /** The escalation level this notice goes to (2, 3, ... for escalations). */
  level?: number;
}

const EVENT_ZH: Record<NotifyEvent, string> = {
  raised: '告警',
  escalated: '告警升级',
  cleared: '已恢复',
  reminder: '告警未确认提醒',
};
const EVENT_EN: Record<NotifyEvent, string> = {
  raised: 'Alarm raised',
  escalated: 'Alarm escalated: not acknowledged',
  cleared: 'Alarm cleared',
  reminder: 'Reminder: alarm not acknowledged',
};
const SEVERITY_ZH = { warning: '警告', critical: '严重' } as const;

function localTime(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('zh-CN', {
    timeZone: tz,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(ms);
}

function num(x: number | undefined): string {
  return x === undefined ? '—' : String(Math.round(x * 100) / 100);
}

function title(a: StoredAlarm, ev: NotifyEvent, c: NotifyContext): string {
  const test = isSelftest(a) ? '【测试】' : '';
  const n =
    ev === 'reminder' && c.reminder ? ` 第${c.reminder}次` : ev === 'escalated' && c.level ? ` 第${c.level}级` : '';
  return `${test}【${EVENT_ZH[ev]}${n}】${c.clauseTitle}（${a.clause}）`;
}

/** Markdown lines shared by WeCom and DingTalk (both render >, **, [text](url)). */
function lines(a: StoredAlarm, ev: NotifyEvent, c: NotifyContext, colour: boolean): string[] {
  const tz = c.site.timezone;
  const sev = colour
    ? `<font color="${a.severity === 'critical' ? 'warning' : 'comment'}">${SEVERITY_ZH[a.severity]}</font>`
    : SEVERITY_ZH[a.severity];
  const out = [
    `**${title(a, ev, c)}**`,
    `> 站点：${c.site.name}`,
    `> 位置：${c.sensorName ? `${c.sensorName}（${a.sensor}）` : a.sensor}`,
    `> 级别：${sev}\u3000规则：${a.rule}`,
    `> 峰值：${num(a.peak)}\u3000限值：${num(a.limit)}`,
    `> 开始：${localTime(a.startedAt, tz)}`,
  ];
  if (a.clearedAt !== undefined) out.push(`> 恢复：${localTime(a.clearedAt, tz)}`);
  if (a.message) out.push(`> 说明：${a.message}`);
  if (isSelftest(a)) out.push('> 这是系统自检发送的测试告警，无需处理。');
  out.push(
    `> [查看详情 / Details](${c.link})`,
    '',
    `${EVENT_EN[ev]}: clause ${a.clause}, ${a.sensor}, ${a.severity}${isSelftest(a) ? ' (TEST, self-test: no action needed)' : ''}`,
  );
  return out;
}

export function genericBody(a: StoredAlarm, ev: NotifyEvent, c: NotifyContext) {
  return {
    kind: 'hallmon.alarm',
    event: ev,
    test: isSelftest(a),
    title: title(a, ev, c),
    site: { id: c.site.id, name: c.site.name },
    clause: { id: a.clause, title: c.clauseTitle },
    state: a.state,
    ...(c.reminder ? { reminder: c.reminder } : {}),
    ...(c.level ? { level: c.level } : {}),
    link: c.link,
    alarm: alarmJson(a),
  };
}

export function wecomBody(a: StoredAlarm, ev: NotifyEvent, c: NotifyContext) {
  // WeCom group robot: markdown content at most 4096 bytes.
  return { msgtype: 'markdown', markdown: { content: clip(lines(a, ev, c, true).join('\n'), 4000) } };
}

export function dingtalkBody(a: StoredAlarm, ev: NotifyEvent, c: NotifyContext) {
  // DingTalk: the title shows in the conversation list; the text is the markdown message.
  return {
    msgtype: 'markdown',
    markdown: { title: title(a, ev, c), text: clip(lines(a, ev, c, false).join('\n\n'), 4000) },
  };
}

/** An e-mail: the title as the subject, the markdown lines as plain text. */
export function emailBody(a: StoredAlarm, ev: NotifyEvent, c: NotifyContext): { subject: string; text: string } {
  const text = lines(a, ev, c, false)
    .map((l) =>
      l
        .replace(/^\*\*(.*)\*\*$/, '$1')
        .replace(/^> /, '')
        .replace(/\[([^\]]+)\]\(([^)]+)\)/, '$1: $2'),
    )
    .join('\n');
  return { subject: title(a, ev, c), text };
}

export function body(format: NotifyFormat, a: StoredAlarm, ev: NotifyEvent, c: NotifyContext): unknown {
  if (format === 'email') return emailBody(a, ev, c);
  if (format === 'wecom') return wecomBody(a, ev, c);
  if (format === 'dingtalk') return dingtalkBody(a, ev, c);
  return genericBody(a, ev, c);
}

function clip(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s;
  let out = s;
  while (Buffer.byteLength(out) > maxBytes - 3) out = out.slice(0, -16);
  return `${out}…`;
}
