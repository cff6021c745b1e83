// The pack's sensor step: every sensor a clause rule watches, replayed through the same RuleEngine
// the edge runs live, with its coverage and daily tables. Rollups first by default (docs/evidence.md
// "How a year takes seconds"): hourly rollups give coverage and the daily tables, and only the
// hours where a rule could raise, prolong or end something are replayed from the minute rollups;
// 'full-replay' feeds every minute (the reference). Both give the same records.
import { isStateMetric, type Metric } from '@hallmon/firmware-config';
import { ruleKind, type Schedule } from '@hallmon/rules';
import { mapLimit } from '../../util/map-limit.ts';
import { HOUR, hourIndexRange } from '../hour-summary.ts';
import { ActiveHours } from '../quiet-hours.ts';
import { OpenAlarms } from '../rollup-replay.ts';
import type { Records } from '../segment-replay.ts';
import { fullReplay, rollupFirst, type PassContext } from '../sensor-pass.ts';
import type { Coverage, DayStats, NoiseDay } from '../series-stats.ts';
import type { Progress } from '../types.ts';
import type { BuildInputs, EvidenceInput, ReplayStats } from './inputs.ts';

/** Replay starts this much before the period so hourly means and 15-min windows are primed. */
const WARMUP_MS = 3_600_000;
/** Store reads in flight at once (sensor passes, noise days): enough to keep a 2-core InfluxDB busy. */
const PASS_PARALLEL = 4;

export interface SensorEvidence {
  /** By `${sensor}|${metric}`: covered and expected minutes of the judged hours, and the holes. */
  coverage: Map<string, Coverage>;
  /** By `${sensor}|${metric}`: site-local daily min/mean/max (every series but noise). */
  room: Map<string, DayStats[]>;
  /** By noise sensor: daily energy over opening hours. */
  noise: Map<string, NoiseDay[]>;
  /** Alarms still raised at the period end. */
  open: OpenAlarms;
  /** Each replayed sensor's records (in sensor order, each in time order). */
  records: Records[];
}

export async function replaySensors(input: EvidenceInput, b: BuildInputs, progress: Progress): Promise<SensorEvidence> {
  const { store, site, catalogue, calendar, profiles } = input;
  const { series, sensors, days, from, to } = b;
  const method = input.method ?? 'rollup-first';
  const out: SensorEvidence = {
    coverage: new Map(),
    room: new Map(),
    noise: new Map(),
    open: new OpenAlarms(),
    records: [],
  };
  const rangeFrom = from - WARMUP_MS;
  const { h0, n: nHours } = hourIndexRange(rangeFrom, to);
  const ctx: PassContext = {
    active: new ActiveHours(b.schedule, h0, nHours),
    dayKeys: hourDays(b.schedule, h0, nHours),
    h0,
    nHours,
    cuts: days.flatMap((d) => [d.start, d.end, ...d.open.flat()]),
  };
  const stats: ReplayStats = { method, hoursReplayed: 0, hoursTotal: 0, minutesFed: 0, segments: 0 };
  let done = 0;
  // Sensor passes are independent: a few run at once so a remote store's round trips overlap. They
  // are merged below in sensor order, so the pack is the same as from one pass after another.
  const passes = await mapLimit(sensors, PASS_PARALLEL, async (sensor) => {
    // Sensors no clause rule watches (zone kind "other") have nothing to prove: not read at all. State
    // series and the rules on them (state inputs, the entry register) have their own steps
    // (state-replay.ts, door-openings.ts): their changes are read raw, not as minute rollups.
    const rules = b.rulesBySensor
      .get(sensor)
      ?.filter((r) => !['states', 'entries'].includes(ruleKind(r.bound.rule.kind).evidence.basis));
    const mine = series.filter((s) => s.sensor === sensor && !isStateMetric(s.metric));
    if (!rules?.length || !mine.length) {
      progress('replay', ++done / (sensors.length + 2));
      return undefined;
    }
    const metrics: Metric[] = mine.map((s) => s.metric);
    const passInput = {
      store,
      site,
      catalogue,
      calendar,
      profiles,
      sensor,
      metrics,
      hall: mine[0]!.zoneKind === 'hall',
      rules,
      days,
      rangeFrom,
      from,
      to,
    };
    const r = method === 'full-replay' ? await fullReplay(passInput) : await rollupFirst(passInput, ctx);
    progress('replay', ++done / (sensors.length + 2));
    return r;
  });
  sensors.forEach((sensor, k) => {
    const r = passes[k];
    if (!r) return;
    for (const [metric, c] of r.coverage) out.coverage.set(`${sensor}|${metric}`, c);
    for (const [metric, d] of r.room) out.room.set(`${sensor}|${metric}`, d);
    if (r.noise) out.noise.set(sensor, r.noise);
    for (const [id, t] of r.open.open) out.open.open.set(id, t);
    out.records.push(r.records);
    stats.hoursReplayed += method === 'full-replay' ? nHours : r.hoursReplayed;
    stats.hoursTotal += nHours;
    stats.minutesFed += r.fed;
    stats.segments += r.segments.length;
  });
  input.onStats?.(stats);
  return out;
}

/** Site-local days of each hour's first and last instant (the daily swing is per local day). */
function hourDays(schedule: Schedule, h0: number, n: number): (k: number) => [string, string] {
  const keys: Array<[string, string]> = [];
  for (let k = 0; k < n; k++) keys.push([schedule.day(h0 + k * HOUR), schedule.day(h0 + (k + 1) * HOUR - 1)]);
  return (k) => keys[k]!;
}
