// The one ingest path both brokers feed (embedded aedes, external broker): validate -> batched,
// durable store write -> live push -> counters. handle() resolves only once the message's own
// data is stored, so the caller acknowledges (PUBACK) only what is durable: at-least-once from edge
// to store. It rejects only when the store failed, so the message is redelivered.
import type { Logger } from '@hallmon/firmware-config';
import type { Store, StoredReading, StoredEvent, StoredAlarm, StatusChange, WriteResult } from '../store/store.ts';
import { WriteBatcher } from './batcher.ts';
import type { IngestCounters } from './counters.ts';
import type { RejectReason, Stream } from './reasons.ts';
import type { SiteIndex } from './site-index.ts';
import { validatePayload, type ClockSample, type ValidatedAny } from './validate-payload.ts';

/** Where stored data goes live (socket.io); called after the data is durable. */
export interface LiveSink {
  readings(site: string, items: StoredReading[]): void;
  events(site: string, items: StoredEvent[]): void;
  alarms(site: string, items: StoredAlarm[]): void;
  status(site: string, items: StatusChange[]): void;
}

/**
 * Called after a batch is stored and pushed live (server-side rules, alarm notifications). Hooks
 * must not throw and must not hold up the acknowledgement: they do their slow work asynchronously.
 */
export type IngestHooks = Partial<LiveSink> & {
  /** An edge's clock report (never stored as such: the clock monitor judges it). */
  clock?: (site: string, samples: ClockSample[]) => void;
};

/** Timing of one store write: how long its first item waited, and the write itself (ms). */
export type BatchTiming = (stream: Stream, waitedMs: number, writeMs: number) => void;

export interface HandleResult {
  accepted: number;
  rejected: number;
}

// maxDelayMs 0: a batch closes at the end of the current event-loop turn. aedes dispatches every
// packet of a socket read at once and the external client one packet at a time, so a timer would
// only add latency; while a write is in flight the next batch grows by itself.
const BATCH = { maxItems: 5_000, maxDelayMs: 0 };

export class IngestPipeline {
  private live: LiveSink | undefined;
  private hooks: IngestHooks = {};
  private lastStoreErrorLog = 0;
  private readonly readings: WriteBatcher<StoredReading, WriteResult>;
  private readonly events: WriteBatcher<StoredEvent, number>;
  private readonly alarms: WriteBatcher<StoredAlarm, void>;
  private readonly statuses: WriteBatcher<StatusChange, void>;

  private timing: BatchTiming | undefined;

  constructor(
    private readonly store: Store,
    private readonly sites: ReadonlyMap<string, SiteIndex>,
    readonly counters: IngestCounters,
    private readonly log: Logger,
  ) {
    const timed = (stream: Stream) => (waitedMs: number, writeMs: number) => this.timing?.(stream, waitedMs, writeMs);
    this.readings = new WriteBatcher(
      (b) => store.writeReadings(b),
      BATCH,
      (res) => {
        if (res.duplicates) counters.duplicates('telemetry', res.duplicates);
      },
      timed('telemetry'),
    );
    this.events = new WriteBatcher((b) => store.writeEvents(b), BATCH, undefined, timed('events'));
    this.alarms = new WriteBatcher(
      (b) => store.writeAlarms(b),
      { maxItems: 500, maxDelayMs: 0 },
      undefined,
      timed('alarms'),
    );
    this.statuses = new WriteBatcher(
      (b) => store.writeStatus(b),
      { maxItems: 500, maxDelayMs: 0 },
      undefined,
      timed('status'),
    );
  }

  /** Where the batchers report each write's timing (the metrics). */
  setTiming(timing: BatchTiming | undefined): void {
    this.timing = timing;
  }

  setLive(live: LiveSink | undefined): void {
    this.live = live;
  }

  setHooks(hooks: IngestHooks): void {
    this.hooks = hooks;
  }

  private hook(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ err }, 'an ingest hook failed (the data is stored; rules or notifications may have missed it)');
    }
  }

  hasSite(site: string): boolean {
    return this.sites.has(site);
  }

  /** Counts a message refused before it reached validation (oversized, wrong site, bad topic). */
  refuse(stream: Stream | 'unrouted', reason: RejectReason, who: string): void {
    this.counters.message(stream);
    this.counters.rejected(stream, [[reason, 1]], who);
  }

  async handle(site: string, stream: Stream, payload: Buffer, device = ''): Promise<HandleResult> {
    const index = this.sites.get(site);
    if (!index) {
      this.refuse(stream, 'unknown-site', site);
      return { accepted: 0, rejected: 1 };
    }
    this.counters.message(stream);
    const v = validatePayload(stream, payload, { site: index, now: Date.now() }, device);
    let rejected = 0;
    for (const n of v.result.rejected.values()) rejected += n;
    if (rejected) this.counters.rejected(stream, v.result.rejected, site);
    const accepted = v.result.accepted.length;
    if (accepted === 0) return { accepted, rejected };
    try {
      switch (v.stream) {
        case 'telemetry':
          await this.readings.add(v.result.accepted);
          this.live?.readings(site, v.result.accepted);
          if (this.hooks.readings) this.hook(() => this.hooks.readings!(site, v.result.accepted));
          break;
        case 'events':
          await this.events.add(v.result.accepted);
          this.live?.events(site, v.result.accepted);
          if (this.hooks.events) this.hook(() => this.hooks.events!(site, v.result.accepted));
          break;
        case 'alarms':
          await this.alarms.add(v.result.accepted);
          this.live?.alarms(site, v.result.accepted);
          if (this.hooks.alarms) this.hook(() => this.hooks.alarms!(site, v.result.accepted));
          break;
        case 'status':
          await this.statuses.add(v.result.accepted);
          this.live?.status(site, v.result.accepted);
          if (this.hooks.status) this.hook(() => this.hooks.status!(site, v.result.accepted));
          break;
        case 'clock':
          if (this.hooks.clock) this.hook(() => this.hooks.clock!(site, v.result.accepted));
          break;
      }
    } catch (err) {
      this.counters.rejected(stream, [['store-error', accepted]], site);
      // Rate-limited: during a store outage every gateway retries, and each retry fails again.
      const now = Date.now();
      if (now - this.lastStoreErrorLog > 10_000) {
        this.lastStoreErrorLog = now;
        this.log.error(
          { err, site, stream },
          'store write failed; messages are not acknowledged and will be redelivered',
        );
      }
      throw err;
    }
    this.counters.accepted(stream, accepted);
    return { accepted, rejected };
  }

  /**
   * The accepted part of a message, validated as handle() does but neither stored nor counted: a
   * followed site's stream for the rules of its owner (the group stores it through ingest).
   */
  validate(site: string, stream: Stream, payload: Buffer, device = ''): ValidatedAny | undefined {
    const index = this.sites.get(site);
    return index ? validatePayload(stream, payload, { site: index, now: Date.now() }, device) : undefined;
  }

  /** Waits for every pending store write (on stop). */
  async flush(): Promise<void> {
    await Promise.all([this.readings.flush(), this.events.flush(), this.alarms.flush(), this.statuses.flush()]);
  }
}
