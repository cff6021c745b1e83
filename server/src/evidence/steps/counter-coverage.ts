// Coverage of the counter clauses (6.1.1 evaluation rate, 10.1.3 follow-ups): the share of the
// period's opening days with at least one counter event. Counter devices report events, not a
// steady series, so a day with no rating and no ticket at all is the day without data.
import type { Schedule } from '@hallmon/rules';
import type { StoredEvent } from '../../store/store.ts';
import type { DaySpan } from '../period.ts';
import { COUNTER_TYPES } from './counter-replay.ts';
import { round } from './format.ts';

export interface CounterDays {
  /** Site-local days of the period with a counter event. */
  days: Set<string>;
  /** Opening days with a counter event, of all opening days (0 when the site never opens). */
  coverage: number;
}

export function counterDays(days: DaySpan[], events: StoredEvent[], from: number, schedule: Schedule): CounterDays {
  const openDays = days.filter((d) => d.open.length > 0);
  const seen = new Set(
    events.filter((e) => e.ts >= from && COUNTER_TYPES.includes(e.type)).map((e) => schedule.day(e.ts)),
  );
  return {
    days: seen,
    coverage: openDays.length ? round(openDays.filter((d) => seen.has(d.day)).length / openDays.length, 4) : 0,
  };
}
