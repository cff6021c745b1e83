// Builds a Scenario from its data (name, texts, incident placement) and an overlay on the normal
// day. Everything here is pure: values from hashes of (seed, sensor, time), counter events from
// whole simulated days cached per day, so any split of a time span gives the same answer.
import type { DeviceEvent, Metric, SiteConfig } from '@hallmon/firmware-config';
import { dayInZone } from '@hallmon/firmware-config';
import type { FaultMode } from '../signal.ts';
import { baseValue, roundValue } from './baseline.ts';
import { simulateDay } from './queue.ts';
import { hhmm, siteModel } from './site-model.ts';
import {
  DEFAULT_FROM,
  type IncidentSpec,
  type Overlay,
  type Scenario,
  type ScenarioContext,
  type ScenarioSignals,
  type SignalOptions,
  type TimedEvent,
} from './types.ts';

export interface ScenarioDef {
  name: string;
  title: string;
  description: string;
  durationS?: number;
  incident?: IncidentSpec;
  overlay?: Overlay;
}

const DAY = 86_400_000;
const CACHED_DAYS = 8;

/** The first instant at or after `fromMs` matching the incident spec (within two weeks). */
export function placeIncident(site: SiteConfig, spec: IncidentSpec, fromMs: number): number {
  const model = siteModel(site);
  const at = hhmm(spec.localTime);
  let day = dayInZone(fromMs, site.timezone);
  for (let i = 0; i < 15; i++) {
    const t = model.midnight(day) + at * 60_000;
    if (t >= fromMs && (spec.days === 'any' || model.isOpen(t))) return t;
    day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
  }
  return fromMs + 60_000;
}

export function makeScenario(def: ScenarioDef): Scenario {
  const overlay = def.overlay ?? {};
  const place = (site: SiteConfig, fromMs: number) =>
    def.incident ? placeIncident(site, def.incident, fromMs) : undefined;
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    durationS: def.durationS,
    incident: def.incident,
    placeIncident: place,
    signals(site: SiteConfig, seed: number, opts: SignalOptions = {}): ScenarioSignals {
      const model = siteModel(site);
      const incidentAt = def.incident ? (opts.incidentAt ?? place(site, opts.from ?? DEFAULT_FROM)) : undefined;
      const ctx: ScenarioContext = { model, seed: seed >>> 0, at: incidentAt ?? NaN };
      const days = new Map<string, TimedEvent[]>();
      const dayEvents = (day: string): TimedEvent[] => {
        let ev = days.get(day);
        if (!ev) {
          ev = simulateDay(model, ctx.seed, day);
          if (overlay.dayEvents) ev = overlay.dayEvents(ctx, ev, day);
          if (days.size >= CACHED_DAYS) days.delete(days.keys().next().value!);
          days.set(day, ev);
        }
        return ev;
      };
      return {
        incidentAt,
        value(sensorId: string, metric: Metric, t: number): number | undefined {
          const sensor = model.sensors.get(sensorId);
          if (!sensor || !sensor.metrics.has(metric)) return undefined;
          let v = baseValue(model, ctx.seed, sensor, metric, t);
          if (overlay.value) v = overlay.value(ctx, sensor, metric, t, v);
          return Number.isFinite(v) ? roundValue(metric, v) : undefined;
        },
        fault(device: string, t: number): FaultMode {
          return overlay.fault?.(ctx, device, t) ?? 'none';
        },
        events(fromMs: number, toMs: number): DeviceEvent[] {
          if (!(toMs > fromMs)) return [];
          const out: DeviceEvent[] = [];
          // A day's queue drains within that local day; start one day early to be safe.
          let day = dayInZone(fromMs - DAY, site.timezone);
          const last = dayInZone(toMs, site.timezone);
          for (;;) {
            for (const e of dayEvents(day)) if (e.t >= fromMs && e.t < toMs) out.push(e.event);
            if (day >= last) break;
            day = new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
          }
          return out;
        },
      };
    },
  };
}

/** 0 before `a`, 1 after `b`, a smooth S-curve between. */
export function smoothstep(a: number, b: number, x: number): number {
  if (x <= a) return 0;
  if (x >= b) return 1;
  const f = (x - a) / (b - a);
  return f * f * (3 - 2 * f);
}

/** A fault mode while t is in [at, at + durationMs) for one device. */
export function faultWindow(device: string, mode: FaultMode, durationMs: number): Overlay['fault'] {
  return (ctx, d, t) => (d === device && t >= ctx.at && t < ctx.at + durationMs ? mode : undefined);
}
