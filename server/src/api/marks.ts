// What the rule engine judged for one sensor over a range, for the dashboard's chart marks
// (GET /api/marks): the sensor's stored 1-minute rollups are replayed through a RuleEngine bound to
// that sensor alone, exactly as the evidence pack replays them (evidence/segment-replay.ts), from an
// hour before the range so rolling windows and the gap rule start primed. Excursions and gaps the
// engine closed come from its records; alarms still raised at the end are open ones, cut there.
import {
  parseTimestamp,
  toIso,
  type ClauseCatalogue,
  type DeviceProfile,
  type Metric,
  type RuleDef,
  type SiteConfig,
  type WorkingCalendar,
} from '@hallmon/firmware-config';
import type { MarkExcursion, MarkGap, MarksAnswer } from '@hallmon/contract';
import type { Store } from '../store/store.ts';
import { replaySegments } from '../evidence/segment-replay.ts';

/** Replay starts this much before the range (the evidence's warm-up: a 15-min window, an hourly mean). */
export const MARKS_WARMUP_MS = 3_600_000;

export interface MarksInput {
  store: Store;
  site: SiteConfig;
  catalogue: ClauseCatalogue;
  calendar: WorkingCalendar;
  profiles: Map<string, DeviceProfile>;
  sensor: string;
  metrics: Metric[];
  from: number;
  /** Exclusive. */
  to: number;
}

export async function sensorMarks(input: MarksInput): Promise<MarksAnswer> {
  const { from, to } = input;
  const rules = new Map<string, RuleDef>();
  for (const c of input.catalogue.clauses) for (const r of c.rules) rules.set(r.id, r);
  const { records, open } = await replaySegments(
    {
      store: input.store,
      site: input.site,
      catalogue: input.catalogue,
      calendar: input.calendar,
      profiles: input.profiles,
      sensor: input.sensor,
      metrics: input.metrics,
      to,
    },
    [{ from: from - MARKS_WARMUP_MS, to }],
  );
  const inRange = (start: number, end: number) => end > from && start < to;
  const excursions: MarkExcursion[] = records.excursions
    .filter((x) => inRange(x.start, x.end))
    .map((x) => ({
      rule: x.rule,
      clause: x.clause,
      kind: rules.get(x.rule)?.kind ?? 'unknown',
      metric: x.metric ?? rules.get(x.rule)?.metric ?? null,
      severity: x.severity,
      start: toIso(x.start),
      end: toIso(x.end),
      peak: x.peak,
      limit: x.limit ?? null,
      ongoing: false,
    }));
  const gaps: MarkGap[] = records.gaps
    .filter((g) => inRange(g.start, g.end))
    .map((g) => ({ rule: g.rule, clause: g.clause, start: toIso(g.start), end: toIso(g.end), ongoing: false }));
  for (const { alarm } of open.open.values()) {
    if (alarm.sensor !== input.sensor) continue;
    const def = rules.get(alarm.rule);
    const end = toIso(to);
    const start = toIso(parseTimestamp(alarm.startedAt) ?? from);
    if (def?.kind === 'gap') gaps.push({ rule: alarm.rule, clause: alarm.clause, start, end, ongoing: true });
    else
      excursions.push({
        rule: alarm.rule,
        clause: alarm.clause,
        kind: def?.kind ?? 'unknown',
        metric: def?.metric ?? null,
        severity: alarm.severity,
        start,
        end,
        peak: alarm.peak ?? null,
        limit: alarm.limit ?? null,
        ongoing: true,
      });
  }
  excursions.sort((a, b) => a.start.localeCompare(b.start) || a.rule.localeCompare(b.rule));
  gaps.sort((a, b) => a.start.localeCompare(b.start) || a.rule.localeCompare(b.rule));
  return { excursions, gaps };
}
