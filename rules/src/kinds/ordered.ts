// The plumbing of the counter detectors (self-rating, service-hours, window-idle, workload-balance):
// zone rules that need the events of SEVERAL devices in one time order (a rating against the
// ticket its window served, a call against the queue). The engine releases each device's inputs in
// order but the devices independently, and ticks zone rules with the watermark, at which every
// device's inputs up to it have been released; so these rules keep what they are given and work
// through it, sorted, only up to the time they are ticked with. Ties sort as the hall lives them:
// a status change, then a ticket issued, called, served, abandoned, then the rating that follows.
import type { DeviceStatus, EventType } from '@hallmon/firmware-config/core';
import { clear, raise } from '../alarm.ts';
import type { Bound, CounterEvent, Out, StatusChange } from '../types.ts';
import { BaseRule } from './base.ts';

export type Input =
  { k: 'e'; ts: number; e: CounterEvent } | { k: 's'; ts: number; device: string; status: DeviceStatus };

const RANK: Partial<Record<EventType, number>> = {
  ticket_issued: 1,
  ticket_called: 2,
  ticket_served: 3,
  ticket_abandoned: 4,
  rating: 5,
};
const rank = (i: Input) => (i.k === 's' ? 0 : (RANK[i.e.type] ?? 6));
const byTime = (a: Input, b: Input) => a.ts - b.ts || rank(a) - rank(b);

/** An alarm a finding raised and when it clears (findings have no "back to normal" reading). */
export interface OpenFinding {
  sensor: string;
  start: number;
  clearAt: number;
  peak: number;
  limit?: number;
}

export interface OrderedState {
  pending: Input[];
  /** Raised alarms of findings, cleared at `clearAt`. */
  open: OpenFinding[];
}

export abstract class OrderedZoneRule<S extends OrderedState> extends BaseRule<S> {
  constructor(b: Bound, state: S) {
    super(b, state);
  }

  /** The event types this rule works with (others are not kept). */
  protected abstract readonly types: ReadonlySet<EventType>;
  /** Whether status changes matter to it. */
  protected readonly statuses: boolean = false;

  event(e: CounterEvent): void {
    if (this.types.has(e.type)) this.s.pending.push({ k: 'e', ts: e.ts, e });
  }

  status(c: StatusChange): void {
    if (this.statuses) this.s.pending.push({ k: 's', ts: c.ts, device: c.device, status: c.status });
  }

  time(t: number, out: Out): void {
    const p = this.s.pending;
    if (p.length) {
      p.sort(byTime);
      let n = 0;
      while (n < p.length && p[n]!.ts <= t) n++;
      for (const item of p.splice(0, n)) {
        this.until(item.ts, out);
        this.input(item, out);
      }
    }
    this.until(t, out);
    this.clearDue(t, out);
  }

  /** One input, in time order (after `until(input.ts)`). */
  protected abstract input(i: Input, out: Out): void;
  /** Time has reached `t` (non-decreasing): judge what ended before it. */
  protected abstract until(t: number, out: Out): void;

  /**
   * A finding's alarm: raised at `at`, cleared at `clearAt`. One alarm per sensor and start: a
   * finding whose alarm is already up (the same sensor and start) adds none.
   */
  protected raiseFinding(out: Out, f: OpenFinding, at: number, message: string): void {
    if (this.s.open.some((a) => a.sensor === f.sensor && a.start === f.start)) return;
    raise(out, this.bound, at, {
      sensor: f.sensor,
      startMs: f.start,
      peak: f.peak,
      ...(f.limit !== undefined ? { limit: f.limit } : {}),
      message,
    });
    this.s.open.push(f);
  }

  private clearDue(t: number, out: Out): void {
    if (!this.s.open.some((a) => t >= a.clearAt)) return;
    const still: OpenFinding[] = [];
    for (const a of this.s.open) {
      if (t < a.clearAt) {
        still.push(a);
        continue;
      }
      clear(out, this.bound, a.clearAt, a.clearAt, {
        sensor: a.sensor,
        startMs: a.start,
        peak: a.peak,
        ...(a.limit !== undefined ? { limit: a.limit } : {}),
        message: this.bound.rule.title,
      });
    }
    this.s.open = still;
  }

  /** The site-local end of the day of `ms`. */
  protected dayEnd(ms: number): number {
    return this.bound.schedule.dayInfo(ms).end;
  }

  /** The site-local start of the day of `ms`. */
  protected dayStart(ms: number): number {
    return this.bound.schedule.dayInfo(ms).start;
  }

  /** The window a counter device serves (site config), when it names one. */
  protected windowOf(device: string): string | undefined {
    return this.bound.zone.devices.find((d) => d.id === device)?.window;
  }
}
