// service-hours: the hall opened and called tickets in every scheduled hour (the 2025 standard 2.1
// "应在规定的服务时间内接待并开展受理工作"; the 2013 opinion's seven-day week and the Qingpu 2021 rules
// 五.2 "全年无休": weekends are judged by the site's own opening hours like any day). Each opening
// interval is cut at the clock hours into slots (09:00-10:00, …; a half hour at either end is a slot
// of its own); a slot in which fewer than params.minCalls tickets were called (default 1) is a
// finding "hour-without-calls", judged when event time passes the slot's end, its warning cleared
// by the next call or at the end of the day. Official public holidays are skipped unless
// params.skipHolidays is 0 (the 2013 opinion: "国家法定节假日除外"). Slots are judged from the first
// one that begins after the rule's first ticket event, so a rule started mid-hour does not judge
// the hour it saw only part of, and a hall whose queue machine never reported is not judged at all
// (its silence is the device clause's, 1.2.1).
// A day on which the site's opening hours give no opening at all (a Sunday of a hall open Monday to
// Saturday) is a finding "closed-day" unless it is a public holiday (the 2013 opinion's 一周七天工作
// 制; Qingpu 2021 rules 五.2 全年无休); params.sevenDays 0 turns this off.
import type { EventType } from '@hallmon/firmware-config/core';
import { excursion } from '../alarm.ts';
import type { Bound, Out } from '../types.ts';
import { OrderedZoneRule, type Input, type OrderedState } from './ordered.ts';
import type { RuleKindSpec } from './spec.ts';

const HOUR = 3_600_000;

interface State extends OrderedState {
  /** Start of the next slot to judge; null until the first ticket event. */
  next: number | null;
  /** Start of the next day to check for a closed day; null until the first ticket event. */
  nextDay: number | null;
  /** Calls and issued tickets per slot start (slots not yet judged). */
  calls: Record<string, number>;
  issued: Record<string, number>;
}

const TYPES: ReadonlySet<EventType> = new Set<EventType>(['ticket_called', 'ticket_issued']);

export class ServiceHoursRule extends OrderedZoneRule<State> {
  protected readonly types = TYPES;

  constructor(b: Bound) {
    super(b, { pending: [], open: [], next: null, nextDay: null, calls: {}, issued: {} });
  }

  /** The opening slot containing `ms`: [start, end), or null outside opening hours. */
  slotAt(ms: number): [number, number] | null {
    const iv = this.bound.schedule.openInterval(ms);
    if (!iv) return null;
    const d0 = this.dayStart(ms);
    const h = d0 + Math.floor((ms - d0) / HOUR) * HOUR;
    return [Math.max(iv[0], h), Math.min(iv[1], h + HOUR)];
  }

  /** The first slot starting at or after `ms` (within 370 days), or null when the site never opens. */
  slotFrom(ms: number): [number, number] | null {
    let info = this.bound.schedule.dayInfo(ms);
    for (let i = 0; i < 370; i++) {
      for (const [a, b] of info.open) {
        if (b <= ms) continue;
        // Slot boundaries within [a, b): a, then every clock hour of the day after a.
        let s = a;
        while (s < b) {
          const e = Math.min(b, info.start + (Math.floor((s - info.start) / HOUR) + 1) * HOUR);
          if (s >= ms) return [s, e];
          s = e;
        }
      }
      info = this.bound.schedule.dayInfo(info.end);
    }
    return null;
  }

  protected input(i: Input): void {
    if (i.k !== 'e') return;
    this.s.next ??= this.slotFrom(i.ts + 1)?.[0] ?? null;
    this.s.nextDay ??= this.dayEnd(i.ts);
    const slot = this.slotAt(i.ts);
    if (!slot) return;
    const key = String(slot[0]);
    if (i.e.type === 'ticket_issued') {
      this.s.issued[key] = (this.s.issued[key] ?? 0) + 1;
      return;
    }
    this.s.calls[key] = (this.s.calls[key] ?? 0) + 1;
    // A call answers the hall's open warnings of earlier slots.
    if (this.s.open.length) for (const a of this.s.open) if (a.start < slot[0]) a.clearAt = Math.min(a.clearAt, i.ts);
  }

  protected until(t: number, out: Out): void {
    if (this.s.next === null) return;
    const b = this.bound;
    const min = b.rule.params?.minCalls ?? 1;
    const skipHolidays = (b.rule.params?.skipHolidays ?? 1) !== 0;
    this.closedDays(t, skipHolidays, out);
    for (let slot = this.slotFrom(this.s.next); slot && slot[1] <= t; slot = this.slotFrom(slot[1])) {
      this.s.next = slot[1];
      const key = String(slot[0]);
      const calls = this.s.calls[key] ?? 0;
      const issued = this.s.issued[key] ?? 0;
      delete this.s.calls[key];
      delete this.s.issued[key];
      if (calls >= min) continue;
      if (skipHolidays && b.calendar.isHoliday(b.schedule.day(slot[0]))) continue;
      out.excursion({
        ...excursion(b, { start: slot[0], end: slot[1], peak: calls, limit: min, endReason: 'closing' }),
        finding: 'hour-without-calls',
        count: issued,
      });
      this.raiseFinding(
        out,
        { sensor: b.zone.id, start: slot[0], clearAt: this.dayEnd(slot[0]), peak: calls, limit: min },
        slot[1],
        `${b.rule.title}: ${calls} ticket(s) called, ${issued} issued`,
      );
    }
  }

  /** Days that ended by `t` with no opening hours at all. */
  private closedDays(t: number, skipHolidays: boolean, out: Out): void {
    const b = this.bound;
    const judge = (b.rule.params?.sevenDays ?? 1) !== 0;
    for (let info = b.schedule.dayInfo(this.s.nextDay ?? t); this.s.nextDay !== null && info.end <= t;) {
      this.s.nextDay = info.end;
      if (judge && info.open.length === 0 && !(skipHolidays && b.calendar.isHoliday(info.day))) {
        out.excursion({
          ...excursion(b, { start: info.start, end: info.end, peak: 0, endReason: 'day-end' }),
          finding: 'closed-day',
        });
        this.raiseFinding(
          out,
          { sensor: b.zone.id, start: info.start, clearAt: info.end, peak: 0 },
          info.end,
          `${b.rule.title}: ${info.day} has no opening hours (seven-day service)`,
        );
      }
      info = b.schedule.dayInfo(info.end);
    }
  }
}

export const serviceHoursKind: RuleKindSpec<'service-hours'> = {
  kind: 'service-hours',
  scope: 'zone',
  create: (b) => new ServiceHoursRule(b),
  reads: () => [],
  liveBy: 'engine',
  evidence: {
    basis: 'detector',
    openAtEnd: 'none',
    findings: {
      'hour-without-calls': { zh: '营业小时内无叫号', en: 'no ticket called in a scheduled opening hour' },
      'closed-day': {
        zh: '非节假日全天不营业（未做到全年无休）',
        en: 'a day with no opening hours that is no public holiday',
      },
    },
  },
};
