// The clause rule engine: pure and deterministic over event time. Readings, counter events and
// status changes go through a small per-sensor reorder buffer (late-bound, default 60 s) and reach
// the bound rules in timestamp order; a caller-driven watermark (advance) closes gaps, durations and
// days. No I/O, no timers, no clock: the live edge and the server's evidence replay share this code.
import { Type, type Static } from '@sinclair/typebox';
import { isValid, parseTimestamp, type DeviceEvent, type DeviceStatus, type Metric, type NormalisedReading } from '@hallmon/firmware-config';
import { bindRules, type BindOptions, type Binding } from './bind.ts';
import type { CounterEvent, Excursion, FaultRecord, FollowupRecord, FollowupStage, GapRecord, Out, RuleInstance, Transition } from './types.ts';

export interface EngineOptions extends BindOptions {
  /** Readings up to this much older than the newest of their sensor are reordered; older ones are late. Default 60. */
  lateBoundS?: number;
  /** Gap threshold for sensors whose zone has no gap rule, until 3 intervals give a usual interval. Default 300. */
  defaultGapS?: number;
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
const same = (a: Item, b: Item) => a.ts === b.ts && JSON.stringify(a) === JSON.stringify(b);
const sameSlot = (a: Item, b: Item) => a.k === 'r' && b.k === 'r' && a.ts === b.ts && a.metric === b.metric;

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
  /** sensor -> metric -> streams key, so the hot path builds no strings. */
  private readonly streamKeys = new Map<string, Map<Metric, string>>();
  private counts: Record<string, number> = {};
  readonly excursions: Excursion[] = [];
  readonly gaps: GapRecord[] = [];
  readonly faults: FaultRecord[] = [];
  readonly followups: FollowupRecord[] = [];
  private sink: Out & { into: Transition[] };

  constructor(opts: EngineOptions) {
    this.bind = bindRules(opts);
    this.siteId = opts.site.id;
    this.lateMs = (opts.lateBoundS ?? 60) * 1000;
    this.defaultGapMs = (opts.defaultGapS ?? 300) * 1000;
    for (const k of this.bind.byKey.keys()) this.keys.set(k, { maxTs: null, frontier: null, buf: [] });
    const self = this;
    this.sink = {
      into: [],
      transition(t) {
        this.into.push(t);
      },
      excursion: (x) => self.excursions.push(x),
      gap: (g) => self.gaps.push(g),
      fault: (f) => self.faults.push(f),
      followup: (f) => self.followups.push(f),
    };
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
    const info = this.bind.devices.get(r.sensor);
    if (!info) return this.reject('unknown-sensor');
    const pm = info.profile?.metrics.find((m) => m.metric === r.metric);
    if (!pm) return this.reject('unknown-metric');
    const ts = parseTimestamp(r.ts);
    if (ts === null) return this.reject('bad-timestamp');
    if (!Number.isFinite(r.value)) return this.reject('not-finite');
    // Implausible (out-of-range) and frozen (stale) values are not measurements of the room.
    if (r.quality !== 'ok') return this.reject('bad-quality');
    const dur = r.dur !== undefined && Number.isFinite(r.dur) && r.dur > 0 ? r.dur : (pm.intervalS ?? 1);
    return this.offer(r.sensor, { k: 'r', ts, metric: r.metric, value: r.value, dur });
  }

  ingestEvent(e: DeviceEvent): Transition[] {
    const info = this.bind.devices.get(e.device);
    if (!info) return this.reject('unknown-device');
    const ts = parseTimestamp(e.ts);
    if (ts === null) return this.reject('bad-timestamp');
    const window = e.window ?? info.device.window;
    const ev: CounterEvent = { device: e.device, type: e.type, ts, ...(e.score !== undefined ? { score: e.score } : {}), ...(window ? { window } : {}) };
    return this.offer(e.device, { k: 'e', ts, e: ev });
  }

  status(device: string, status: DeviceStatus, tsMs: number): Transition[] {
    if (!this.bind.devices.has(device)) return this.reject('unknown-device');
    if (!Number.isFinite(tsMs)) return this.reject('bad-timestamp');
    return this.offer(device, { k: 's', ts: tsMs, status });
  }

  /** The caller's event-time clock reached `nowMs`: the watermark becomes nowMs − the late bound. */
  advance(nowMs: number): Transition[] {
    const w = nowMs - this.lateMs;
    if (this.watermarkMs === null || w > this.watermarkMs) this.watermarkMs = w;
    const out: Transition[] = [];
    for (const [key, ks] of this.keys) this.pump(key, ks, out);
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
    return { excursions: take(this.excursions), gaps: take(this.gaps), faults: take(this.faults), followups: take(this.followups) };
  }

  private offer(key: string, item: Item): Transition[] {
    const ks = this.keys.get(key)!;
    if (ks.frontier !== null && item.ts < ks.frontier) return this.reject('late');
    if (ks.buf.some((x) => same(x, item) || sameSlot(x, item))) return this.reject('duplicate');
    ks.buf.push(item);
    if (ks.maxTs === null || item.ts > ks.maxTs) ks.maxTs = item.ts;
    const out: Transition[] = [];
    this.pump(key, ks, out);
    return out;
  }

  /** Releases what the key's frontier passed, in timestamp order, then moves its rules' time on. */
  private pump(key: string, ks: KeyState, out: Transition[]): void {
    const fromMax = ks.maxTs === null ? null : ks.maxTs - this.lateMs;
    const cand = fromMax === null ? this.watermarkMs : this.watermarkMs === null ? fromMax : Math.max(fromMax, this.watermarkMs);
    if (cand === null) return;
    if (ks.frontier === null || cand > ks.frontier) ks.frontier = cand;
    const f = ks.frontier;
    const rules = this.bind.byKey.get(key) ?? [];
    if (ks.buf.some((x) => x.ts <= f)) {
      ks.buf.sort(cmp);
      const n = ks.buf.findIndex((x) => x.ts > f);
      const ready = ks.buf.splice(0, n === -1 ? ks.buf.length : n);
      for (const item of ready) {
        // Time first, then the item: the same transitions whatever the arrival order within the bound.
        this.tickAll(rules, item.ts, out);
        this.dispatch(key, rules, item, out);
      }
    }
    this.tickAll(rules, f, out);
  }

  private tickAll(rules: RuleInstance[], t: number, out: Transition[]): void {
    const got: Transition[] = [];
    this.sink.into = got;
    for (const r of rules) r.time(t, this.sink);
    got.sort((a, b) => a.atMs - b.atMs);
    out.push(...got);
  }

  private dispatch(key: string, rules: RuleInstance[], item: Item, out: Transition[]): void {
    this.sink.into = out;
    if (item.k === 'r') {
      const gapMs = this.streamGap(key, item.metric, item.ts);
      const sample = { sensor: key, metric: item.metric, ts: item.ts, value: item.value, dur: item.dur, gapMs };
      for (const r of rules) r.reading?.(sample, this.sink);
    } else if (item.k === 'e') {
      for (const r of rules) r.event?.(item.e, this.sink);
      for (const r of this.bind.zoneRulesByDevice.get(key) ?? []) r.event?.(item.e, this.sink);
    } else {
      for (const r of rules) r.status?.({ device: key, status: item.status, ts: item.ts }, this.sink);
    }
  }

  /** The zone's gap threshold, else 5× the stream's usual (median) interval, else the default. */
  private streamGap(sensor: string, metric: Metric, ts: number): number {
    // Hot path (every reading): one map lookup by a cached key, no sorting allocations.
    let bySensor = this.streamKeys.get(sensor);
    if (!bySensor) this.streamKeys.set(sensor, (bySensor = new Map()));
    let id = bySensor.get(metric);
    if (id === undefined) bySensor.set(metric, (id = `${sensor}|${metric}`));
    let st = this.streams.get(id);
    if (!st) this.streams.set(id, (st = { last: ts, iv: [] }));
    if (ts > st.last) {
      st.iv.push(ts - st.last);
      if (st.iv.length > 9) st.iv.shift();
    }
    st.last = ts;
    const zone = this.bind.zoneGapMs.get(sensor);
    if (zone !== undefined) return zone;
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
    if (!isValid(EngineState, state)) throw new Error('engine state is not a snapshot of this engine version; delete it to start the rules afresh');
    if (state.site !== this.siteId) throw new Error(`engine state is for site "${state.site}", not "${this.siteId}"`);
    const s = structuredClone(state);
    this.watermarkMs = s.watermark;
    for (const [k, ks] of Object.entries(s.keys)) if (this.keys.has(k)) this.keys.set(k, ks as KeyState);
    this.streams = new Map(Object.entries(s.streams));
    this.counts = { ...s.counters };
    for (const r of this.rules) if (r.key in s.rules) r.load(s.rules[r.key]);
  }
}
