// Ingest counters: accepted and rejected-by-reason per stream, shown in /api/health. Rejections are
// logged at warn as a summary at most once per interval (never per reading, never the payload),
// so a misbehaving gateway cannot flood the log.
import type { Logger } from '@hallmon/firmware-config';
import type { RejectReason, Stream } from './reasons.ts';

export interface StreamCounters {
  messages: number;
  accepted: number;
  duplicates: number;
  rejected: Partial<Record<RejectReason, number>>;
}

export type CountersSnapshot = Record<Stream | 'unrouted', StreamCounters> & {
  accepted: number;
  rejected: Partial<Record<RejectReason, number>>;
};

const STREAMS = ['telemetry', 'events', 'alarms', 'status', 'clock', 'unrouted'] as const;

function empty(): StreamCounters {
  return { messages: 0, accepted: 0, duplicates: 0, rejected: {} };
}

export class IngestCounters {
  private readonly byStream = new Map<Stream | 'unrouted', StreamCounters>(STREAMS.map((s) => [s, empty()]));
  private pendingLog = new Map<string, number>();
  private lastLog = 0;

  constructor(
    private readonly log: Logger,
    private readonly logEveryMs = 10_000,
  ) {}

  message(stream: Stream | 'unrouted'): void {
    this.byStream.get(stream)!.messages++;
  }

  accepted(stream: Stream, n: number): void {
    this.byStream.get(stream)!.accepted += n;
  }

  duplicates(stream: Stream, n: number): void {
    this.byStream.get(stream)!.duplicates += n;
  }

  /** Counts rejections; `who` (site or client id) goes into the rate-limited warn summary. */
  rejected(
    stream: Stream | 'unrouted',
    reasons: ReadonlyMap<RejectReason, number> | [RejectReason, number][],
    who: string,
  ): void {
    const c = this.byStream.get(stream)!;
    for (const [reason, n] of reasons) {
      c.rejected[reason] = (c.rejected[reason] ?? 0) + n;
      const key = `${who} ${stream} ${reason}`;
      this.pendingLog.set(key, (this.pendingLog.get(key) ?? 0) + n);
    }
    this.maybeLog();
  }

  private maybeLog(): void {
    const now = Date.now();
    if (this.pendingLog.size === 0 || now - this.lastLog < this.logEveryMs) return;
    this.lastLog = now;
    const summary = Object.fromEntries(this.pendingLog);
    this.pendingLog = new Map();
    this.log.warn({ rejected: summary }, 'ingest rejected input (counts since last report; see /api/health)');
  }

  snapshot(): CountersSnapshot {
    const out = {} as CountersSnapshot;
    let accepted = 0;
    const rejected: Partial<Record<RejectReason, number>> = {};
    for (const [s, c] of this.byStream) {
      out[s] = { ...c, rejected: { ...c.rejected } };
      accepted += c.accepted;
      for (const [r, n] of Object.entries(c.rejected) as [RejectReason, number][]) rejected[r] = (rejected[r] ?? 0) + n;
    }
    out.accepted = accepted;
    out.rejected = rejected;
    return out;
  }
}
