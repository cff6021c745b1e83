// The shape of a scenario: named data plus pure functions of (site, seed, time), so the same seed
// gives the same hall on any machine, live or as history, however the time span is cut up.
import type { DeviceEvent, Metric, SiteConfig } from '@hallmon/firmware-config';
import type { FaultMode } from '../signal.ts';
import type { SiteModel, SensorInfo } from './site-model.ts';

export interface ScenarioSignals {
  /** The value `sensor` measures for `metric` at `tMs`, or undefined when it has no such metric. */
  value(sensor: string, metric: Metric, tMs: number): number | undefined;
  /** How the device misbehaves at `tMs` ('none' normally). Counter devices use 'silent' (offline). */
  fault(device: string, tMs: number): FaultMode;
  /** Counter events with event time in [fromMs, toMs), sorted by time; split-invariant. */
  events(fromMs: number, toMs: number): DeviceEvent[];
  /** When this run's incident begins (epoch ms), if the scenario has one. */
  readonly incidentAt: number | undefined;
}

export interface SignalOptions {
  /** Start of the incident, epoch ms. Default: placed by the scenario at or after `from`. */
  incidentAt?: number;
  /** Where the run starts, for placing the incident (default DEFAULT_FROM). */
  from?: number;
}

/** When an incident happens if nobody says: a site-local time of day, on an opening day or any day. */
export interface IncidentSpec {
  localTime: string;
  /** 'open': only when the hall is open at that time; 'any': every day. */
  days: 'open' | 'any';
}

export interface Scenario {
  name: string;
  title: string;
  description: string;
  /** How long the scenario's story takes from its start, seconds (a good live/backfill length). */
  durationS?: number;
  incident?: IncidentSpec;
  /** The incident time a run starting at `fromMs` gets by default (undefined: no incident). */
  placeIncident(site: SiteConfig, fromMs: number): number | undefined;
  signals(site: SiteConfig, seed: number, opts?: SignalOptions): ScenarioSignals;
}

/** An event with its time as epoch ms, for sorting and span filtering. */
export interface TimedEvent {
  t: number;
  event: DeviceEvent;
}

/** What overlay hooks see. */
export interface ScenarioContext {
  model: SiteModel;
  seed: number;
  /** Incident start, epoch ms (NaN for scenarios without one). */
  at: number;
}

/** How a named scenario departs from the normal day. Each hook is pure. */
export interface Overlay {
  value?(ctx: ScenarioContext, sensor: SensorInfo, metric: Metric, t: number, base: number): number;
  fault?(ctx: ScenarioContext, device: string, t: number): FaultMode | undefined;
  /** Rewrites one local day's counter events (whole day at once, so splits cannot change it). */
  dayEvents?(ctx: ScenarioContext, events: TimedEvent[], day: string): TimedEvent[];
}

/** 2025-05-06 00:00 Asia/Shanghai, a working Tuesday: where runs start when nobody says. */
export const DEFAULT_FROM = Date.parse('2025-05-06T00:00:00+08:00');
