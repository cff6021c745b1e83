// The entry register's arithmetic (机房登记, clause 5.2.2: "非机房工作人员因工作需要进入机房时，先进行登记，
// 由网管陪同方可进入"): door openings from a door_open state series, and whether a registered visit
// covers each one. Pure, shared by the server's live check (the "未登记进入机房" alarm) and the
// evidence pack's table of openings, so both judge alike.

/** One opening of a door: from the reading that said open to the one that said closed (null: still open). */
export interface DoorOpening {
  sensor: string;
  start: number;
  end: number | null;
}

/** A register entry as the matching needs it: who came in when and left when (null: still inside). */
export interface VisitSpan {
  id: string;
  inAt: number;
  outAt: number | null;
  /** When the entry was written (a visit recorded after the fact is "registered late"). */
  createdAt: number;
}

export interface EntryVerdict {
  visit: VisitSpan | null;
  /** Covered, but the entry was written more than the grace after the door opened. */
  late: boolean;
}

/**
 * Openings of a door from its state series in time order (changes, plus unchanged refreshes):
 * a 0 -> 1 change opens, 1 -> 0 closes. `before` is the state before the first reading, when known
 * (an opening already in progress at the start begins at the first reading).
 */
export function doorOpenings(
  sensor: string,
  series: ReadonlyArray<{ ts: number; value: number }>,
  before: number | null = null,
): DoorOpening[] {
  const out: DoorOpening[] = [];
  let open: DoorOpening | null = null;
  let prev = before;
  for (const p of series) {
    const v = p.value >= 0.5 ? 1 : 0;
    if (v === 1 && prev !== 1 && open === null) {
      open = { sensor, start: p.ts, end: null };
      out.push(open);
    } else if (v === 0 && open !== null) {
      open.end = p.ts;
      open = null;
    }
    prev = v;
  }
  return out;
}

/**
 * The visit that covers an opening at `start`: one that began no later than `graceMs` after it and
 * had not ended before it. The earliest-starting such visit wins. `late` when that entry was only
 * written after the grace (recorded after the fact).
 */
export function coveringVisit(start: number, visits: readonly VisitSpan[], graceMs: number): EntryVerdict {
  let best: VisitSpan | null = null;
  for (const v of visits) {
    if (v.inAt > start + graceMs) continue;
    if (v.outAt !== null && v.outAt < start) continue;
    if (!best || v.inAt < best.inAt) best = v;
  }
  return { visit: best, late: best !== null && best.createdAt > start + graceMs };
}
