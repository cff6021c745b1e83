// window-idle: a window that stops calling tickets while people wait (the 2025 standard 3.2.2 "不应
// 擅自离岗"; Qingpu 2021 rules 三.5 "受理窗口…有脱岗现象的，发现一人次扣0.5分"; DB31/T 862-2021 9.2.5
// AB岗 "以防空岗"). From the queue machines of one hall zone: tickets issued and not yet called,
// served or abandoned are waiting (dropped at the day's closing, as queue-wait does); a window is
// busy from its call until the ticket is served or given up, then free. A window that has called
// or served that day and is free while at least one ticket waits is idle from the later of the two
// moments (its last service ended, the queue last became non-empty); idle for more than thresholdS
// (default 1800 s, opening time only when openingHoursOnly) is a finding "window-idle", raised
// then, which ends at the window's next call ("cleared"), when nobody waits any more ("cleared") or
// at closing. Exactly the threshold is not more than it. Windows are the `window` the queue machine
// names on its calls; a window that has not called on a day is not judged that day (not staffed).
import type { EventType } from '@hallmon/firmware-config/core';
import { clear, excursion, raise } from '../alarm.ts';
import type { Bound, EndReason, Out } from '../types.ts';
import { OrderedZoneRule, type Input, type OrderedState } from './ordered.ts';
import type { RuleKindSpec } from './spec.ts';

interface Run {
  start: number;
  confirmAt: number;
  raised: boolean;
  waitingPeak: number;
}

interface Win {
  busy: boolean;
  freeSince: number | null;
  /** The site-local day the window last called or served on. */
  day: string;
  run: Run | null;
}

interface Waiting {
  ticket: string | null;
  dropAt: number;
}

interface State extends OrderedState {
  waiting: Waiting[];
  /** When the queue last became non-empty (null while empty). */
  waitingSince: number | null;
  windows: Record<string, Win>;
}

const TYPES: ReadonlySet<EventType> = new Set<EventType>([
  'ticket_issued',
  'ticket_called',
  'ticket_served',
  'ticket_abandoned',
]);

export class WindowIdleRule extends OrderedZoneRule<State> {
  protected readonly types = TYPES;

  constructor(b: Bound) {
    super(b, { pending: [], open: [], waiting: [], waitingSince: null, windows: {} });
  }

  private get thresholdMs(): number {
    return (this.bound.rule.thresholdS ?? 1800) * 1000;
  }

  protected input(i: Input, out: Out): void {
    if (i.k !== 'e') return;
    const e = i.e;
    const ts = e.ts;
    const ticket = e.ticket ?? null;
    const w = e.window;
    switch (e.type) {
      case 'ticket_issued':
        if (ticket !== null && this.s.waiting.some((x) => x.ticket === ticket)) return;
        this.s.waiting.push({ ticket, dropAt: this.closingAfter(ts) });
        this.s.waitingSince ??= ts;
        for (const win of Object.values(this.s.windows))
          if (win.run) win.run.waitingPeak = Math.max(win.run.waitingPeak, this.s.waiting.length);
        break;
      case 'ticket_called':
        this.take(ticket);
        if (w !== undefined) {
          const win = this.win(w, ts);
          this.end(w, win, ts, 'cleared', out);
          win.busy = true;
        }
        break;
      case 'ticket_served':
        if (ticket !== null) this.take(ticket, true);
        if (w !== undefined) this.free(w, ts, out);
        break;
      case 'ticket_abandoned':
        // A ticket named and still waiting left the queue; otherwise the called resident did not come.
        if (ticket !== null && this.take(ticket, true)) break;
        if (ticket === null && w === undefined) this.take(null);
        if (w !== undefined) this.free(w, ts, out);
        break;
      default:
        return;
    }
    this.settle(ts, out);
  }

  protected until(t: number, out: Out): void {
    const s = this.s;
    if (s.waiting.length && s.waiting.some((x) => x.dropAt <= t)) {
      const at = Math.min(...s.waiting.filter((x) => x.dropAt <= t).map((x) => x.dropAt));
      // Runs whose confirmation fell before the closing are raised first.
      this.confirm(at, out);
      s.waiting = s.waiting.filter((x) => x.dropAt > t);
      if (!s.waiting.length) {
        s.waitingSince = null;
        for (const [name, win] of Object.entries(s.windows)) this.end(name, win, at, 'closing', out);
      }
    }
    this.confirm(t, out);
  }

  /** Raises the runs idle for longer than the threshold by `t`. */
  private confirm(t: number, out: Out): void {
    const b = this.bound;
    for (const [name, win] of Object.entries(this.s.windows)) {
      const r = win.run;
      if (!r || r.raised || !(t > r.confirmAt)) continue;
      r.raised = true;
      raise(out, b, r.confirmAt, {
        sensor: name,
        startMs: r.start,
        peak: r.waitingPeak,
        message: `${b.rule.title}: window ${name}, ${r.waitingPeak} waiting`,
      });
    }
  }

  /** Starts an idle run for every free, staffed window while someone waits; ends them when nobody does. */
  private settle(ts: number, out: Out): void {
    const s = this.s;
    const day = this.bound.schedule.day(ts);
    for (const [name, win] of Object.entries(s.windows)) {
      if (!s.waiting.length) {
        this.end(name, win, ts, 'cleared', out);
        continue;
      }
      if (win.run || win.busy || win.freeSince === null || win.day !== day || s.waitingSince === null) continue;
      const start = Math.max(win.freeSince, s.waitingSince);
      const confirmAt = this.bound.rule.openingHoursOnly
        ? this.bound.schedule.afterOpenTime(start, this.thresholdMs)
        : start + this.thresholdMs;
      if (!Number.isFinite(confirmAt)) continue;
      win.run = { start, confirmAt, raised: false, waitingPeak: s.waiting.length };
    }
  }

  private win(name: string, ts: number): Win {
    const day = this.bound.schedule.day(ts);
    const win = (this.s.windows[name] ??= { busy: false, freeSince: null, day, run: null });
    if (win.day !== day) Object.assign(win, { busy: false, freeSince: null, day });
    return win;
  }

  private free(name: string, ts: number, out: Out): void {
    const win = this.win(name, ts);
    this.end(name, win, ts, 'cleared', out);
    win.busy = false;
    win.freeSince = ts;
  }

  private end(name: string, win: Win, at: number, reason: EndReason, out: Out): void {
    const r = win.run;
    win.run = null;
    if (!r?.raised) return;
    const b = this.bound;
    clear(out, b, at, at, {
      sensor: name,
      startMs: r.start,
      peak: r.waitingPeak,
      message: `${b.rule.title} (${reason})`,
    });
    out.excursion({
      ...excursion(b, { sensor: name, start: r.start, end: at, peak: r.waitingPeak, endReason: reason }),
      finding: 'window-idle',
      count: r.waitingPeak,
    });
  }

  /** Removes a waiting ticket by number (or the oldest when none is given); whether one was waiting. */
  private take(ticket: string | null, byNumberOnly = false): boolean {
    const q = this.s.waiting;
    const i = ticket === null ? (byNumberOnly || !q.length ? -1 : 0) : q.findIndex((x) => x.ticket === ticket);
    if (i < 0) return false;
    q.splice(i, 1);
    if (!q.length) this.s.waitingSince = null;
    return true;
  }

  /** Closing time of the site-local day of `ts` if still ahead, else that day's end. */
  private closingAfter(ts: number): number {
    const info = this.bound.schedule.dayInfo(ts);
    const last = info.open[info.open.length - 1];
    return last && ts < last[1] ? last[1] : info.end;
  }
}

export const windowIdleKind: RuleKindSpec<'window-idle'> = {
  kind: 'window-idle',
  scope: 'zone',
  create: (b) => new WindowIdleRule(b),
  reads: () => [],
  liveBy: 'engine',
  evidence: {
    basis: 'detector',
    openAtEnd: 'excursion',
    findings: {
      'window-idle': { zh: '有人等候时窗口长时间未叫号（疑似脱岗）', en: 'window not calling while people waited' },
    },
  },
};
