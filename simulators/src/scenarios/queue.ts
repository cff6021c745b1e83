// One local day at the counters, simulated whole: tickets arrive by the hourly profile, wait in one
// FIFO queue for the first free window, are called, served a few minutes later or found absent
// (~5 % abandoned), and about 80 % of served residents press the evaluator at their window.
// A day is a pure function of (seed, day), so any time span gives the same events.
import type { DeviceEvent } from '@hallmon/firmware-config';
import { hash3, mulberry32, poisson, unit } from '../random.ts';
import { arrivalWeight, dayFactor } from './baseline.ts';
import type { SiteModel } from './site-model.ts';
import type { TimedEvent } from './types.ts';

const MIN = 60_000;
/** Tickets per hour at the peak of a working day (4 windows serve about 40 an hour). */
const PEAK_PER_HOUR = 44;
/** Tickets are no longer issued in the last minutes before closing. */
const LAST_TICKET_BEFORE_CLOSE_MIN = 15;

function score(u: number): number {
  if (u < 0.85) return 5;
  if (u < 0.96) return 4;
  if (u < 0.985) return 3;
  if (u < 0.995) return 2;
  return 1;
}

export function simulateDay(model: SiteModel, seed: number, day: string): TimedEvent[] {
  const midnight = model.midnight(day);
  const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
  const intervals = model.openingMinutes(weekday);
  if (!intervals.length) return [];
  const factor = dayFactor(model, day);
  const rand = mulberry32(hash3(seed, `queue-day:${day}`, 0));
  const queue = model.queueDevice;
  const out: TimedEvent[] = [];
  const push = (t: number, event: Omit<DeviceEvent, 'ts'>) =>
    out.push({ t, event: { ...event, ts: model.localIso(t) } as DeviceEvent });

  // Arrivals: a Poisson count per minute (hash-derived, so independent of anything else).
  const arrivals: number[] = [];
  for (const [a, b] of intervals)
    for (let m = a; m < b - LAST_TICKET_BEFORE_CLOSE_MIN; m++) {
      const n = poisson((PEAK_PER_HOUR / 60) * factor * arrivalWeight(m + 0.5), unit(seed, `arrivals:${day}`, m));
      for (let i = 0; i < n; i++)
        arrivals.push(midnight + m * MIN + Math.floor(unit(seed, `arrival-at:${day}:${m}`, i) * MIN));
    }
  arrivals.sort((x, y) => x - y);

  const free = model.windows.map(() => midnight + (intervals[0]![0] - 5) * MIN);
  arrivals.forEach((issued, i) => {
    const ticket = `A${String(i + 1).padStart(3, '0')}`;
    if (queue) push(issued, { device: queue, type: 'ticket_issued', ticket });
    // The first window to come free calls the next ticket.
    let w = 0;
    for (let k = 1; k < free.length; k++) if (free[k]! < free[w]!) w = k;
    const window = model.windows[w]!;
    const called = Math.max(issued + 20_000, free[w]!) + Math.floor(rand() * 20_000);
    if (queue) push(called, { device: queue, type: 'ticket_called', ticket, window });
    const absent = rand() < 0.05;
    if (absent) {
      const gone = called + 60_000 + Math.floor(rand() * 60_000);
      if (queue) push(gone, { device: queue, type: 'ticket_abandoned', ticket, window });
      free[w] = gone;
      return;
    }
    // Service: mostly 3-8 minutes, a long tail of complicated cases.
    const serviceMs = Math.floor((2.5 + 5 * rand() + (rand() < 0.1 ? 8 * rand() : 0)) * MIN);
    const served = called + serviceMs;
    if (queue) push(served, { device: queue, type: 'ticket_served', ticket, window });
    const rated = rand() < 0.8;
    const s = score(rand());
    const ratedAt = served + 5_000 + Math.floor(rand() * 35_000);
    const evaluator = model.evaluatorByWindow.get(window);
    if (rated && evaluator) push(ratedAt, { device: evaluator, type: 'rating', score: s, window, ticket });
    free[w] = served + 30_000 + Math.floor(rand() * 30_000);
  });
  return out.sort((x, y) => x.t - y.t);
}
