// The pack's first step: what it is computed over. The period's bounds in the site's time zone (a
// DATE is a site-local day), its days, every measured series of the site by zone, and the rule
// instances the catalogue binds to each sensor. Every clause is judged over these; later steps do
// not read the site config for them again.
import {
  deviceProfile,
  toIso,
  type ClauseCatalogue,
  type DeviceProfile,
  type Metric,
  type SiteConfig,
  type WorkingCalendar,
} from '@hallmon/firmware-config';
import { RuleEngine, type RuleInstance, type Schedule } from '@hallmon/rules';
import type { Store } from '../../store/store.ts';
import type { AuditState } from '../../state/state.ts';
import { periodBound, periodDays, siteSchedule, type DaySpan } from '../period.ts';
import type { EvidenceMethod } from '../sensor-pass.ts';
import type { EvidenceVisit, FollowupOutcome, Progress } from '../types.ts';

export interface EvidenceInput {
  store: Store;
  site: SiteConfig;
  catalogue: ClauseCatalogue;
  profiles: Map<string, DeviceProfile>;
  calendar: WorkingCalendar;
  /** YYYY-MM-DD (site-local, included) or an ISO 8601 instant / epoch ms. */
  from: string | number;
  /** YYYY-MM-DD (site-local, included) or an ISO 8601 instant / epoch ms (exclusive). */
  to: string | number;
  onProgress?: Progress;
  /** Coverage below this (0..1) without an excursion is insufficient-data. Default 0.9. */
  coverageThreshold?: number;
  /** Clock for generatedAt and for which follow-up deadlines have passed (tests). */
  now?: () => number;
  /**
   * What people recorded for bad ratings (the server's followups.db). A deadline that passed with no
   * record counts as missed: the assessor asks for the record, not for the absence of an alarm.
   */
  followupOutcomes?: FollowupOutcome[];
  /**
   * The machine-room entry register of the site (the server's visits.db): door openings are judged
   * against it (5.2.2 "先进行登记"). None given: every opening is unregistered.
   */
  visits?: EvidenceVisit[];
  /** The data dir's audit trail: the site's entries of the period go into the pack (none without). */
  audit?: Pick<AuditState, 'list'>;
  /** 'rollup-first' (default) or 'full-replay' (every minute through the engine: the reference). */
  method?: EvidenceMethod;
  /** How much was replayed (benchmarks, the CLI's --verbose). */
  onStats?: (s: ReplayStats) => void;
}

export interface ReplayStats {
  method: EvidenceMethod;
  /** Sensor-hours replayed from minute data, of all sensor-hours of the range. */
  hoursReplayed: number;
  hoursTotal: number;
  minutesFed: number;
  segments: number;
}

/** Longest period a pack may cover (a sampling year plus a leap day and slack). */
export const MAX_PERIOD_DAYS = 400;

/** One measured series of the site: a sensor's metric and the zone it is in. */
export interface SeriesInfo {
  sensor: string;
  metric: Metric;
  zone: string;
  zoneKind: string;
}

export interface BuildInputs {
  schedule: Schedule;
  from: number;
  to: number;
  days: DaySpan[];
  /** Coverage below this without an excursion is insufficient-data. */
  threshold: number;
  /** The engine of the counter replay; its rules are every bound rule instance of the site. */
  engine: RuleEngine;
  rulesBySensor: Map<string, RuleInstance[]>;
  /** Every measured series (devices with a sensor profile), zone by zone. */
  series: SeriesInfo[];
  /** The sensors of `series`, each once, in series order. */
  sensors: string[];
}

export function resolveInputs(input: EvidenceInput): BuildInputs {
  const { site, catalogue, profiles, calendar } = input;
  const schedule = siteSchedule(site);
  const from = periodBound(input.from, 'from', schedule);
  const to = periodBound(input.to, 'to', schedule);
  if (!(to > from))
    throw new RangeError(`the period is empty: "to" (${toIso(to)}) must be after "from" (${toIso(from)})`);
  if (to - from > MAX_PERIOD_DAYS * 86_400_000)
    throw new RangeError(`the period is longer than ${MAX_PERIOD_DAYS} days: split it into shorter packs`);
  const days = periodDays(schedule, from, to);
  const engine = new RuleEngine({ site, catalogue, calendar, profiles });
  const rulesBySensor = new Map<string, RuleInstance[]>();
  for (const r of engine.rules) rulesBySensor.set(r.bound.sensor, [...(rulesBySensor.get(r.bound.sensor) ?? []), r]);
  const series: SeriesInfo[] = [];
  for (const z of site.zones)
    for (const d of z.devices) {
      const p = deviceProfile(profiles, d);
      if (p?.deviceClass !== 'sensor') continue;
      for (const m of p.metrics) series.push({ sensor: d.id, metric: m.metric, zone: z.id, zoneKind: z.kind });
    }
  const sensors = [...new Set(series.map((s) => s.sensor))];
  return {
    schedule,
    from,
    to,
    days,
    threshold: input.coverageThreshold ?? 0.9,
    engine,
    rulesBySensor,
    series,
    sensors,
  };
}
