// The pack's counter step: the counter devices' events (好差评 ratings, queue tickets) and status
// changes, per device in time order, through the engine that binds every rule of the site. It gives
// the evaluation-rate excursions (clause 6.1.1), device faults (1.2.1), queue excursions and the
// open bad-rating follow-ups (10.1.3); the engine's watermark then passes the period end so days,
// durations and deadlines up to it are closed.
import { toIso, type SiteConfig } from '@hallmon/firmware-config';
import type { FollowupRecord, RuleEngine } from '@hallmon/rules';
import type { StatusChange, Store, StoredEvent } from '../../store/store.ts';
import type { OpenAlarms } from '../rollup-replay.ts';
import type { Records } from '../segment-replay.ts';

/** The event types the counter rules judge. */
export const COUNTER_TYPES = ['rating', 'ticket_served', 'ticket_issued', 'ticket_called', 'ticket_abandoned'];
/** Events and statuses are read from a day before the period (a device offline across its start). */
const LOOK_BACK_MS = 86_400_000;

export interface CounterEvidence {
  /** Every stored event of the site from a day before the period to its end (data gaps and faults too). */
  events: StoredEvent[];
  statuses: StatusChange[];
  records: Records;
  /** Follow-ups not yet resolved when the replay passed the period end. */
  openFollowups: FollowupRecord[];
}

export async function replayCounters(
  store: Store,
  site: SiteConfig,
  engine: RuleEngine,
  from: number,
  to: number,
  open: OpenAlarms,
): Promise<CounterEvidence> {
  const events = await store.readEvents({ site: site.id, from: from - LOOK_BACK_MS, to });
  const statuses = await store.readStatus({ site: site.id, from: from - LOOK_BACK_MS, to });
  const counterInputs = [
    ...events.filter((e) => COUNTER_TYPES.includes(e.type)).map((e) => ({ ts: e.ts, k: 0 as const, e })),
    ...statuses.map((s) => ({ ts: s.ts, k: 1 as const, s })),
  ].sort((a, b) => a.ts - b.ts || a.k - b.k);
  for (const i of counterInputs) {
    const t =
      i.k === 0
        ? engine.ingestEvent({
            device: i.e.device,
            type: i.e.type as 'rating',
            ts: toIso(i.e.ts),
            ...(i.e.score !== undefined ? { score: i.e.score } : {}),
            ...(i.e.window !== undefined ? { window: i.e.window } : {}),
            ...(i.e.ticket !== undefined ? { ticket: i.e.ticket } : {}),
          })
        : engine.status(i.s.device, i.s.status, i.s.ts);
    if (t.length) open.take(t);
  }
  open.take(engine.advance(to + engine.lateBoundMs));
  const records = engine.drainRecords();
  return { events, statuses, records, openFollowups: engine.openFollowups() };
}
