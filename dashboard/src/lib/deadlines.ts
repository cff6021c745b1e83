// The "1、5、15" follow-up of a bad rating (DB31/T 862-2021 10.1.3): answer within 1 working day,
// put simple cases right within 5, complex ones within 15. The server computes the due instants with
// the official working-day calendar and keeps whether a case was classified complex; the dashboard
// shows the deadline the server holds the case to (server/src/followups/tracker.ts) and how far off it is.
import type { Followup } from '@hallmon/contract';

export type DeadlineStage = 'response' | 'simple' | 'complex' | 'done';

export interface DeadlineView {
  stage: DeadlineStage;
  /** The next due instant (ms), or null when done. */
  due: number | null;
  /** ms left until due (negative = overdue). */
  leftMs: number | null;
  overdue: boolean;
  /** Less than a quarter day left. */
  urgent: boolean;
}

const URGENT_MS = 6 * 3_600_000;

/**
 * The response deadline applies until someone answers; after that the fix deadline: the complex
 * one when the case was classified complex, the simple one otherwise (overdue once it passed).
 */
export function deadlineView(f: Followup, now: number): DeadlineView {
  if (f.resolvedAt || f.state === 'resolved')
    return { stage: 'done', due: null, leftMs: null, overdue: false, urgent: false };
  let stage: DeadlineStage;
  let due: number;
  if (!f.respondedAt) {
    stage = 'response';
    due = Date.parse(f.responseDue);
  } else if (f.complex) {
    stage = 'complex';
    due = Date.parse(f.complexDue);
  } else {
    stage = 'simple';
    due = Date.parse(f.simpleDue);
  }
  const leftMs = due - now;
  return { stage, due, leftMs, overdue: leftMs < 0, urgent: leftMs >= 0 && leftMs < URGENT_MS };
}

/** "2 天 3 小时" / "2 d 3 h" for a remaining (or overdue) span. */
export function formatSpan(ms: number, lang: string): string {
  const zh = lang.startsWith('zh');
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86_400_000);
  const h = Math.floor((abs % 86_400_000) / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  if (d > 0) return zh ? `${d} 天 ${h} 小时` : `${d} d ${h} h`;
  if (h > 0) return zh ? `${h} 小时 ${m} 分` : `${h} h ${m} min`;
  return zh ? `${m} 分钟` : `${m} min`;
}

/** Most pressing first: overdue, then nearest due; done last. */
export function sortFollowUps(list: readonly Followup[], now: number): Followup[] {
  return [...list].sort((a, b) => {
    const va = deadlineView(a, now);
    const vb = deadlineView(b, now);
    return (va.due ?? Infinity) - (vb.due ?? Infinity);
  });
}

/** How long after a fix a callback (回访) is still asked for on the page. */
const CALLBACK_DAYS = 60;

/**
 * The follow-ups the page shows: every open one, and those put right in the last 60 days whose
 * resident nobody has reached by a callback yet (回访, the 2025 standard 6.1.5).
 */
export function followUpsToShow(list: readonly Followup[], now: number): Followup[] {
  return list.filter(
    (f) =>
      f.state !== 'resolved' ||
      (f.satisfied === null && f.resolvedAt !== null && now - Date.parse(f.resolvedAt) < CALLBACK_DAYS * 86_400_000),
  );
}
