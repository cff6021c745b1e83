// Evidence replay: runs recorded inputs through a RuleEngine (the same code path as the live edge)
// and returns the transitions and evidence records. Inputs must be sorted by time; the watermark
// follows them (once per event-time minute) and finally passes `until`.
import type { DeviceEvent, DeviceStatus, NormalisedReading } from '@hallmon/firmware-config/core';
import { parseTimestamp } from '@hallmon/firmware-config/core';
import type { RuleEngine } from './engine.ts';
import type { Excursion, FaultRecord, FollowupRecord, GapRecord, Transition } from './types.ts';

export type ReplayInput =
  | { reading: NormalisedReading }
  | { event: DeviceEvent }
  | { status: { device: string; status: DeviceStatus; ts: number } };

export interface ReplayResult {
  transitions: Transition[];
  excursions: Excursion[];
  gaps: GapRecord[];
  faults: FaultRecord[];
  followups: FollowupRecord[];
}

function tsOf(i: ReplayInput): number | null {
  if ('reading' in i) return parseTimestamp(i.reading.ts);
  if ('event' in i) return parseTimestamp(i.event.ts);
  return i.status.ts;
}

export function replay(engine: RuleEngine, inputs: Iterable<ReplayInput>, untilMs?: number): ReplayResult {
  const transitions: Transition[] = [];
  let minute: number | null = null;
  let lastTs: number | null = null;
  for (const i of inputs) {
    if ('reading' in i) transitions.push(...engine.ingest(i.reading));
    else if ('event' in i) transitions.push(...engine.ingestEvent(i.event));
    else transitions.push(...engine.status(i.status.device, i.status.status, i.status.ts));
    const ts = tsOf(i);
    if (ts === null) continue;
    lastTs = ts;
    const m = Math.floor(ts / 60_000);
    if (minute !== m) {
      minute = m;
      transitions.push(...engine.advance(ts));
    }
  }
  const end = untilMs ?? lastTs;
  if (end !== null) transitions.push(...engine.advance(end + engine.lateBoundMs));
  const r = engine.drainRecords();
  return { transitions, ...r };
}
