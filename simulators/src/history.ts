// History for backfills and evidence tests: a scenario evaluated over [from, to) as contract
// readings and counter events with their event times, in time order, in bounded batches. It walks
// time in short slices, so memory stays flat however long the span (a year is fine).
import {
  isStateMetric,
  STATE_REFRESH_S,
  toIso,
  type DeviceEvent,
  type Metric,
  type Reading,
  type SiteConfig,
} from '@hallmon/firmware-config';
import type { Scenario } from './scenarios/types.ts';
import { siteModel } from './scenarios/site-model.ts';

export interface HistoryOptions {
  scenario: Scenario;
  site: SiteConfig;
  seed: number;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /**
   * Seconds between readings per metric (default: noise 1 s, everything else 60 s). A state metric
   * is looked at this often (default 10 s) and written as the edge sends it: on a change, and
   * unchanged every STATE_REFRESH_S.
   */
  stepS?: Partial<Record<Metric, number>>;
  /** Most readings in one batch (default 5000, the contract maximum per message). */
  batchSize?: number;
  /** The scenario's incident time (default: placed at or after `from`). */
  incidentAt?: number;
  /** Only these sensors (default: every sensor of the site). */
  sensors?: string[];
}

export interface HistoryBatch {
  readings: Reading[];
  events: DeviceEvent[];
  /** The batch covers event time [from, to). Consecutive batches are contiguous and ordered. */
  from: number;
  to: number;
}

export const DEFAULT_STEP_S: Record<Metric, number> = {
  noise_laeq: 1,
  temperature: 60,
  humidity: 60,
  co2: 60,
  illuminance: 60,
  water_leak: 10,
  smoke: 10,
  door_open: 10,
  mains_ok: 10,
  ups_on_battery: 10,
  ac_running: 10,
  ups_battery_pct: 60,
  ups_load_pct: 60,
  ups_runtime_min: 60,
};

interface Channel {
  sensor: string;
  metric: Metric;
  stepMs: number;
  next: number;
  /** State channels: the last value written and when (changes and refreshes only). */
  state?: { value: number | undefined; at: number };
}

const REFRESH_MS = STATE_REFRESH_S * 1000;

/**
 * About how many readings a history run will produce (for progress and ETA): every step of a
 * sampled series, and a state series' refreshes (its few changes are not counted), so exact for a
 * site without state inputs and a few readings short with them.
 */
export function estimateReadings(opts: HistoryOptions): number {
  const model = siteModel(opts.site);
  let n = 0;
  for (const s of model.sensors.values()) {
    if (opts.sensors && !opts.sensors.includes(s.id)) continue;
    for (const m of s.metrics)
      n += Math.ceil(
        (opts.to - opts.from) / (isStateMetric(m) ? REFRESH_MS : 1000 * (opts.stepS?.[m] ?? DEFAULT_STEP_S[m])),
      );
  }
  return n;
}

export async function* generateHistory(opts: HistoryOptions): AsyncGenerator<HistoryBatch> {
  const { scenario, site, seed, from, to } = opts;
  if (!(to > from)) return;
  const batchSize = Math.min(Math.max(1, opts.batchSize ?? 5000), 5000);
  const signals = scenario.signals(site, seed, { from, incidentAt: opts.incidentAt });
  const model = siteModel(site);
  const channels: Channel[] = [];
  for (const s of model.sensors.values()) {
    if (opts.sensors && !opts.sensors.includes(s.id)) continue;
    for (const metric of s.metrics) {
      const stepMs = Math.max(1, Math.round(1000 * (opts.stepS?.[metric] ?? DEFAULT_STEP_S[metric])));
      channels.push({
        sensor: s.id,
        metric,
        stepMs,
        next: from,
        ...(isStateMetric(metric) ? { state: { value: undefined, at: -Infinity } } : {}),
      });
    }
  }
  // Slices short enough that one never holds more than a batch: Σ ceil(slice/step) <= batchSize.
  let sliceMs = 3_600_000;
  const perSlice = (ms: number) => channels.reduce((n, c) => n + Math.ceil(ms / c.stepMs), 0);
  while (sliceMs > 1000 && perSlice(sliceMs) > batchSize) sliceMs = Math.max(1000, Math.floor(sliceMs / 2));
  const maxPerSlice = perSlice(sliceMs);

  let readings: Reading[] = [];
  let events: DeviceEvent[] = [];
  let batchFrom = from;
  for (let a = from; a < to; a += sliceMs) {
    if (readings.length && readings.length + maxPerSlice > batchSize) {
      yield { readings, events, from: batchFrom, to: a };
      readings = [];
      events = [];
      batchFrom = a;
    }
    const b = Math.min(to, a + sliceMs);
    // Readings of the slice in time order: merge the channels by their next due time.
    for (;;) {
      let c: Channel | undefined;
      for (const ch of channels) if (ch.next < b && (!c || ch.next < c.next)) c = ch;
      if (!c) break;
      const t = c.next;
      c.next += c.stepMs;
      // A device that is silent or garbling its answers yields no reading (the edge would log a fault).
      if (signals.fault(c.sensor, t) !== 'none') continue;
      const value = signals.value(c.sensor, c.metric, t);
      if (value === undefined) continue;
      if (c.state) {
        if (value === c.state.value && t - c.state.at < REFRESH_MS) continue;
        c.state = { value, at: t };
      }
      const r: Reading = { sensor: c.sensor, metric: c.metric, value, ts: toIso(t) };
      if (c.metric === 'noise_laeq') r.dur = c.stepMs / 1000;
      readings.push(r);
    }
    for (const e of signals.events(a, b)) events.push(e);
    // Only with thousands of channels can one slice (1 s) exceed a batch: then cut it in pieces.
    while (readings.length > batchSize) {
      yield { readings: readings.slice(0, batchSize), events, from: batchFrom, to: a };
      readings = readings.slice(batchSize);
      events = [];
      batchFrom = a;
    }
  }
  if (readings.length || events.length || batchFrom < to) yield { readings, events, from: batchFrom, to };
}
