// Test fixture for the rule engine: the shipped demo site, catalogue, profiles and calendar, input
// builders with site-local times, and a harness that runs one scenario in order, shuffled within
// the late bound, or with a snapshot/restore in the middle.
import {
  loadCatalogue,
  loadProfiles,
  loadSites,
  type DeviceEvent,
  type Metric,
  type NormalisedReading,
  type SiteConfig,
  shippedCalendar,
} from '@hallmon/firmware-config';
import { RuleEngine, type EngineOptions } from '@hallmon/rules';
import type { ReplayInput, Excursion, FollowupStage, Transition } from '@hallmon/rules';

const profiles = loadProfiles();
const catalogue = loadCatalogue();
const calendar = shippedCalendar();
const demo = loadSites(undefined, profiles).get('demo')!;

export function demoSite(): SiteConfig {
  const { file: _f, ...site } = structuredClone(demo);
  return site;
}

export function makeEngine(opts: Partial<EngineOptions> = {}): RuleEngine {
  return new RuleEngine({ site: demoSite(), catalogue, calendar, profiles, ...opts });
}

/** Epoch ms of a Shanghai wall-clock time, e.g. at('2025-05-06 10:00'). */
export function at(local: string): number {
  return Date.parse(`${local.replace(' ', 'T')}${local.length <= 16 ? ':00' : ''}+08:00`);
}

export const S = 1000;
export const MIN = 60_000;

export function reading(sensor: string, metric: Metric, value: number, ts: number, dur?: number): ReplayInput {
  const r: NormalisedReading = {
    sensor,
    metric,
    value,
    ts: new Date(ts).toISOString(),
    quality: 'ok',
    ...(dur ? { dur } : {}),
  };
  return { reading: r };
}

export function event(e: Omit<DeviceEvent, 'ts'> & { ts: number }): ReplayInput {
  return { event: { ...e, ts: new Date(e.ts).toISOString() } };
}

export function status(device: string, s: 'online' | 'offline', ts: number): ReplayInput {
  return { status: { device, status: s, ts } };
}

/** A series of one metric: values[i] at start + i·stepMs. */
export function series(sensor: string, metric: Metric, start: number, stepMs: number, values: number[]): ReplayInput[] {
  return values.map((v, i) => reading(sensor, metric, v, start + i * stepMs));
}

export type Step = ReplayInput | { advance: number } | { resolve: { id: string; stage: FollowupStage; ts: number } };

export function apply(engine: RuleEngine, step: Step): Transition[] {
  if ('advance' in step) return engine.advance(step.advance);
  if ('resolve' in step) return engine.resolveFollowup(step.resolve.id, step.resolve.stage, step.resolve.ts) ?? [];
  if ('reading' in step) return engine.ingest(step.reading);
  if ('event' in step) return engine.ingestEvent(step.event);
  return engine.status(step.status.device, step.status.status, step.status.ts);
}

export interface RunResult {
  transitions: Transition[];
  excursions: Excursion[];
  engine: RuleEngine;
}

export function run(steps: Step[], opts: Partial<EngineOptions> = {}, engine = makeEngine(opts)): RunResult {
  const transitions: Transition[] = [];
  for (const s of steps) transitions.push(...apply(engine, s));
  return { transitions, excursions: [...engine.excursions], engine };
}

/** Runs steps[0..k), snapshots through JSON, restores into a fresh engine and runs the rest. */
export function runWithRestart(steps: Step[], k: number, opts: Partial<EngineOptions> = {}): RunResult {
  const a = run(steps.slice(0, k), opts);
  const b = makeEngine(opts);
  b.restore(JSON.parse(JSON.stringify(a.engine.snapshot())));
  const rest = run(steps.slice(k), opts, b);
  return {
    transitions: [...a.transitions, ...rest.transitions],
    excursions: [...a.excursions, ...rest.excursions],
    engine: b,
  };
}

function stepTs(s: Step): number | null {
  if ('advance' in s || 'resolve' in s) return null;
  if ('status' in s) return s.status.ts;
  return Date.parse(('reading' in s ? s.reading.ts : s.event.ts) as string);
}

/** Deterministic shuffle within 59 s buckets (inside the 60 s late bound); advance/resolve steps stay barriers. */
export function shuffleWithinBound(steps: Step[], seed = 7): Step[] {
  let x = seed;
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: Step[] = [];
  let bucket: Step[] = [];
  let key: number | null = null;
  const flush = () => {
    for (let i = bucket.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [bucket[i], bucket[j]] = [bucket[j]!, bucket[i]!];
    }
    out.push(...bucket);
    bucket = [];
  };
  for (const s of steps) {
    const ts = stepTs(s);
    const k = ts === null ? null : Math.floor(ts / 59_000);
    if (ts === null || k !== key) flush();
    if (ts === null) out.push(s);
    else bucket.push(s);
    key = k;
  }
  flush();
  return out;
}

/** Transitions in a canonical order, for comparing runs whose inputs arrived differently. */
export function canonical(ts: Transition[]): string[] {
  return ts.map((t) => `${t.atMs} ${t.type} ${t.alarm.id} ${t.alarm.clearedAt ?? ''} ${t.alarm.peak ?? ''}`).sort();
}

export function only(ts: Transition[], rule: string): Transition[] {
  return ts.filter((t) => t.alarm.rule === rule);
}

export const iso = (ms: number) => new Date(ms).toISOString();
