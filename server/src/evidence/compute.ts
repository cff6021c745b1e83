// buildEvidence: the clause-by-clause evidence for one site and period, step by step (one module
// each under steps/): the period and what is measured in it; the sensors replayed through the same
// RuleEngine the edge runs live (rollups first, or every minute); the state inputs from their
// stored changes; the counter devices; what is still open at the period end; the noise table;
// then per clause its excursions, coverage and gaps and its daily/monthly tables, state events and
// door openings against the entry register; the counter clauses' rates, follow-ups and device
// faults; verdicts.
import { deviceProfile, toIso, VERSION } from '@hallmon/firmware-config';
import type { Excursion } from '@hallmon/rules';
import { alarmAckJson, auditJson } from '../api/wire-json.ts';
import { clauseExcursions } from './steps/clause-excursions.ts';
import { clauseSeries } from './steps/clause-series.ts';
import { counterClause, type CounterFigures } from './steps/counter-clauses.ts';
import { counterDays } from './steps/counter-coverage.ts';
import { replayCounters } from './steps/counter-replay.ts';
import { clauseCoverage, dataGaps } from './steps/coverage.ts';
import { clockFaults } from './steps/clock-faults.ts';
import { counterDeviceCoverage, deviceFaults } from './steps/device-faults.ts';
import { evaluationMonths, windowRates } from './steps/evaluation-rate.ts';
import { followupRateClause } from './steps/followup-rates.ts';
import { environmentService } from './steps/environment-service.ts';
import { memoDay } from './steps/format.ts';
import { judgeFollowups } from './steps/followups.ts';
import { resolveInputs, type EvidenceInput } from './steps/inputs.ts';
import { basesOf, catalogueKinds } from './steps/kinds.ts';
import { methodNotes } from './steps/method-notes.ts';
import { clauseNoise, noiseTables } from './steps/noise-table.ts';
import { openAtPeriodEnd } from './steps/open-at-end.ts';
import { mergeRecords, periodExcursions } from './steps/records.ts';
import { roomTables } from './steps/room-tables.ts';
import { replaySensors } from './steps/sensor-replay.ts';
import { replayStates } from './steps/state-replay.ts';
import { doorOpeningRows } from './steps/door-openings.ts';
import { judge } from './steps/verdict.ts';
import { buildScorecard } from '../scorecard/scorecard.ts';
import type { AlarmAck, ClauseEvidence, EvidenceExcursion, EvidencePack, StateEvent } from './types.ts';
import type { StoredAlarm } from '../store/store.ts';
import type { Excursion as RuleExcursion, Transition } from '@hallmon/rules';

export { MAX_PERIOD_DAYS, type EvidenceInput, type ReplayStats } from './steps/inputs.ts';

export async function buildEvidence(input: EvidenceInput): Promise<EvidencePack> {
  const { store, site, catalogue, profiles, calendar } = input;
  const progress = input.onProgress ?? (() => {});
  // 0. The period, its days, the measured series and the rules bound to them.
  const b = resolveInputs(input);
  const { schedule, from, to, days, engine, series, threshold } = b;
  const kinds = catalogueKinds(catalogue);
  const steps = b.sensors.length + 2;
  // 1. Sensors: coverage, daily tables and the replay's records; the state inputs from their changes.
  const sensors = await replaySensors(input, b, progress);
  const states = await replayStates(input, b);
  const openings = await doorOpeningRows(input, b);
  // 2. Counter devices: events and status changes, per device in time order.
  const counters = await replayCounters(store, site, engine, from, to, sensors.open);
  progress('replay', (b.sensors.length + 1) / steps);
  const rec = mergeRecords(sensors.records, counters.records);
  const alarms = await store.readAlarms({ site: site.id, from, to });
  // 3. Excursions of the period, and what is still open at its end (cut there).
  const excursions: Excursion[] = periodExcursions(rec, from, to, kinds);
  const open = openAtPeriodEnd(sensors.open, catalogue, kinds, schedule, calendar, to);
  // 4. The noise table (L10/L50/L90/Lmax from the minute histograms, opening hours only).
  const localDay = memoDay(schedule);
  const indicative = new Set(
    site.zones.flatMap((z) =>
      z.devices
        .filter((d) => deviceProfile(profiles, d)?.metrics.some((m) => m.metric === 'noise_laeq' && m.indicative))
        .map((d) => d.id),
    ),
  );
  const noise = await noiseTables(store, site.id, sensors.noise, excursions, kinds, localDay, indicative);
  progress('tables', 1 - 0.5 / steps);
  // 5. Measured clauses: citations and excursions, coverage and gaps, noise or room tables.
  const knownSensors = new Set(series.map((s) => s.sensor));
  const coverageInput = {
    coverage: new Map([...sensors.coverage, ...states.coverage]),
    ruleGaps: [...rec.gaps, ...open.gaps],
    dataGaps: dataGaps(counters.events, from, to),
    knownSensors,
    from,
    to,
  };
  const rows = excursions.map((x) => ({ clause: x.clause, row: excursionJson(x) }));
  const clauses: ClauseEvidence[] = [];
  for (const c of catalogue.clauses) {
    const bound = engine.rules.filter((r) => r.bound.clause === c.id);
    const ev = clauseExcursions(c, bound, rows, open.excursions);
    const measured = clauseSeries(bound, series);
    if (measured.size > 0) {
      clauseCoverage(ev, measured, coverageInput);
      Object.assign(
        ev,
        basesOf(c).has('noise')
          ? clauseNoise(measured.values(), noise)
          : roomTables(measured, sensors.room, ev.excursions, localDay),
      );
    }
    if (basesOf(c).has('states'))
      ev.stateEvents = stateEvents(site.id, c, states.excursions, [...states.open.open.values()], alarms, from, to);
    if (basesOf(c).has('entries')) ev.doorOpenings = openings.get(c.id) ?? [];
    clauses.push(ev);
  }
  // 6. Counter clauses: evaluation rate, follow-ups, device faults; then every verdict.
  const seen = counterDays(days, counters.events, from, schedule);
  const judgedUntil = Math.min(to, (input.now ?? Date.now)());
  const followups = judgeFollowups({
    rule: kinds.rulesOn('followups')[0]?.id,
    records: [...counters.openFollowups, ...rec.followups],
    outcomes: input.followupOutcomes ?? [],
    judgedUntil,
    alarms,
    schedule,
    from,
    to,
  });
  const periodEvents = counters.events.filter((e) => e.ts >= from);
  const faults = deviceFaults(rec.faults, open.faults, counters.events, schedule, from, to);
  const figures: CounterFigures = {
    coverage: seen.coverage,
    rateMonths: (rule) => evaluationMonths(periodEvents, schedule, excursions, rule, site),
    windowRates: (rule) => windowRates(periodEvents, excursions, rule, site),
    followupRate: (rule) => followupRateClause(rule, followups.followups, followups.items, schedule, judgedUntil),
    followupExcursions: followups.excursions,
    deviceCoverage: (rules) => counterDeviceCoverage(site, profiles, rules, counters.statuses, seen.days, to),
    deviceFaults: faults,
  };
  for (const ev of clauses) {
    const c = catalogue.clauses.find((x) => x.id === ev.clause)!;
    const bases = basesOf(c);
    counterClause(ev, c, bases, figures);
    judge(ev, bases, faults, threshold);
  }
  progress('tables', 1);

  // 7. The pack.
  const alarmAcks: AlarmAck[] = alarms
    .filter((a) => a.rule !== 'selftest' && !/self-?test/.test(a.rule))
    .map(alarmAckJson);
  const selfTests: AlarmAck[] = alarms
    .filter((a) => a.rule === 'selftest' || /self-?test/.test(a.rule))
    .map(alarmAckJson);
  const lastDay = schedule.day(to - 1);
  // 8. The hall's environment beside its service, hour by hour.
  const badScoreMax = kinds.rulesOn('followups')[0]?.params?.badScoreMax ?? 2;
  const env = await environmentService(store, site, series, schedule, counters.events, badScoreMax, from, to);
  const pack: Omit<EvidencePack, 'scorecard' | 'environmentService'> = {
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
    deviceFaults: faults,
    followups: followups.followups,
    alarmAcks,
    selfTests,
    dataGaps: coverageInput.dataGaps,
    clockFaults: clockFaults(alarms, from, to),
    auditTrail: await auditTrail(input, from, to),
    series: series.map((s) => ({ sensor: s.sensor, metric: s.metric, zone: s.zone })),
  };
  return {
    ...pack,
    scorecard: buildScorecard(pack, catalogue, (input.now ?? Date.now)()),
    environmentService: env,
  };
}

/**
 * The clause's state events of the period: the replay's excursions of its state rules, and those
 * still raised at the period end (ongoing, cut there), with the acknowledgement of the stored alarm
 * of the same id (alarm ids are the same live and in replay: rules alarm.ts).
 */
function stateEvents(
  site: string,
  c: { rules: Array<{ id: string; title: string; metric?: string }> },
  xs: RuleExcursion[],
  open: Transition[],
  alarms: StoredAlarm[],
  from: number,
  to: number,
): StateEvent[] {
  const rules = new Map(c.rules.map((r) => [r.id, r]));
  const byId = new Map(alarms.map((a) => [a.id, a]));
  const row = (x: {
    sensor: string;
    rule: string;
    severity: string;
    start: number;
    end: number;
    ongoing: boolean;
    id: string;
  }): StateEvent => {
    const a = byId.get(x.id);
    return {
      sensor: x.sensor,
      metric: rules.get(x.rule)?.metric ?? null,
      rule: x.rule,
      title: rules.get(x.rule)?.title ?? x.rule,
      severity: x.severity,
      start: toIso(x.start),
      end: toIso(x.end),
      durationS: (x.end - x.start) / 1000,
      ongoing: x.ongoing,
      alarmId: a ? a.id : null,
      ackedBy: a?.ackedBy ?? null,
      ackedAt: a?.ackedAt === undefined ? null : toIso(a.ackedAt),
      ackNote: a?.ackNote ?? null,
      message: a?.message ?? null,
    };
  };
  const out: StateEvent[] = [];
  for (const x of xs)
    if (rules.has(x.rule) && x.end > from && x.start < to)
      out.push(row({ ...x, ongoing: false, id: `${site}:${x.rule}:${x.sensor}:${x.start}` }));
  for (const t of open) {
    const start = Date.parse(t.alarm.startedAt as string);
    if (!rules.has(t.alarm.rule) || !(start < to)) continue;
    out.push(
      row({
        sensor: t.alarm.sensor,
        rule: t.alarm.rule,
        severity: t.alarm.severity,
        start,
        end: to,
        ongoing: true,
        id: t.alarm.id,
      }),
    );
  }
  return out.sort((a, b) => a.start.localeCompare(b.start) || a.sensor.localeCompare(b.sensor));
}

/** The site's own audit entries of the period (server-wide ones, such as logins, are sealed, not listed). */
async function auditTrail(input: EvidenceInput, from: number, to: number) {
  if (!input.audit) return [];
  return (await input.audit.list({ from, to, sites: [input.site.id], global: false, limit: AUDIT_PACK_LIMIT })).map(
    auditJson,
  );
}

/** Most audit entries a pack lists (the newest, for a period busier than any hall's year). */
const AUDIT_PACK_LIMIT = 100_000;

function excursionJson(x: Excursion): EvidenceExcursion {
  const found =
    x.finding !== undefined ? { finding: x.finding, ...(x.count !== undefined ? { count: x.count } : {}) } : {};
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
    ...found,
  };
}
