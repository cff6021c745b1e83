// Replays one sensor's suspicious segments (quiet-hours.ts) from the 1-minute rollups, each through
// a fresh RuleEngine bound to that sensor alone: the same rule code, state primed by the segment's
// look-back padding. Records come out in time order per sensor, as from one full replay. A segment
// that ends while one of its alarms is still raised (it should not: the padding ends on a quiet
// hour) keeps going hour by hour until the alarm clears, so no excursion is ever cut short.
import type { ClauseCatalogue, DeviceProfile, Metric, SiteConfig, WorkingCalendar } from '@hallmon/firmware-config';
import { RuleEngine, planBinding } from '@hallmon/rules';
import type { Excursion, FaultRecord, FollowupRecord, GapRecord } from '@hallmon/rules';
import type { Store } from '../store/store.ts';
import { HOUR } from './hour-summary.ts';
import type { Segment } from './quiet-hours.ts';
import { feedColumns, OpenAlarms, type MinuteColumns } from './rollup-replay.ts';

export interface Records {
  excursions: Excursion[];
  gaps: GapRecord[];
  faults: FaultRecord[];
  followups: FollowupRecord[];
}

export interface SegmentReplayInput {
  store: Store;
  site: SiteConfig;
  catalogue: ClauseCatalogue;
  calendar: WorkingCalendar;
  profiles: Map<string, DeviceProfile>;
  sensor: string;
  metrics: Metric[];
  /** End of the replay range (the period end): the last segment's engine is advanced to it. */
  to: number;
}

export interface SegmentReplayResult {
  records: Records;
  /** Alarms still raised at the period end (from a segment reaching it). */
  open: OpenAlarms;
  /** Minute readings fed to the engine. */
  fed: number;
}

/** The site with only this sensor's zone and device: binding is cheap, alarm ids are the site's. */
function soloSite(site: SiteConfig, sensor: string): SiteConfig {
  for (const z of site.zones) {
    const d = z.devices.find((x) => x.id === sensor);
    if (d) return { ...site, zones: [{ ...z, devices: [d] }] };
  }
  return site;
}

export async function replaySegments(input: SegmentReplayInput, segments: Segment[]): Promise<SegmentReplayResult> {
  const { store, site, sensor, metrics, to } = input;
  const solo = soloSite(site, sensor);
  // One plan for all of this sensor's engines: resolving the rules per segment cost more than replaying short ones.
  const opts = { site: solo, catalogue: input.catalogue, calendar: input.calendar, profiles: input.profiles };
  const plan = planBinding(opts);
  const records: Records = { excursions: [], gaps: [], faults: [], followups: [] };
  const open = new OpenAlarms();
  let fed = 0;
  // Every segment's range is asked for up front (InfluxDB batches them into few round trips for
  // hundreds of segments); ranges the safety net below adds are read one at a time.
  const ahead = new Map<string, { ts: Float64Array; value: Float64Array }>();
  if (segments.length > 1) {
    const ranges = segments.map((g) => [g.from, g.to] as const);
    for (const metric of metrics) {
      const got = await store.readMinuteValuesRanges({ site: site.id, sensor, metric }, ranges);
      got.forEach((c, k) => ahead.set(`${metric}|${ranges[k]![0]}|${ranges[k]![1]}`, c));
    }
  }
  const minuteValues = async (metric: Metric, a: number, b: number) => {
    const key = `${metric}|${a}|${b}`;
    const got = ahead.get(key);
    if (got) {
      ahead.delete(key);
      return got;
    }
    return store.readMinuteValues({ site: site.id, sensor, metric, from: a, to: b });
  };
  const feed = async (engine: RuleEngine, local: OpenAlarms, a: number, b: number) => {
    // Columns straight from the store: the same values as readAggregate, without a row object each.
    const cols: MinuteColumns[] = [];
    for (const metric of metrics) cols.push({ metric, ...(await minuteValues(metric, a, b)) });
    fed += feedColumns(engine, sensor, cols, local);
  };
  for (let i = 0; i < segments.length; i++) {
    const engine = new RuleEngine({ ...opts, plan });
    const local = new OpenAlarms();
    const start = segments[i]!.from;
    let end = segments[i]!.to;
    await feed(engine, local, start, end);
    // Safety net: carry on (absorbing later segments) until this engine's alarms are all cleared.
    while (end < to && local.open.size > 0) {
      let next = Math.min(to, end + HOUR);
      while (i + 1 < segments.length && segments[i + 1]!.from < next) next = Math.max(next, segments[++i]!.to);
      await feed(engine, local, end, next);
      end = next;
    }
    if (end >= to) local.take(engine.advance(to + engine.lateBoundMs));
    for (const [id, t] of local.open) open.open.set(id, t);
    const r = engine.drainRecords();
    records.excursions.push(...r.excursions);
    records.gaps.push(...r.gaps);
    records.faults.push(...r.faults);
    records.followups.push(...r.followups);
  }
  return { records, open, fed };
}
