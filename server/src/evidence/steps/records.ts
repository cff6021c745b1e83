// The replay's records as one list per kind of record, in a fixed order (sensor records in sensor
// order, each in time order, then the counter devices'), so the pack lists them the same way
// whichever replay method or store produced them; and the excursions that count for the period.
import type { Excursion } from '@hallmon/rules';
import type { Records } from '../segment-replay.ts';
import type { CatalogueKinds } from './kinds.ts';

export function mergeRecords(sensors: Records[], counters: Records): Records {
  return {
    excursions: [...sensors.flatMap((r) => r.excursions), ...counters.excursions],
    gaps: [...sensors.flatMap((r) => r.gaps), ...counters.gaps],
    faults: [...sensors.flatMap((r) => r.faults), ...counters.faults],
    followups: [...sensors.flatMap((r) => r.followups), ...counters.followups],
  };
}

/**
 * Excursions that overlap the period. A follow-up's excursion is not the engine's: its kind is
 * judged from what people recorded, deadline by deadline (followups.ts). A state event is a record,
 * listed with its acknowledgement in the clause's state events, not a failure (state-replay.ts).
 */
export function periodExcursions(rec: Records, from: number, to: number, kinds: CatalogueKinds): Excursion[] {
  return rec.excursions.filter(
    (x) => x.end > from && x.start < to && !kinds.isOn(x.rule, 'followups') && !kinds.isOn(x.rule, 'states'),
  );
}
