// Queue and evaluation figures from the day's counter events (contract events: ticket_issued,
// ticket_called, ticket_served, ticket_abandoned, rating). Evaluation rate = ratings / tickets
// served, per window and for the hall (青浦 2021 评分细则 三.4: below 70 % loses a point).
import type { DeviceEvent } from '@hallmon/contract';

export interface QueueStats {
  /** Tickets issued and neither called nor abandoned. */
  waiting: number;
  /** Mean issue->call wait of the tickets called in the last hour, minutes. */
  meanWaitMin: number | null;
  /** How long the oldest waiting ticket has waited, minutes. */
  longestWaitMin: number | null;
  issued: number;
  served: number;
  abandoned: number;
}

export function queueStats(events: readonly DeviceEvent[], now: number): QueueStats {
  const issuedAt = new Map<string, number>();
  const done = new Set<string>();
  const waits: number[] = [];
  let issued = 0;
  let served = 0;
  let abandoned = 0;
  const sorted = [...events].sort((a, b) => Date.parse(a.ts) - Date.parse(b.ts));
  for (const e of sorted) {
    const t = Date.parse(e.ts);
    if (e.type === 'ticket_issued' && e.ticket) {
      issued++;
      issuedAt.set(e.ticket, t);
    } else if ((e.type === 'ticket_called' || e.type === 'ticket_abandoned') && e.ticket) {
      if (e.type === 'ticket_abandoned') abandoned++;
      if (done.has(e.ticket)) continue;
      done.add(e.ticket);
      const at = issuedAt.get(e.ticket);
      if (e.type === 'ticket_called' && at !== undefined && now - t <= 3_600_000) waits.push((t - at) / 60_000);
    } else if (e.type === 'ticket_served') served++;
  }
  let oldest: number | null = null;
  let waiting = 0;
  for (const [ticket, at] of issuedAt) {
    if (done.has(ticket)) continue;
    waiting++;
    if (oldest === null || at < oldest) oldest = at;
  }
  return {
    waiting,
    meanWaitMin: waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : null,
    longestWaitMin: oldest === null ? null : Math.max(0, (now - oldest) / 60_000),
    issued,
    served,
    abandoned,
  };
}

export interface WindowRate {
  window: string;
  served: number;
  rated: number;
  /** Percent, or null when nothing was served. */
  rate: number | null;
  bad: number;
}

/**
 * Per-window evaluation rate. The window of an event is its `window` field, or the window the
 * device serves (evaluators are one per window) from the site config.
 */
export function evaluationRates(
  events: readonly DeviceEvent[],
  windowOfDevice: ReadonlyMap<string, string>,
  badScoreMax = 2,
): { windows: WindowRate[]; hall: WindowRate } {
  const by = new Map<string, WindowRate>();
  const get = (w: string) => {
    let r = by.get(w);
    if (!r) by.set(w, (r = { window: w, served: 0, rated: 0, rate: null, bad: 0 }));
    return r;
  };
  for (const w of new Set(windowOfDevice.values())) get(w);
  for (const e of events) {
    const w = e.window ?? windowOfDevice.get(e.device);
    if (!w) continue;
    if (e.type === 'ticket_served') get(w).served++;
    else if (e.type === 'rating') {
      const r = get(w);
      r.rated++;
      if (e.score !== undefined && e.score <= badScoreMax) r.bad++;
    }
  }
  const hall: WindowRate = { window: '*', served: 0, rated: 0, rate: null, bad: 0 };
  const windows = [...by.values()].sort((a, b) => a.window.localeCompare(b.window));
  for (const r of windows) {
    r.rate = r.served > 0 ? Math.min(100, (100 * r.rated) / r.served) : null;
    hall.served += r.served;
    hall.rated += r.rated;
    hall.bad += r.bad;
  }
  hall.rate = hall.served > 0 ? Math.min(100, (100 * hall.rated) / hall.served) : null;
  return { windows, hall };
}
