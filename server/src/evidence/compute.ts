// buildEvidence: the clause-by-clause evidence for one site and period, computed by replaying the
// stored 1-minute rollups and counter events through the same RuleEngine the edge runs live (see
// rollup-replay.ts), plus coverage, daily/monthly tables, L10/L50/L90 from the minute histograms,
// evaluation rates, "1、5、15" follow-ups, device faults and alarm acknowledgements from the store.
import { nextDay, parseTimestamp, toIso, type ClauseCatalogue, type DeviceProfile, type Metric, type SiteConfig, type WorkingCalendar } from '@hallmon/firmware-config';
import { RuleEngine, exceedanceLevel, type NoiseHistogram } from '@hallmon/rules';
import type { Excursion, GapRecord, RuleInstance } from '@hallmon/rules';
import type { Store } from '../store/store.ts';
import { VERSION } from '../version.ts';
import { periodBound, periodDays, siteSchedule } from './period.ts';
import { OpenAlarms } from './rollup-replay.ts';
import { laeqOf, type DayStats, type NoiseDay } from './series-stats.ts';
import { HOUR, hourIndexRange } from './hour-summary.ts';
import { ActiveHours } from './quiet-hours.ts';
import type { Records } from './segment-replay.ts';
import { fullReplay, rollupFirst, type EvidenceMethod, type PassContext } from './sensor-pass.ts';
import { mapLimit } from '../util/map-limit.ts';
import { alarmAckJson } from '../api/wire-json.ts';
import type {
  AlarmAck,
  ClauseEvidence,
  DeviceFault,
  EvidenceExcursion,
  EvidenceGap,
  EvidencePack,
  FaultMonth,
  Followup,
  FollowupOutcome,
  NoiseRow,
  Progress,
  RateMonth,
  RoomDay,
  RoomMonth,
  RuleCitation,
  Verdict,
} from './types.ts';

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
/** Replay starts this much before the period so hourly means and 15-min windows are primed. */
const WARMUP_MS = 3_600_000;
/** Store reads in flight at once (sensor passes, noise days): enough to keep a 2-core InfluxDB busy. */
const PASS_PARALLEL = 4;
const COUNTER_TYPES = ['rating', 'ticket_served', 'ticket_issued', 'ticket_called', 'ticket_abandoned'];

interface SeriesInfo {
  sensor: string;
  metric: Metric;
  zone: string;
  zoneKind: string;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const monthOf = (day: string) => day.slice(0, 7);

export async function buildEvidence(input: EvidenceInput): Promise<EvidencePack> {
  const { store, site, catalogue, profiles, calendar } = input;
  const progress = input.onProgress ?? (() => {});
  const threshold = input.coverageThreshold ?? 0.9;
  const schedule = siteSchedule(site);
  const from = periodBound(input.from, 'from', schedule);
  const to = periodBound(input.to, 'to', schedule);
  if (!(to > from)) throw new RangeError(`the period is empty: "to" (${toIso(to)}) must be after "from" (${toIso(from)})`);
  if (to - from > MAX_PERIOD_DAYS * 86_400_000) throw new RangeError(`the period is longer than ${MAX_PERIOD_DAYS} days: split it into shorter packs`);
  const days = periodDays(schedule, from, to);
  const engine = new RuleEngine({ site, catalogue, calendar, profiles });
  const rulesBySensor = new Map<string, RuleInstance[]>();
  for (const r of engine.rules) rulesBySensor.set(r.bound.sensor, [...(rulesBySensor.get(r.bound.sensor) ?? []), r]);

  // Every measured series of the site (devices with a sensor profile), by zone.
  const series: SeriesInfo[] = [];
  for (const z of site.zones)
    for (const d of z.devices) {
      const p = profiles.get(d.profile);
      if (p?.deviceClass !== 'sensor') continue;
      for (const m of p.metrics) series.push({ sensor: d.id, metric: m.metric, zone: z.id, zoneKind: z.kind });
    }
  const sensors = [...new Set(series.map((s) => s.sensor))];

  // 1. Sensors one by one, rollups first (docs/evidence.md "How a year takes seconds"): hourly
  // rollups give coverage and the daily tables; only the hours where a rule could raise, prolong or
  // end something are replayed from the minute rollups, through the same engine code.
  const method = input.method ?? 'rollup-first';
  const open = new OpenAlarms();
  const cov = new Map<string, { covered: number; expected: number; spans: Array<[number, number]> }>();
  const room = new Map<string, DayStats[]>();
  const noise = new Map<string, NoiseDay[]>();
  const sensorRecords: Records[] = [];
  const rangeFrom = from - WARMUP_MS;
  const { h0, n: nHours } = hourIndexRange(rangeFrom, to);
  const ctx: PassContext = {
    active: new ActiveHours(schedule, h0, nHours),
    dayKeys: hourDays(schedule, h0, nHours),
    h0,
    nHours,
    cuts: days.flatMap((d) => [d.start, d.end, ...d.open.flat()]),
  };
  const stats: ReplayStats = { method, hoursReplayed: 0, hoursTotal: 0, minutesFed: 0, segments: 0 };
  let done = 0;
  // Sensor passes are independent: a few run at once so a remote store's round trips overlap. They
  // are merged below in sensor order, so the pack is the same as from one pass after another.
  const passes = await mapLimit(sensors, PASS_PARALLEL, async (sensor) => {
    // Sensors no clause rule watches (zone kind "other") have nothing to prove: not read at all.
    const rules = rulesBySensor.get(sensor);
    if (!rules) {
      progress('replay', ++done / (sensors.length + 2));
      return undefined;
    }
    const mine = series.filter((s) => s.sensor === sensor);
    const passInput = { store, site, catalogue, calendar, profiles, sensor, metrics: mine.map((s) => s.metric), hall: mine[0]!.zoneKind === 'hall', rules, days, rangeFrom, from, to };
    const r = method === 'full-replay' ? await fullReplay(passInput) : await rollupFirst(passInput, ctx);
    progress('replay', ++done / (sensors.length + 2));
    return r;
  });
  sensors.forEach((sensor, k) => {
    const r = passes[k];
    if (!r) return;
    for (const [metric, c] of r.coverage) cov.set(`${sensor}|${metric}`, c);
    for (const [metric, d] of r.room) room.set(`${sensor}|${metric}`, d);
    if (r.noise) noise.set(sensor, r.noise);
    for (const [id, t] of r.open.open) open.open.set(id, t);
    sensorRecords.push(r.records);
    stats.hoursReplayed += method === 'full-replay' ? nHours : r.hoursReplayed;
    stats.hoursTotal += nHours;
    stats.minutesFed += r.fed;
    stats.segments += r.segments.length;
  });
  input.onStats?.(stats);

  // 2. Counter devices: events and status changes, per device in time order.
  const events = await store.readEvents({ site: site.id, from: from - 86_400_000, to });
  const statuses = await store.readStatus({ site: site.id, from: from - 86_400_000, to });
  const counterInputs = [
    ...events.filter((e) => COUNTER_TYPES.includes(e.type)).map((e) => ({ ts: e.ts, k: 0 as const, e })),
    ...statuses.map((s) => ({ ts: s.ts, k: 1 as const, s })),
  ].sort((a, b) => a.ts - b.ts || a.k - b.k);
  for (const i of counterInputs) {
    const t =
      i.k === 0
        ? engine.ingestEvent({
            device: i.e.device,
            type: i.e.type as 'rating',
            ts: toIso(i.e.ts),
            ...(i.e.score !== undefined ? { score: i.e.score } : {}),
            ...(i.e.window !== undefined ? { window: i.e.window } : {}),
          })
        : engine.status(i.s.device, i.s.status, i.s.ts);
    if (t.length) open.take(t);
  }
  open.take(engine.advance(to + engine.lateBoundMs));
  progress('replay', (sensors.length + 1) / (sensors.length + 2));

  const counterRec = engine.drainRecords();
  // Sensor records first (in sensor order, each in time order), then the counter devices'.
  const rec: Records = {
    excursions: [...sensorRecords.flatMap((r) => r.excursions), ...counterRec.excursions],
    gaps: [...sensorRecords.flatMap((r) => r.gaps), ...counterRec.gaps],
    faults: [...sensorRecords.flatMap((r) => r.faults), ...counterRec.faults],
    followups: [...sensorRecords.flatMap((r) => r.followups), ...counterRec.followups],
  };
  const openFollowups = engine.openFollowups();
  const alarms = await store.readAlarms({ site: site.id, from, to });

  // Excursions that overlap the period, plus those still open at its end (cut there).
  const excursions: Excursion[] = rec.excursions.filter((x) => x.end > from && x.start < to && x.rule !== 'bad-rating-followup');
  const ongoing: EvidenceExcursion[] = [];
  const ongoingGaps: GapRecord[] = [];
  const ongoingFaults: DeviceFault[] = [];
  const ruleKind = new Map(catalogue.clauses.flatMap((c) => c.rules.map((r) => [r.id, r.kind] as const)));
  for (const t of open.open.values()) {
    const a = t.alarm;
    const start = parseTimestamp(a.startedAt) ?? to;
    const kind = ruleKind.get(a.rule);
    if (start >= to || kind === 'bad-rating-followup' || kind === 'evaluation-rate') continue;
    if (kind === 'gap') ongoingGaps.push({ rule: a.rule, clause: a.clause, sensor: a.sensor, start, end: to, durationS: (to - start) / 1000 });
    else if (kind === 'device-offline') {
      const startDay = schedule.day(start);
      ongoingFaults.push({
        device: a.sensor,
        start: toIso(start),
        end: null,
        month: monthOf(startDay),
        faultInMonth: 0,
        exceedsMonthlyLimit: /limit/.test(a.message ?? ''),
        repairWorkingDays: null,
        repairDeadline: calendar.addWorkingDays(startDay, 5),
        repairOverdue: schedule.day(to - 1) > calendar.addWorkingDays(startDay, 5),
        source: 'status',
      });
    } else
      ongoing.push({
        sensor: a.sensor,
        metric: null,
        rule: a.rule,
        severity: a.severity,
        start: toIso(start),
        end: toIso(to),
        durationS: (to - start) / 1000,
        peak: a.peak ?? NaN,
        limit: a.limit ?? null,
        endReason: 'period-end',
        ongoing: true,
      });
  }
  const ruleMetric = new Map(catalogue.clauses.flatMap((c) => c.rules.map((r) => [r.id, r.metric ?? null] as const)));
  for (const x of ongoing) x.metric = ruleMetric.get(x.rule) ?? null;

  // 3. Noise percentiles per day from the minute histograms (opening hours only).
  const noiseRows = new Map<string, { daily: NoiseRow[]; monthly: NoiseRow[]; period: NoiseRow }>();
  // Site-local day of an instant, memoised: Intl formatting per lookup is the slow part of a year.
  const dayMemo = new Map<number, string>();
  const localDay = (ms: number) => {
    let d = dayMemo.get(ms);
    if (d === undefined) dayMemo.set(ms, (d = schedule.day(ms)));
    return d;
  };
  // Noise excursions counted once per sensor, day, month and period (a loud year has 10 k excursions
  // and 730 noise days: filtering the list per row was a quarter of a second).
  const noiseXs = new Map<string, number>();
  const bump = (k: string) => noiseXs.set(k, (noiseXs.get(k) ?? 0) + 1);
  for (const x of excursions) {
    if (!x.rule.startsWith('noise-')) continue;
    const d = localDay(x.start);
    bump(`${x.sensor}|${d}`);
    bump(`${x.sensor}|${monthOf(d)}`);
    bump(`${x.sensor}|`);
  }
  /** Noise excursions of a sensor starting on a site-local day, in a month (YYYY-MM) or (neither) in the period. */
  const xsOf = (sensor: string, day?: string, month?: string) => noiseXs.get(day !== undefined ? `${sensor}|${day}` : month !== undefined ? `${sensor}|${month}` : `${sensor}|`) ?? 0;
  for (const [sensor, nd] of noise) {
    const daily: NoiseRow[] = [];
    const months = new Map<string, { e: number; t: number; lmax: number; minutes: number; h: NoiseHistogram[] }>();
    const all = { e: 0, t: 0, lmax: -Infinity, minutes: 0, h: [] as NoiseHistogram[] };
    const dayHists = await openingHistograms(store, site.id, sensor, nd);
    for (const [k, d] of nd.entries()) {
      const h = mergeHist(dayHists[k]!);
      daily.push(noiseRow(d.day, sensor, d.energy, d.durS, d.lmax, d.minutes, h, xsOf(sensor, d.day)));
      const m = months.get(monthOf(d.day)) ?? { e: 0, t: 0, lmax: -Infinity, minutes: 0, h: [] };
      for (const acc of [m, all]) {
        acc.e += d.energy;
        acc.t += d.durS;
        acc.lmax = Math.max(acc.lmax, d.lmax);
        acc.minutes += d.minutes;
        acc.h.push(h);
      }
      months.set(monthOf(d.day), m);
    }
    const monthly = [...months].map(([mo, m]) => noiseRow(mo, sensor, m.e, m.t, m.lmax, m.minutes, mergeHist(m.h), xsOf(sensor, undefined, mo)));
    noiseRows.set(sensor, { daily, monthly, period: noiseRow('period', sensor, all.e, all.t, all.minutes ? all.lmax : NaN, all.minutes, mergeHist(all.h), xsOf(sensor)) });
  }
  progress('tables', 1 - 0.5 / (sensors.length + 2));

  // 4. Clauses.
  const knownSensors = new Set(series.map((s) => s.sensor));
  const devicesByZoneKind = (kind: string) => site.zones.filter((z) => z.kind === kind).flatMap((z) => z.devices);
  const dataGapEvents: EvidenceGap[] = events
    .filter((e) => e.type === 'data_gap' && e.ts < to)
    .map((e) => {
      const s = e.start ?? e.ts;
      const en = e.end ?? e.ts;
      return { sensor: e.device, metric: null, start: toIso(s), end: toIso(en), durationS: (en - s) / 1000, source: 'data_gap' as const };
    })
    .filter((g) => Date.parse(g.end) > from);
  const clauses: ClauseEvidence[] = [];
  for (const c of catalogue.clauses) {
    const bound = engine.rules.filter((r) => r.bound.clause === c.id);
    const kinds = new Set(c.rules.map((r) => r.kind));
    const citations: RuleCitation[] = [...new Map(bound.map((r) => [r.bound.rule.id, r.bound.rule])).values()].map(citation);
    if (citations.length === 0) for (const r of c.rules) citations.push(citation(r));
    const clauseSeries = new Map<string, SeriesInfo>();
    for (const r of bound) {
      const rule = r.bound.rule;
      const ms: Metric[] = rule.metric ? [rule.metric] : rule.kind === 'dew-point' ? ['temperature', 'humidity'] : rule.kind === 'gap' ? series.filter((s) => s.sensor === r.bound.sensor).map((s) => s.metric) : [];
      for (const m of ms) {
        const s = series.find((x) => x.sensor === r.bound.sensor && x.metric === m);
        if (s) clauseSeries.set(`${s.sensor}|${s.metric}`, s);
      }
    }
    const xs: EvidenceExcursion[] = [
      ...excursions.filter((x) => x.clause === c.id).map(excursionJson),
      ...ongoing.filter((x) => c.rules.some((r) => r.id === x.rule)),
    ].sort((a, b) => a.start.localeCompare(b.start) || a.sensor.localeCompare(b.sensor));
    const ev: ClauseEvidence = {
      clause: c.id,
      title: c.title,
      titleEn: c.titleEn,
      document: c.document,
      quote: c.quote,
      verdict: 'pass',
      reason: '',
      rules: citations,
      coverage: null,
      coverageBySensor: [],
      hours: 'around-the-clock',
      excursions: xs,
      gaps: [],
      monthly: [],
    };
    if (clauseSeries.size > 0) {
      const hall = [...clauseSeries.values()].some((s) => s.zoneKind === 'hall');
      ev.hours = hall ? 'opening-hours' : 'around-the-clock';
      let cSum = 0;
      let eSum = 0;
      for (const [key, s] of clauseSeries) {
        const cv = cov.get(key)!;
        cSum += cv.covered;
        eSum += cv.expected;
        ev.coverageBySensor.push({ sensor: s.sensor, metric: s.metric, coverage: cv.expected ? round(cv.covered / cv.expected, 4) : 0, coveredMinutes: cv.covered, expectedMinutes: cv.expected });
        for (const [a, b] of cv.spans) ev.gaps.push({ sensor: s.sensor, metric: s.metric, start: toIso(a), end: toIso(b), durationS: (b - a) / 1000, source: 'coverage' });
      }
      ev.coverage = eSum ? round(cSum / eSum, 4) : 0;
      // The engine's gap records, where coverage did not already list that silence.
      const sensorsHere = new Set([...clauseSeries.values()].map((s) => s.sensor));
      for (const g of [...rec.gaps, ...ongoingGaps]) {
        if (g.clause !== c.id || g.end <= from || g.start >= to) continue;
        const dup = ev.gaps.some((x) => x.sensor === g.sensor && Date.parse(x.start) < g.end && Date.parse(x.end) > g.start);
        if (!dup) ev.gaps.push({ sensor: g.sensor, metric: null, start: toIso(g.start), end: toIso(g.end), durationS: g.durationS, source: 'rule' });
      }
      // The edge's data_gap events: for one sensor, or (from the gateway itself) for every measured clause.
      for (const g of dataGapEvents) if (sensorsHere.has(g.sensor) || !knownSensors.has(g.sensor)) ev.gaps.push(g);
      ev.gaps.sort((a, b) => a.start.localeCompare(b.start) || a.sensor.localeCompare(b.sensor));
      if (kinds.has('laeq-window')) {
        const rows = [...clauseSeries.values()].filter((s) => s.metric === 'noise_laeq').map((s) => noiseRows.get(s.sensor)).filter((x) => x !== undefined);
        ev.daily = rows.flatMap((r) => r.daily);
        ev.monthly = rows.flatMap((r) => r.monthly);
        ev.periodNoise = rows.map((r) => r.period);
      } else {
        const daily: RoomDay[] = [];
        const monthly: RoomMonth[] = [];
        // This clause's excursions per sensor|metric|month (metric '' = a rule without one, counted for every metric).
        const xsMonth = new Map<string, number>();
        for (const x of xs) {
          const k = `${x.sensor}|${x.metric ?? ''}|${monthOf(localDay(Date.parse(x.start)))}`;
          xsMonth.set(k, (xsMonth.get(k) ?? 0) + 1);
        }
        for (const [key, s] of clauseSeries) {
          const ds = room.get(key) ?? [];
          for (const d of ds) daily.push({ day: d.day, sensor: s.sensor, metric: s.metric, min: round(d.min), mean: round(d.sum / d.count), max: round(d.max), minutes: d.minutes });
          const byMonth = new Map<string, DayStats>();
          for (const d of ds) {
            const m = byMonth.get(monthOf(d.day));
            if (!m) byMonth.set(monthOf(d.day), { ...d, day: monthOf(d.day) });
            else Object.assign(m, { min: Math.min(m.min, d.min), max: Math.max(m.max, d.max), sum: m.sum + d.sum, count: m.count + d.count, minutes: m.minutes + d.minutes });
          }
          for (const [mo, m] of byMonth)
            monthly.push({
              month: mo,
              sensor: s.sensor,
              metric: s.metric,
              min: round(m.min),
              mean: round(m.sum / m.count),
              max: round(m.max),
              minutes: m.minutes,
              excursions: (xsMonth.get(`${s.sensor}|${s.metric}|${mo}`) ?? 0) + (xsMonth.get(`${s.sensor}||${mo}`) ?? 0),
            });
        }
        ev.daily = daily;
        ev.monthly = monthly;
      }
    }
    clauses.push(ev);
  }

  // 5. Counter clauses: evaluation rate, follow-ups, device faults.
  const hallZones = site.zones.filter((z) => z.kind === 'hall').map((z) => z.id);
  const openDays = days.filter((d) => d.open.length > 0);
  const counterDays = new Set(events.filter((e) => e.ts >= from && COUNTER_TYPES.includes(e.type)).map((e) => schedule.day(e.ts)));
  const counterCoverage = openDays.length ? round(openDays.filter((d) => counterDays.has(d.day)).length / openDays.length, 4) : 0;
  const rateMonths = evaluationMonths(events.filter((e) => e.ts >= from), schedule, excursions, hallZones, c70(catalogue));
  const outcomes = new Map((input.followupOutcomes ?? []).map((o) => [`${o.device}|${o.ratedAt}`, o]));
  const judgedUntil = Math.min(to, (input.now ?? Date.now)());
  /** A deadline day ends at the site-local midnight after it. */
  const dueEnd = (day: string) => schedule.dayStart(nextDay(day));
  const followupExcursions: EvidenceExcursion[] = [];
  const followups: Followup[] = [...openFollowups, ...rec.followups]
    .filter((f) => f.ratingTs >= from && f.ratingTs < to)
    .sort((a, b) => a.ratingTs - b.ratingTs)
    .map((f) => {
      const o = outcomes.get(`${f.device}|${f.ratingTs}`);
      const answeredAt = o?.respondedAt ?? o?.resolvedAt ?? null;
      const resolvedAt = o?.resolvedAt ?? null;
      const complex = o?.complex ?? false;
      const missed: Followup['missed'] = [];
      const judge = (stage: 'answer' | 'fix', due: number, doneAt: number | null) => {
        if (due >= judgedUntil || (doneAt !== null && doneAt <= due)) return;
        missed.push(stage);
        const end = doneAt !== null && doneAt < judgedUntil ? doneAt : judgedUntil;
        followupExcursions.push({
          sensor: f.device,
          metric: null,
          rule: 'bad-rating-followup',
          severity: 'warning',
          start: toIso(due),
          end: toIso(end),
          durationS: (end - due) / 1000,
          peak: f.score,
          limit: null,
          endReason: doneAt !== null && doneAt < judgedUntil ? (stage === 'answer' ? 'answered-late' : 'resolved-late') : 'no-record',
          ongoing: !(doneAt !== null && doneAt < judgedUntil),
        });
      };
      judge('answer', dueEnd(f.answerDeadline), answeredAt);
      judge('fix', dueEnd(complex ? f.complexDeadline : f.simpleDeadline), resolvedAt);
      return {
        device: f.device,
        window: f.window ?? null,
        score: f.score,
        ratedAt: toIso(f.ratingTs),
        day: f.day,
        answerDeadline: f.answerDeadline,
        simpleDeadline: f.simpleDeadline,
        complexDeadline: f.complexDeadline,
        respondedAt: answeredAt !== null ? toIso(answeredAt) : null,
        resolvedAt: resolvedAt !== null ? toIso(resolvedAt) : null,
        complex,
        missed,
        missedDeadlineAlarm: alarms.find((a) => a.rule === 'bad-rating-followup' && a.sensor === f.device && a.startedAt === f.ratingTs)?.id ?? null,
      };
    });
  const deviceFaults: DeviceFault[] = [
    ...rec.faults
      .filter((f) => f.end > from && f.start < to)
      .map((f): DeviceFault => ({
        device: f.device,
        start: toIso(f.start),
        end: toIso(f.end),
        month: f.month,
        faultInMonth: f.faultInMonth,
        exceedsMonthlyLimit: f.exceedsMonthlyLimit,
        repairWorkingDays: f.repairWorkingDays,
        repairDeadline: f.repairDeadline,
        repairOverdue: f.repairOverdue,
        source: 'status',
      })),
    ...ongoingFaults,
    ...events
      .filter((e) => e.type === 'device_fault' && e.ts >= from && e.ts < to)
      .map((e): DeviceFault => ({
        device: e.device,
        start: toIso(e.start ?? e.ts),
        end: e.end !== undefined ? toIso(e.end) : null,
        month: monthOf(schedule.day(e.ts)),
        faultInMonth: 0,
        exceedsMonthlyLimit: false,
        repairWorkingDays: null,
        repairDeadline: '',
        repairOverdue: false,
        source: 'device_fault',
        detail: [e.fault, e.count !== undefined ? `${e.count}×` : '', e.detail].filter(Boolean).join(' '),
      })),
  ].sort((a, b) => a.start.localeCompare(b.start));
  for (const ev of clauses) {
    const c = catalogue.clauses.find((x) => x.id === ev.clause)!;
    const kinds = new Set(c.rules.map((r) => r.kind));
    if (kinds.has('evaluation-rate')) {
      ev.hours = 'opening-days';
      ev.coverage = counterCoverage;
      ev.monthly = rateMonths;
    } else if (kinds.has('bad-rating-followup')) {
      ev.hours = 'opening-days';
      ev.coverage = counterCoverage;
      // Judged from the ratings and what people recorded, deadline by deadline (see followups above).
      ev.excursions = followupExcursions;
    } else if (kinds.has('device-offline')) {
      ev.hours = 'opening-days';
      const devs = devicesByZoneKind('hall').filter((d) => ['evaluator', 'queue'].includes(profiles.get(d.profile)?.deviceClass ?? ''));
      const seen = new Set(statuses.filter((s) => s.ts < to).map((s) => s.device));
      ev.coverage = devs.length ? round(devs.filter((d) => seen.has(d.id) || counterDays.size > 0).length / devs.length, 4) : null;
      ev.monthly = faultMonths(deviceFaults.filter((f) => f.source === 'status'));
    }
    judge(ev, c.rules.map((r) => r.kind), deviceFaults, threshold);
  }
  progress('tables', 1);

  const alarmAcks: AlarmAck[] = alarms.filter((a) => a.rule !== 'selftest' && !/self-?test/.test(a.rule)).map(alarmAckJson);
  const selfTests: AlarmAck[] = alarms.filter((a) => a.rule === 'selftest' || /self-?test/.test(a.rule)).map(alarmAckJson);
  const lastDay = schedule.day(to - 1);
  return {
    site: site.id,
    siteName: site.name,
    from: toIso(from),
    to: toIso(to),
    firstDay: days[0]?.day ?? schedule.day(from),
    lastDay,
    generatedAt: toIso((input.now ?? Date.now)()),
    softwareVersion: VERSION,
    timezone: site.timezone,
    coverageThreshold: threshold,
    method: methodNotes(threshold),
    clauses,
    deviceFaults,
    followups,
    alarmAcks,
    selfTests,
    dataGaps: dataGapEvents,
    series: series.map((s) => ({ sensor: s.sensor, metric: s.metric, zone: s.zone })),
  };
}

/** A noise sensor's histogram per opening-hours interval of each day (one list per day), in one batched read. */
async function openingHistograms(store: Store, site: string, sensor: string, nd: NoiseDay[]): Promise<NoiseHistogram[][]> {
  const all = await store.readNoiseHistograms({ site, sensor }, nd.flatMap((d) => d.open));
  let k = 0;
  return nd.map((d) => d.open.map(() => all[k++]!));
}

/** Site-local days of each hour's first and last instant (the daily swing is per local day). */
function hourDays(schedule: { day(ms: number): string }, h0: number, n: number): (k: number) => [string, string] {
  const keys: Array<[string, string]> = [];
  for (let k = 0; k < n; k++) keys.push([schedule.day(h0 + k * HOUR), schedule.day(h0 + (k + 1) * HOUR - 1)]);
  return (k) => keys[k]!;
}


function citation(r: ClauseCatalogue['clauses'][number]['rules'][number]): RuleCitation {
  return {
    rule: r.id,
    title: r.title,
    kind: r.kind,
    limitSource: r.limitSource,
    limits: r.limits ?? null,
    ...(r.windowS !== undefined ? { windowS: r.windowS } : {}),
    ...(r.minDurationS !== undefined ? { minDurationS: r.minDurationS } : {}),
    ...(r.thresholdS !== undefined ? { thresholdS: r.thresholdS } : {}),
    ...(r.params ? { params: r.params } : {}),
  };
}

function excursionJson(x: Excursion): EvidenceExcursion {
  return {
    sensor: x.sensor,
    metric: x.metric ?? null,
    rule: x.rule,
    severity: x.severity,
    start: toIso(x.start),
    end: toIso(x.end),
    durationS: x.durationS,
    peak: x.peak,
    limit: x.limit ?? null,
    endReason: x.endReason,
    ongoing: false,
  };
}

function mergeHist(hs: NoiseHistogram[]): NoiseHistogram {
  const bins = new Map<number, number>();
  let total = 0;
  let binDb = 0.5;
  for (const h of hs) {
    binDb = h.binDb;
    for (const b of h.bins) bins.set(b.level, (bins.get(b.level) ?? 0) + b.seconds);
    total += h.totalSeconds;
  }
  return { binDb, bins: [...bins].sort((a, b) => a[0] - b[0]).map(([level, seconds]) => ({ level, seconds })), totalSeconds: total };
}

function noiseRow(period: string, sensor: string, e: number, t: number, lmax: number, minutes: number, h: NoiseHistogram, excursions: number): NoiseRow {
  const l = (n: number) => {
    const v = exceedanceLevel(h, n);
    return v === undefined ? null : v;
  };
  const eq = laeqOf(e, t);
  return { period, sensor, laeq: eq === null ? null : round(eq, 1), l10: l(10), l50: l(50), l90: l(90), lmax: Number.isFinite(lmax) ? round(lmax, 1) : null, minutes, excursions };
}

function c70(catalogue: ClauseCatalogue): number {
  return catalogue.clauses.flatMap((c) => c.rules).find((r) => r.kind === 'evaluation-rate')?.limits?.min ?? 70;
}

function evaluationMonths(
  events: Array<{ type: string; ts: number }>,
  schedule: { day(ms: number): string },
  excursions: Excursion[],
  hallZones: string[],
  min: number,
): RateMonth[] {
  const m = new Map<string, { ratings: number; served: number }>();
  for (const e of events) {
    if (e.type !== 'rating' && e.type !== 'ticket_served') continue;
    const mo = schedule.day(e.ts).slice(0, 7);
    const r = m.get(mo) ?? { ratings: 0, served: 0 };
    if (e.type === 'rating') r.ratings++;
    else r.served++;
    m.set(mo, r);
  }
  return [...m]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([month, r]) => {
      const rate = r.served > 0 ? round((100 * r.ratings) / r.served, 1) : null;
      return {
        month,
        ratings: r.ratings,
        served: r.served,
        rate,
        belowLimit: rate !== null && rate < min,
        daysBelowLimit: excursions.filter((x) => x.rule === 'evaluation-rate' && hallZones.includes(x.sensor) && schedule.day(x.start).startsWith(month)).length,
      };
    });
}

function faultMonths(faults: DeviceFault[]): FaultMonth[] {
  const m = new Map<string, FaultMonth>();
  for (const f of faults) {
    const k = `${f.month}|${f.device}`;
    const r = m.get(k) ?? { month: f.month, device: f.device, faults: 0, exceedsMonthlyLimit: false, maxRepairWorkingDays: 0, repairOverdue: 0 };
    r.faults++;
    r.exceedsMonthlyLimit ||= f.exceedsMonthlyLimit;
    r.maxRepairWorkingDays = Math.max(r.maxRepairWorkingDays, f.repairWorkingDays ?? 0);
    if (f.repairOverdue) r.repairOverdue++;
    m.set(k, r);
  }
  return [...m.values()].sort((a, b) => a.month.localeCompare(b.month) || a.device.localeCompare(b.device));
}

/** Verdict: fail on any excursion; insufficient-data when coverage is below the threshold; else pass. */
function judge(ev: ClauseEvidence, kinds: string[], faults: DeviceFault[], threshold: number): void {
  const pct = (x: number) => `${round(x * 100, 1)} %`;
  let verdict: Verdict = 'pass';
  let reason: string;
  if (kinds.includes('device-offline')) {
    const bad = faults.filter((f) => f.source === 'status' && (f.exceedsMonthlyLimit || f.repairOverdue));
    if (bad.length) {
      verdict = 'fail';
      reason = `${bad.length} fault(s) beyond the monthly limit or repaired late`;
    } else if (ev.coverage === null || ev.coverage < threshold) {
      verdict = 'insufficient-data';
      reason = ev.coverage === null ? 'no counter devices are configured for this site' : 'no status or counter records from the counter devices in the period';
    } else reason = `${faults.filter((f) => f.source === 'status').length} fault(s), none beyond the limits`;
  } else if (ev.excursions.length > 0) {
    verdict = 'fail';
    reason = `${ev.excursions.length} excursion(s)`;
  } else if (ev.coverage === null || ev.coverage < threshold) {
    verdict = 'insufficient-data';
    reason = ev.coverage === null ? 'no sensor of this site measures this clause' : `coverage ${pct(ev.coverage)} is below ${pct(threshold)}`;
  } else reason = `no excursion; coverage ${pct(ev.coverage)}`;
  ev.verdict = verdict;
  ev.reason = reason;
}

function methodNotes(threshold: number): string[] {
  return [
    'Excursions, gaps, faults and follow-ups are computed by replaying the stored data through the same rule engine that raises the live alarms on the edge.',
    'Rollups first: the hourly rollups are read for the whole period; an hour is replayed minute by minute when a rule could raise, hold or end an excursion in it (a value outside the limits, or still outside the clear margin after one; the rolling window reaching into the previous hour; a missing minute; a daily swing above its limit), with the longest rule window before it and the first minutes after. Every other hour has all its values inside the limits while no excursion is open, so replaying it changes nothing. An hour whose reading count is the sensor\'s usual count per hour is taken to have all 60 minutes; other hours are read per minute.',
    'The replay uses the 1-minute rollups: climate readings as the minute mean (with 1-minute data this is the raw reading), noise as the minute energy LAeq (IEC 61672-1) with a 60 s duration. Noise excursion start and end are therefore resolved to the minute (stamped at the last second of the minute); climate excursions to the reading.',
    'Coverage is the share of the judged hours with data (a minute with at least one reading counts as covered): around the clock for rooms, opening hours for the hall, in the time zone of the site.',
    `Verdict: fail when any rule of the clause had an excursion in the period; insufficient-data when coverage is below ${Math.round(threshold * 100)} % without an excursion; else pass.`,
    'Daily noise LAeq is the energy mean over opening hours; L10/L50/L90 come from the time-weighted 0.5 dB level histograms of those minutes; Lmax is the highest stored reading.',
    'Evaluation rate = ratings / served tickets (2021 rules 三.4); device faults per device per month and repair time in working days by the official calendar with its 调休 days.',
    'Bad-rating follow-ups list the "1、5、15" deadlines (the rating day does not count; a deadline ends at the site-local midnight after its day); a deadline that passed within the period without a recorded answer or fix (the server\'s follow-up records) is a missed deadline.',
    'Excursions still open at the end of the period are cut there (ongoing); the replay starts one hour before the period so hourly means are primed.',
  ];
}
