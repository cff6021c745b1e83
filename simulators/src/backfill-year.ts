// A year (or any span) of one hall's history as the demo needs it: the base scenario's normal days
// (seasons, weekends and public holidays from the working calendar) with incidents placed on a few
// days by the seed: the machine-room AC failing, loud mornings, a damp week in the archive, an
// evaluator dropping offline (twice in one month: more than the 2021 rules allow) and bad ratings
// nobody answers. Each incident is an existing named scenario, applied to its own zone or devices.
import { dayInZone, nextDay, type DeviceEvent, type Metric, type SiteConfig } from '@hallmon/firmware-config';
import type { FaultMode } from './signal.ts';
import { unit } from './random.ts';
import { getScenario, type Scenario, type ScenarioSignals } from './scenarios/index.ts';
import { siteModel } from './scenarios/site-model.ts';

const DAY = 86_400_000;

export interface Incident {
  scenario: string;
  /** Epoch ms the incident begins. */
  at: number;
  /** How long its effect is applied (ms). */
  durationMs: number;
  /** Sensors of these zone kinds take the incident's values; devices listed take its faults. */
  zones: string[];
  /** The incident rewrites the counter events of its local day. */
  events: boolean;
}

interface IncidentKind {
  scenario: string;
  durationMs: number;
  zones: string[];
  events: boolean;
  /** Days (0-based from the start of the span) the incident falls on, from the seed. */
  days(spanDays: number, seed: number): number[];
}

/** `perYear` incidents spread over the span (at least one), each at a seeded day of its slot. */
const spread = (perYear: number, key: string) => (spanDays: number, seed: number) => {
  const out: number[] = [];
  const count = Math.max(1, Math.round((perYear * spanDays) / 365));
  for (let i = 0; i < count; i++) {
    const slot = spanDays / count;
    out.push(Math.floor(i * slot + unit(seed, key, i) * slot));
  }
  return out.filter((d) => d < spanDays);
};

const KINDS: IncidentKind[] = [
  {
    scenario: 'machine-room-ac-failure',
    durationMs: 2 * 3_600_000,
    zones: ['machine-room'],
    events: false,
    days: spread(3, 'inc:ac'),
  },
  {
    scenario: 'loud-morning-peak',
    durationMs: 3_600_000,
    zones: ['hall'],
    events: false,
    days: spread(12, 'inc:loud'),
  },
  // The dehumidifier is repaired after a week.
  {
    scenario: 'archive-damp',
    durationMs: 7 * DAY,
    zones: ['archive-room'],
    events: false,
    days: (n, seed) => [Math.min(n - 1, Math.floor(n * 0.12 + unit(seed, 'inc:damp', 0) * Math.min(10, n / 4)))],
  },
  // Twice in one month: the second fault breaks "每月故障不超过一次".
  {
    scenario: 'evaluator-offline',
    durationMs: 30 * 60_000,
    zones: [],
    events: true,
    days: (n, seed) => {
      const d = Math.floor(n * 0.33 + unit(seed, 'inc:eval', 0) * Math.min(10, n / 4));
      return [d, d + 9].filter((x) => x < n);
    },
  },
  { scenario: 'bad-rating-unanswered', durationMs: 3_600_000, zones: [], events: true, days: spread(6, 'inc:bad') },
];

/** The incidents of a span [from, to), each placed by its scenario (e.g. 14:00, or opening days only). */
export function planIncidents(site: SiteConfig, seed: number, from: number, to: number): Incident[] {
  const spanDays = Math.max(1, Math.round((to - from) / DAY));
  const out: Incident[] = [];
  for (const k of KINDS) {
    const sc = getScenario(k.scenario);
    if (!sc) continue;
    for (const d of k.days(spanDays, seed)) {
      const at = sc.placeIncident(site, from + d * DAY);
      if (at === undefined || at >= to || out.some((x) => x.scenario === k.scenario && x.at === at)) continue;
      out.push({ scenario: k.scenario, at, durationMs: k.durationMs, zones: k.zones, events: k.events });
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The base scenario with the incidents applied, as one Scenario for generateHistory. */
export function yearScenario(base: Scenario, site: SiteConfig, incidents: Incident[]): Scenario {
  return {
    ...base,
    name: `${base.name}+incidents`,
    signals(s: SiteConfig, seed: number, opts = {}): ScenarioSignals {
      const normal = base.signals(s, seed, opts);
      const model = siteModel(site);
      const live = incidents.map((i) => ({ i, sig: getScenario(i.scenario)!.signals(s, seed, { incidentAt: i.at }) }));
      const zoneOf = (sensor: string) => model.sensors.get(sensor)?.zone;
      // Event-rewriting incidents by their local day.
      const byDay = new Map<string, ScenarioSignals>();
      for (const l of live) if (l.i.events) byDay.set(dayInZone(l.i.at, site.timezone), l.sig);
      return {
        incidentAt: incidents[0]?.at,
        value(sensor: string, metric: Metric, t: number): number | undefined {
          const z = zoneOf(sensor);
          for (const l of live)
            if (t >= l.i.at && t < l.i.at + l.i.durationMs && z !== undefined && l.i.zones.includes(z))
              return l.sig.value(sensor, metric, t);
          return normal.value(sensor, metric, t);
        },
        fault(device: string, t: number): FaultMode {
          for (const l of live) {
            if (!l.i.events || t < l.i.at || t >= l.i.at + l.i.durationMs) continue;
            const f = l.sig.fault(device, t);
            if (f !== 'none') return f;
          }
          return normal.fault(device, t);
        },
        events(fromMs: number, toMs: number): DeviceEvent[] {
          const out: DeviceEvent[] = [];
          // Cut the span at local midnights: each day comes from the incident of that day, if any.
          let a = fromMs;
          while (a < toMs) {
            const day = dayInZone(a, site.timezone);
            const b = Math.min(toMs, model.midnight(nextDay(day)));
            out.push(...(byDay.get(day) ?? normal).events(a, b));
            a = b;
          }
          return out;
        },
      };
    },
  };
}

/** Offline/online status changes of the counter devices over the span (what an edge would report). */
export function counterStatus(
  site: SiteConfig,
  signals: ScenarioSignals,
  incidents: Incident[],
  from: number,
): Array<{ device: string; status: 'online' | 'offline'; ts: number }> {
  const devices = siteModel(site).counterDevices;
  const out: Array<{ device: string; status: 'online' | 'offline'; ts: number }> = devices.map((device) => ({
    device,
    status: 'online' as const,
    ts: from,
  }));
  for (const i of incidents) {
    if (!i.events) continue;
    for (const device of devices) {
      if (signals.fault(device, i.at) === 'none') continue;
      out.push({ device, status: 'offline', ts: i.at }, { device, status: 'online', ts: i.at + i.durationMs });
    }
  }
  return out.sort((a, b) => a.ts - b.ts);
}
