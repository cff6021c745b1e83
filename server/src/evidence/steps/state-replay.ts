// The state inputs' part of the pack (water, smoke, door, mains, UPS, AC; clauses 5.2.2 and 5.3):
// a state series is kept as its changes plus a refresh every STATE_REFRESH_S (docs/contract.md
// "State metrics"), so it is read raw, not from minute rollups. Per zone, the raw state changes
// (and the minute values of the sampled series the state rules also read: the UPS's runtime for
// the mains and battery messages, the room's temperatures for "AC stopped while the room warms")
// go through the same RuleEngine in time order, with only the state kinds bound. Coverage of a
// state series: a reading makes its state known until the next one, for STATE_HOLD_S at most.
import {
  isStateMetric,
  RULE_KINDS,
  STATE_HOLD_S,
  type Metric,
  type RuleKind,
  type SiteConfig,
} from '@hallmon/firmware-config';
import { RuleEngine, ruleKind, type Excursion } from '@hallmon/rules';
import { MINUTE, minutesIn } from '../period.ts';
import { OpenAlarms } from '../rollup-replay.ts';
import { Holes, judgedIntervals, type Coverage } from '../series-stats.ts';
import type { BuildInputs, EvidenceInput } from './inputs.ts';

/** Replay starts this much before the period: the last refresh of every state is in it. */
const WARMUP_MS = Math.max(3_600_000, 2 * STATE_HOLD_S * 1000);
const HOLD_MS = STATE_HOLD_S * 1000;

export interface StateEvidence {
  /** By `${sensor}|${metric}` of every state series. */
  coverage: Map<string, Coverage>;
  /** The state rules' excursions (their end in the replay range). */
  excursions: Excursion[];
  /** State alarms still raised at the period end. */
  open: OpenAlarms;
}

const STATE_KINDS: ReadonlySet<RuleKind> = new Set(RULE_KINDS.filter((k) => ruleKind(k).evidence.basis === 'states'));

/** Coverage of a state series from its readings (ascending): each known until the next, HOLD_MS at most. */
export function stateCoverage(ts: readonly number[], intervals: Array<[number, number]>): Coverage {
  let coveredMs = 0;
  let expected = 0;
  const holes = new Holes();
  let i = 0;
  for (const [a, b] of intervals) {
    expected += minutesIn(a, b);
    while (i + 1 < ts.length && ts[i + 1]! <= a) i++;
    let cursor = a;
    for (let k = i; k < ts.length && ts[k]! < b; k++) {
      const s = Math.max(a, ts[k]!);
      const e = Math.min(b, ts[k]! + HOLD_MS, k + 1 < ts.length ? ts[k + 1]! : Infinity);
      if (e <= cursor) continue;
      holes.add(cursor, Math.max(cursor, s));
      coveredMs += e - Math.max(cursor, s);
      cursor = e;
    }
    holes.add(cursor, b);
  }
  return { covered: Math.round(coveredMs / MINUTE), expected, spans: holes.spans(HOLD_MS) };
}

export async function replayStates(input: EvidenceInput, b: BuildInputs): Promise<StateEvidence> {
  const { store, site, catalogue, calendar, profiles } = input;
  const { from, to } = b;
  const rangeFrom = from - WARMUP_MS;
  const out: StateEvidence = { coverage: new Map(), excursions: [], open: new OpenAlarms() };
  for (const zone of site.zones) {
    const states = b.series.filter((s) => s.zone === zone.id && isStateMetric(s.metric));
    const judged = judgedIntervals(b.days, zone.kind === 'hall');
    const raw = new Map<string, Array<{ ts: number; value: number }>>();
    for (const s of states) {
      const rows = await store.readRaw({ site: site.id, sensor: s.sensor, metric: s.metric, from: rangeFrom, to });
      const ok = rows.filter((r) => r.quality === 'ok').map((r) => ({ ts: r.ts, value: r.value }));
      raw.set(`${s.sensor}|${s.metric}`, ok);
      out.coverage.set(
        `${s.sensor}|${s.metric}`,
        stateCoverage(
          ok.map((r) => r.ts),
          judged,
        ),
      );
    }
    const rules = b.engine.rules.filter((r) => r.bound.zone.id === zone.id && STATE_KINDS.has(r.bound.rule.kind));
    if (!rules.length) continue;
    // The series the zone's state rules read: their own device's, or (zone rules) every device's.
    const metricsOf = (sensor: string) => b.series.filter((s) => s.sensor === sensor).map((s) => s.metric);
    const wanted = new Map<string, { sensor: string; metric: Metric }>();
    for (const r of rules) {
      const spec = ruleKind(r.bound.rule.kind);
      const sensors = spec.scope === 'zone' ? zone.devices.map((d) => d.id) : [r.bound.sensor];
      for (const sensor of sensors)
        for (const metric of spec.reads(r.bound.rule, metricsOf(sensor)))
          wanted.set(`${sensor}|${metric}`, { sensor, metric });
    }
    const points: Array<{ ts: number; sensor: string; metric: Metric; value: number }> = [];
    for (const { sensor, metric } of wanted.values()) {
      if (isStateMetric(metric)) {
        for (const r of raw.get(`${sensor}|${metric}`) ?? []) points.push({ ts: r.ts, sensor, metric, value: r.value });
        continue;
      }
      const m = await store.readMinuteValues({ site: site.id, sensor, metric, from: rangeFrom, to });
      for (let k = 0; k < m.ts.length; k++)
        if (Number.isFinite(m.value[k]!)) points.push({ ts: m.ts[k]!, sensor, metric, value: m.value[k]! });
    }
    // One time order for all the zone's devices (lateBoundS 0 releases each reading at once).
    points.sort(
      (x, y) =>
        x.ts - y.ts ||
        (x.metric < y.metric ? -1 : x.metric > y.metric ? 1 : 0) ||
        (x.sensor < y.sensor ? -1 : x.sensor > y.sensor ? 1 : 0),
    );
    const solo: SiteConfig = { ...site, zones: [zone] };
    const engine = new RuleEngine({
      site: solo,
      catalogue,
      calendar,
      profiles,
      lateBoundS: 0,
      excludeKinds: RULE_KINDS.filter((k) => !STATE_KINDS.has(k)),
    });
    const open = new OpenAlarms();
    for (const p of points) {
      const t = engine.ingestAt(p.sensor, p.metric, p.ts, p.value);
      if (t.length) open.take(t);
    }
    open.take(engine.advance(to));
    for (const [id, t] of open.open) out.open.open.set(id, t);
    out.excursions.push(...engine.drainRecords().excursions);
  }
  return out;
}
