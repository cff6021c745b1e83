// One sensor's part of the evidence: coverage and daily tables per metric, plus the rule records of
// a replay. Two methods with the same answer: 'rollup-first' (the default: hourly rollups, and only
// the suspicious hours replayed from minute rollups; a year in seconds) and 'full-replay' (every
// minute of the period through the engine; the reference the tests compare the default against).
import type { Metric } from '@hallmon/firmware-config';
import { ruleKind, type HourSummary, type RuleInstance } from '@hallmon/rules';
import {
  coverageFromHours,
  fillMinuteCache,
  hoursNeedingMinutes,
  noiseDaysFromHours,
  roomDaysFromHours,
} from './hour-stats.ts';
import { readHours } from './hour-summary.ts';
import type { DaySpan } from './period.ts';
import { type ActiveHours, lookBackMs, segmentsOf, suspiciousHours, type Segment } from './quiet-hours.ts';
import { NOISE_MINUTE_DUR_S } from './rollup-replay.ts';
import { replaySegments, type SegmentReplayInput, type SegmentReplayResult } from './segment-replay.ts';
import {
  coverage,
  judgedIntervals,
  noiseDays,
  roomDays,
  type Coverage,
  type DayStats,
  type NoiseDay,
} from './series-stats.ts';

export type EvidenceMethod = 'rollup-first' | 'full-replay';

/** What the segment replay needs (store, site, sensor, metrics, period end), plus the pass's own. */
export interface SensorPassInput extends SegmentReplayInput {
  hall: boolean;
  rules: RuleInstance[];
  days: DaySpan[];
  /** Replay range: the period with its warm-up before it. */
  rangeFrom: number;
  from: number;
}

export interface SensorPass extends SegmentReplayResult {
  coverage: Map<Metric, Coverage>;
  room: Map<Metric, DayStats[]>;
  noise: NoiseDay[] | null;
  segments: Segment[];
  hoursReplayed: number;
}

/** Shared per build: which hours each rule is active in, and each hour's site-local days. */
export interface PassContext {
  active: ActiveHours;
  dayKeys: (k: number) => [string, string];
  h0: number;
  nHours: number;
  /** Day and opening boundaries (hours they cut need their minute buckets). */
  cuts: number[];
}

/** Uncovered spans shorter than the sensor's gap threshold (its gap rule's silence) are not listed. */
function minGapMs(rules: RuleInstance[]): number {
  for (const r of rules) {
    const silence = ruleKind(r.bound.rule.kind).silenceMs;
    if (silence) return silence(r.bound.rule);
  }
  return 300_000;
}

export async function rollupFirst(i: SensorPassInput, ctx: PassContext): Promise<SensorPass> {
  const { store, site, sensor } = i;
  const out: SensorPass = {
    coverage: new Map(),
    room: new Map(),
    noise: null,
    segments: [],
    hoursReplayed: 0,
    records: { excursions: [], gaps: [], faults: [], followups: [] },
    open: undefined!,
    fed: 0,
  };
  const hours = new Map<Metric, HourSummary>();
  for (const metric of i.metrics) {
    const h = await readHours(
      store,
      site.id,
      sensor,
      metric,
      i.rangeFrom,
      i.to,
      detailFor(metric, i.rules, ctx.active),
    );
    hours.set(metric, h);
    const cache = await fillMinuteCache(h, hoursNeedingMinutes(h, ctx.cuts), (a, b) =>
      store.readAggregate({ site: site.id, sensor, metric, from: a, to: b, step: '1m' }),
    );
    out.coverage.set(metric, coverageFromHours(h, cache, judgedIntervals(i.days, i.hall), minGapMs(i.rules)));
    if (metric === 'noise_laeq') out.noise = noiseDaysFromHours(h, cache, i.days, NOISE_MINUTE_DUR_S);
    else out.room.set(metric, roomDaysFromHours(h, cache, i.days));
  }
  const suspicious = suspiciousHours(i.rules, hours, ctx.active, ctx.dayKeys);
  out.segments = segmentsOf(suspicious, ctx.h0, lookBackMs(i.rules), i.rangeFrom, i.to);
  out.hoursReplayed = suspicious.reduce((a, x) => a + x, 0);
  Object.assign(out, await replaySegments(i, out.segments));
  return out;
}

export async function fullReplay(i: SensorPassInput): Promise<SensorPass> {
  const { store, site, sensor } = i;
  const out: SensorPass = {
    coverage: new Map(),
    room: new Map(),
    noise: null,
    segments: [{ from: i.rangeFrom, to: i.to }],
    hoursReplayed: NaN,
    records: { excursions: [], gaps: [], faults: [], followups: [] },
    open: undefined!,
    fed: 0,
  };
  for (const metric of i.metrics) {
    const points = await store.readAggregate({ site: site.id, sensor, metric, from: i.from, to: i.to, step: '1m' });
    out.coverage.set(metric, coverage(points, judgedIntervals(i.days, i.hall), minGapMs(i.rules)));
    if (metric === 'noise_laeq') out.noise = noiseDays(points, i.days, NOISE_MINUTE_DUR_S);
    else out.room.set(metric, roomDays(points, i.days));
  }
  Object.assign(out, await replaySegments(i, out.segments));
  return out;
}

/**
 * Full hours that the quiet test needs the exact minute values of (noise: hours whose loudest second
 * reaches a noise rule's clear level while it is active; a 95 dB second does not make a loud minute).
 */
function detailFor(
  metric: Metric,
  rules: RuleInstance[],
  active: ActiveHours,
): ((k: number, h: HourSummary) => boolean) | undefined {
  const tests = rules.flatMap((r) => {
    const t = ruleKind(r.bound.rule.kind).quiet?.minuteDetail?.(r.bound.rule, metric, active.of(r.bound.rule));
    return t ? [t] : [];
  });
  if (!tests.length) return undefined;
  return (k, h) => tests.some((t) => t(k, h));
}
