// The clause rule engine: pure and deterministic over event time. Readings, counter events and
// status changes go through a small per-sensor reorder buffer (late-bound, default 60 s) and reach
// the bound rules in timestamp order; a caller-driven watermark (advance) closes gaps, durations and
// days. No I/O, no timers, no clock: the live edge and the server's evidence replay share this code.
import { Type, type Static } from '@sinclair/typebox';
import {
  isValid,
  parseTimestamp,
  type DeviceEvent,
  type DeviceStatus,
  type Metric,
  type NormalisedReading,
} from '@hallmon/firmware-config/core';
import { bindRules, type BindOptions, type BindPlan, type Binding } from './bind.ts';
import type {
  CounterEvent,
  Excursion,
  FaultRecord,
  FollowupRecord,
  FollowupStage,
  GapRecord,
  Out,
  RuleInstance,
  Sample,
  StatusChange,
  Transition,
} from './types.ts';

export interface EngineOptions extends BindOptions {
  /** Readings up to this much older than the newest of their sensor are reordered; older ones are late. Default 60. */
  lateBoundS?: number;
  /** Gap threshold for sensors whose zone has no gap rule, until 3 intervals give a usual interval. Default 300. */
  defaultGapS?: number;
  /** planBinding() of these same options, to share between many engines of one site (evidence replay). */
  plan?: BindPlan;
}

type Item =
  | { k: 'r'; ts: number; metric: Metric; value: number; dur: number }
  | { k: 'e'; ts: number; e: CounterEvent }
  | { k: 's'; ts: number; status: DeviceStatus };

const KeyState = Type.Object({
  maxTs: Type.Union([Type.Number(), Type.Null()]),
  frontier: Type.Union([Type.Number(), Type.Null()]),
  buf: Type.Array(Type.Unknown()),
});
type KeyState = { maxTs: number | null; frontier: number | null; buf: Item[] };
const StreamState = Type.Object({ last: Type.Number(), iv: Type.Array(Type.Number()) });
type StreamState = Static<typeof StreamState>;

/** JSON-serialisable engine state: a restarted edge resumes half-elapsed durations and windows. */
export const EngineState = Type.Object({
  version: Type.Literal(1),
  site: Type.String(),
  watermark: Type.Union([Type.Number(), Type.Null()]),
  keys: Type.Record(Type.String(), KeyState),
  streams: Type.Record(Type.String(), StreamState),
  rules: Type.Record(Type.String(), Type.Unknown()),
  counters: Type.Record(Type.String(), Type.Number()),
});
export type EngineState = Static<typeof EngineState>;

/** Why an input was not used by the rules (counted, never thrown). */
export type RejectReason =
  | 'late'
  | 'duplicate'
  | 'unknown-sensor'
  | 'unknown-metric'
  | 'unknown-device'
  | 'bad-timestamp'
  | 'not-finite'
  | 'bad-quality';

const ORDER = { s: 0, e: 1, r: 2 } as const;
function cmp(a: Item, b: Item): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.k !== b.k) return ORDER[a.k] - ORDER[b.k];
  return a.k === 'r' && b.k === 'r' ? (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0) : 0;
}
/**
 * Only called for items of the same timestamp (the caller checks ts first, the cheap test). Two
 * readings are the same item exactly when sameSlot says so (a reading of another metric differs in
 * its JSON anyway), and items of different kinds never are: only events and statuses need the JSON
 * comparison (temperature and humidity of one poll share a timestamp: no stringify per reading).
 */
const same = (a: Item, b: Item) => a.k === b.k && a.k !== 'r' && JSON.stringify(a) === JSON.stringify(b);
const sameSlot = (a: Item, b: Item) => a.k === 'r' && b.k === 'r' && a.metric === b.metric;

/**
 * One sensor/device's hot-path context, resolved once: its reorder state, its rules (and those that
 * take readings), its metrics' default durations and its streams' gap state, so a reading costs one
 * map lookup by sensor id instead of several lookups, a profile scan and a string key.
 */
interface Lane {
  key: string;
  ks: KeyState;
  rules: RuleInstance[];
  readers: RuleInstance[];
  /** Zone rules that read this device's readings too (ac-stopped: the AC contact and the room's temperatures). */
  zoneReaders: RuleInstance[];
  /** metric -> default dur (the profile's intervalS, else 1); absent metrics are not the device's. */
  durS: Map<Metric, number>;
  zoneGapMs: number | undefined;
  /** metric -> its entry in `streams` (dropped on restore, which replaces those entries). */
  streams: Map<Metric, StreamState>;
}

/** Median of at most 9 intervals: an insertion sort into a reused buffer (no garbage per reading). */
const medianBuf = new Float64Array(16);
function median(xs: number[]): number {
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const v = xs[i]!;
    let j = i - 1;
    while (j >= 0 && medianBuf[j]! > v) {
      medianBuf[j + 1] = medianBuf[j]!;
      j--;
    }
    medianBuf[j + 1] = v;
  }
  return medianBuf[n >> 1]!;
}

export class RuleEngine {
  private readonly bind: Binding;
  private readonly lateMs: number;
  private readonly defaultGapMs: number;
  private readonly siteId: string;
  private watermarkMs: number | null = null;
  private keys = new Map<string, KeyState>();
  private streams = new Map<string, StreamState>();
  private counts: Record<string, number> = {};
  readonly excursions: Excursion[] = [];
  readonly gaps: GapRecord[] = [];
  readonly faults: FaultRecord[] = [];
  readonly followups: FollowupRecord[] = [];
  private sink: Out & { into: Transition[] };
  private readonly lanes = new Map<string, Lane>();
  private readonly sample: Sample = { sensor: '', metric: 'temperature', ts: 0, value: 0, dur: 1, gapMs: 0 };
  /** The last timestamp string parsed and its value: the readings of one poll share their timestamp. */
  private lastTsStr: unknown = undefined;
  private lastTsMs: number | null = null;

  constructor(opts: EngineOptions) {
    this.bind = bindRules(opts, opts.plan);
    this.siteId = opts.site.id;
    this.lateMs = (opts.lateBoundS ?? 60) * 1000;
    this.defaultGapMs = (opts.defaultGapS ?? 300) * 1000;
    for (const k of this.bind.byKey.keys()) this.keys.set(k, { maxTs: null, frontier: null, buf: [] });
    for (const [key, ks] of this.keys) {
      const rules = this.bind.byKey.get(key) ?? [];
      const durS = new Map<Metric, number>();
      for (const m of this.bind.devices.get(key)?.profile?.metrics ?? [])
        if (!durS.has(m.metric)) durS.set(m.metric, m.intervalS ?? 1);
      const readers = rules.filter((r) => r.reading !== undefined);
      const zoneReaders = (this.bind.zoneRulesByDevice.get(key) ?? []).filter((r) => r.reading !== undefined);
      this.lanes.set(key, {
        key,
        ks,
        rules,
        readers,
        zoneReaders,
        durS,
        zoneGapMs: this.bind.zoneGapMs.get(key),
        streams: new Map(),
      });
    }
    // One sink for the engine's life: each call points `into` at its own output array.
    const sink: Out & { into: Transition[] } = {
      into: [],
      transition: (t) => sink.into.push(t),
      excursion: (x) => this.excursions.push(x),
      gap: (g) => this.gaps.push(g),
      fault: (f) => this.faults.push(f),
      followup: (f) => this.followups.push(f),
    };
    this.sink = sink;
  }

  /** Every bound rule instance (for listings and tests). */
  get rules(): RuleInstance[] {
    return [...[...this.bind.byKey.values()].flat(), ...this.bind.zoneRules];
  }

  /** How far behind its sensor's newest reading a reading may arrive and still be used. */
  get lateBoundMs(): number {
    return this.lateMs;
  }

  get watermark(): number | null {
    return this.watermarkMs;
  }

  /** Inputs not used by the rules, by reason. */
  counters(): Record<string, number> {
    return { ...this.counts };
  }

  private reject(reason: RejectReason): Transition[] {
    this.counts[reason] = (this.counts[reason] ?? 0) + 1;
    return [];
  }

  ingest(r: NormalisedReading): Transition[] {
    const lane = this.bind.devices.has(r.sensor) ? this.lanes.get(r.sensor) : undefined;
    if (!lane) return this.reject('unknown-sensor');
    const defaultDur = lane.durS.get(r.metric);
    if (defaultDur === undefined) return this.reject('unknown-metric');
    let ts: number | null;
    if (r.ts === this.lastTsStr) ts = this.lastTsMs;
    else {
      ts = parseTimestamp(r.ts);
      this.lastTsStr = r.ts;
      this.lastTsMs = ts;
    }
    if (ts === null) return this.reject('bad-timestamp');
    if (!Number.isFinite(r.value)) return this.reject('not-finite');
    // Implausible (out-of-range) and frozen (stale) values are not measurements of the room.
    if (r.quality !== 'ok') return this.reject('bad-quality');
    return this.accept(
      lane,
      r.metric,
      ts,
      r.value,
      r.dur !== undefined && Number.isFinite(r.dur) && r.dur > 0 ? r.dur : defaultDur,
    );
  }

  /**
   * ingest() for a reading already known to be quality 'ok', with its time as epoch ms: what the
   * server's evidence replay feeds (a million minute values a loud year), without formatting an ISO
   * string per reading for ingest() to parse back. Same checks in the same order, same result.
   */
  ingestAt(sensor: string, metric: Metric, tsMs: number, value: number, durS?: number): Transition[] {
    const lane = this.bind.devices.has(sensor) ? this.lanes.get(sensor) : undefined;
    if (!lane) return this.reject('unknown-sensor');
    const defaultDur = lane.durS.get(metric);
    if (defaultDur === undefined) return this.reject('unknown-metric');
    const ts = parseTimestamp(tsMs);
    if (ts === null) return this.reject('bad-timestamp');
    if (!Number.isFinite(value)) return this.reject('not-finite');
    return this.accept(
      lane,
      metric,
      ts,
      value,
      durS !== undefined && Number.isFinite(durS) && durS > 0 ? durS : defaultDur,
    );
  }

  private accept(lane: Lane, metric: Metric, ts: number, value: number, dur: number): Transition[] {
    // Direct path: nothing waits in the reorder buffer and the reading is not late, so the frontier it
    // moves to releases it at once. pump() would do exactly this with a one-item buffer.
    const ks = lane.ks;
    if (ks.buf.length === 0 && (ks.frontier === null || ts >= ks.frontier)) {
      const maxTs = ks.maxTs === null || ts > ks.maxTs ? ts : ks.maxTs;
      const f = this.frontierFor(maxTs, ks.frontier);
      if (f !== null && ts <= f) {
        ks.maxTs = maxTs;
        ks.frontier = f;
        const out: Transition[] = [];
        this.tickAll(lane.rules, ts, out);
        this.dispatchReading(lane, metric, ts, value, dur, out);
        this.tickAll(lane.rules, f, out);
        return out;
      }
    }
    return this.offer(lane, { k: 'r', ts, metric, value, dur });
  }

  ingestEvent(e: DeviceEvent): Transition[] {
    const info = this.bind.devices.get(e.device);
    if (!info) return this.reject('unknown-device');
    const ts = parseTimestamp(e.ts);
    if (ts === null) return this.reject('bad-timestamp');
    const window = e.window ?? info.device.window;
    const ev: CounterEvent = {
      device: e.device,
      type: e.type,
      ts,
      ...(e.score !== undefined ? { score: e.score } : {}),
      ...(window ? { window } : {}),
      // Queue rules match calls to tickets by number (and two tickets issued in one millisecond differ).
      ...(e.ticket !== undefined ? { ticket: e.ticket } : {}),
    };
    return this.offer(this.lanes.get(e.device)!, { k: 'e', ts, e: ev });
  }

  status(device: string, status: DeviceStatus, tsMs: number): Transition[] {
    if (!this.bind.devices.has(device)) return this.reject('unknown-device');
    if (!Number.isFinite(tsMs)) return this.reject('bad-timestamp');
    return this.offer(this.lanes.get(device)!, { k: 's', ts: tsMs, status });
  }

  /** The caller's event-time clock reached `nowMs`: the watermark becomes nowMs − the late bound. */
  advance(nowMs: number): Transition[] {
    const w = nowMs - this.lateMs;
    if (this.watermarkMs === null || w > this.watermarkMs) this.watermarkMs = w;
    const out: Transition[] = [];
    for (const lane of this.lanes.values()) this.pump(lane, out);
    if (this.watermarkMs !== null) this.tickAll(this.bind.zoneRules, this.watermarkMs, out);
    return out;
  }

  /** Marks a bad rating's follow-up answered, complex or resolved; null when no open follow-up has that id. */
  resolveFollowup(id: string, stage: FollowupStage, tsMs: number): Transition[] | null {
    const r = this.bind.followups.find((f) => f.has(id));
    if (!r) return null;
    const out: Transition[] = [];
    this.sink.into = out;
    r.resolve(id, stage, tsMs, this.sink);
    return out;
  }

  openFollowups(): FollowupRecord[] {
    return this.bind.followups.flatMap((f) => f.openFollowups());
  }

  /** Returns and forgets the evidence records gathered so far (the live edge drains them to its store). */
  drainRecords(): { excursions: Excursion[]; gaps: GapRecord[]; faults: FaultRecord[]; followups: FollowupRecord[] } {
    const take = <T>(xs: T[]) => xs.splice(0, xs.length);
    return {
      excursions: take(this.excursions),
      gaps: take(this.gaps),
      faults: take(this.faults),
      followups: take(this.followups),
    };
  }

  private offer(lane: Lane, item: Item): Transition[] {
    const ks = lane.ks;
    if (ks.frontier !== null && item.ts < ks.frontier) return this.reject('late');
    // A duplicate has the item's timestamp: compare that first, the rest only on a match.
    for (const x of ks.buf)
      if (x.ts === item.ts && (sameSlot(x, item) || same(x, item))) return this.reject('duplicate');
    ks.buf.push(item);
    if (ks.maxTs === null || item.ts > ks.maxTs) ks.maxTs = item.ts;
    const out: Transition[] = [];
    this.pump(lane, out);
    return out;
  }

  /** The frontier a key moves to: its newest timestamp less the late bound, or the watermark if later; never back. */
  private frontierFor(maxTs: number | null, frontier: number | null): number | null {
    const fromMax = maxTs === null ? null : maxTs - this.lateMs;
    const cand =
      fromMax === null ? this.watermarkMs : this.watermarkMs === null ? fromMax : Math.max(fromMax, this.watermarkMs);
    if (cand === null) return frontier;
    return frontier === null || cand > frontier ? cand : frontier;
  }

  /** Releases what the key's frontier passed, in timestamp order, then moves its rules' time on. */
  private pump(lane: Lane, out: Transition[]): void {
    const ks = lane.ks;
    const f = this.frontierFor(ks.maxTs, ks.frontier);
    // No frontier yet (no data, no watermark): nothing to release (frontierFor keeps a null frontier).
    if (f === null) return;
    ks.frontier = f;
    const rules = lane.rules;
    const buf = ks.buf;
    let due = false;
    for (let i = 0; i < buf.length; i++)
      if (buf[i]!.ts <= f) {
        due = true;
        break;
      }
    if (due) {
      // Usually already in order (readings arrive in time order): sort only when some pair is not.
      for (let i = 1; i < buf.length; i++)
        if (cmp(buf[i - 1]!, buf[i]!) > 0) {
          buf.sort(cmp);
          break;
        }
      let n = 0;
      while (n < buf.length && buf[n]!.ts <= f) n++;
      const ready = buf.splice(0, n);
      for (const item of ready) {
        // Time first, then the item: the same transitions whatever the arrival order within the bound.
        this.tickAll(rules, item.ts, out);
        this.dispatch(lane, item, out);
      }
    }
    this.tickAll(rules, f, out);
  }

  /** Moves the rules' time on; what they raise or clear goes out in event-time order (stable). */
  private tickAll(rules: RuleInstance[], t: number, out: Transition[]): void {
    const from = out.length;
    this.sink.into = out;
    for (let i = 0; i < rules.length; i++) rules[i]!.time(t, this.sink);
    if (out.length - from > 1) {
      const got = out.splice(from);
      got.sort((a, b) => a.atMs - b.atMs);
      for (const g of got) out.push(g);
    }
  }

  private dispatch(lane: Lane, item: Item, out: Transition[]): void {
    this.sink.into = out;
    const key = lane.key;
    if (item.k === 'r') this.dispatchReading(lane, item.metric, item.ts, item.value, item.dur, out);
    else if (item.k === 'e') {
      for (const r of lane.rules) r.event?.(item.e, this.sink);
      for (const r of this.bind.zoneRulesByDevice.get(key) ?? []) r.event?.(item.e, this.sink);
    } else {
      const c: StatusChange = { device: key, status: item.status, ts: item.ts };
      for (const r of lane.rules) r.status?.(c, this.sink);
      // Zone rules that watch the counter devices (self-rating: an evaluator offline while its window serves).
      for (const r of this.bind.zoneRulesByDevice.get(key) ?? []) r.status?.(c, this.sink);
    }
  }

  private dispatchReading(lane: Lane, metric: Metric, ts: number, value: number, dur: number, out: Transition[]): void {
    this.sink.into = out;
    const gapMs = this.streamGap(lane, metric, ts);
    // One sample object reused for every reading (no garbage per reading): rules read its fields
    // during reading() and never keep the object itself.
    const sample = this.sample;
    sample.sensor = lane.key;
    sample.metric = metric;
    sample.ts = ts;
    sample.value = value;
    sample.dur = dur;
    sample.gapMs = gapMs;
    const readers = lane.readers;
    for (let i = 0; i < readers.length; i++) readers[i]!.reading!(sample, this.sink);
    const zr = lane.zoneReaders;
    for (let i = 0; i < zr.length; i++) zr[i]!.reading!(sample, this.sink);
  }

  /** The zone's gap threshold, else 5× the stream's usual (median) interval, else the default. */
  private streamGap(lane: Lane, metric: Metric, ts: number): number {
    // Hot path (every reading): the stream's state is cached on the lane, no strings, no sorting allocations.
    let st = lane.streams.get(metric);
    if (st === undefined) {
      const id = `${lane.key}|${metric}`;
      st = this.streams.get(id);
      if (!st) this.streams.set(id, (st = { last: ts, iv: [] }));
      lane.streams.set(metric, st);
    }
    if (ts > st.last) {
      st.iv.push(ts - st.last);
      if (st.iv.length > 9) st.iv.shift();
    }
    st.last = ts;
    if (lane.zoneGapMs !== undefined) return lane.zoneGapMs;
    return st.iv.length >= 3 ? Math.max(5 * median(st.iv), 1000) : this.defaultGapMs;
  }

  snapshot(): EngineState {
    const rules: Record<string, unknown> = {};
    for (const r of this.rules) rules[r.key] = r.save();
    return structuredClone({
      version: 1 as const,
      site: this.siteId,
      watermark: this.watermarkMs,
      keys: Object.fromEntries(this.keys),
      streams: Object.fromEntries(this.streams),
      rules,
      counters: this.counts,
    });
  }

  /** Resumes from a snapshot of an engine of the same site (rules absent from it start fresh). */
  restore(state: unknown): void {
    if (!isValid(EngineState, state))
      throw new Error('engine state is not a snapshot of this engine version; delete it to start the rules afresh');
    if (state.site !== this.siteId) throw new Error(`engine state is for site "${state.site}", not "${this.siteId}"`);
    const s = structuredClone(state);
    this.watermarkMs = s.watermark;
    for (const [k, ks] of Object.entries(s.keys)) if (this.keys.has(k)) this.keys.set(k, ks as KeyState);
    this.streams = new Map(Object.entries(s.streams));
    for (const lane of this.lanes.values()) {
      lane.ks = this.keys.get(lane.key)!;
      lane.streams.clear();
    }
    this.counts = { ...s.counters };
    for (const r of this.rules) if (r.key in s.rules) r.load(s.rules[r.key]);
  }
}
