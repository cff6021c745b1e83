// buildEvidence over crafted periods in a real SqliteStore, against hand-computed expectations:
// an excursion across midnight, a gap at the period edge, a period without data, "1、5、15"
// deadlines over the 2025 National Day 调休, noise LAeq/L10/L50/L90 and a month below 70 %.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { at, climateOnlySite, ev, evidence, MIN, openStore, readings, S, write } from './fixture.ts';
import type { NoiseRow, RateMonth, RoomDay } from '@hallmon/server';

const clause = (p: Awaited<ReturnType<typeof evidence>>, id: string) => p.clauses.find((c) => c.clause === id)!;

test('machine room: an excursion across local midnight is one excursion; a late start is a gap at the period edge', async (t) => {
  const { store } = await openStore(t);
  const day0 = at('2025-05-06 00:00');
  // mr-th-1: 24 °C, 27.5 °C from 23:50 to 00:19 (30 minutes), back to 24 at 00:20; RH 40 % (dew point inside 5.5-15).
  const hot = (i: number) => (i >= 1430 && i < 1460 ? 27.5 : 24);
  await write(store, readings('mr-th-1', 'temperature', day0, MIN, 2880, hot));
  await write(
    store,
    readings('mr-th-1', 'humidity', day0, MIN, 2880, () => 40),
  );
  // mr-th-2 starts two hours late: 120 uncovered minutes at the start of the period.
  await write(
    store,
    readings('mr-th-2', 'temperature', day0 + 120 * MIN, MIN, 2760, () => 23),
  );
  await write(
    store,
    readings('mr-th-2', 'humidity', day0 + 120 * MIN, MIN, 2760, () => 45),
  );
  // The climate sensors only: the state inputs' coverage is machine-room-states.test.ts's.
  const p = await evidence(store, '2025-05-06', '2025-05-07', { site: climateOnlySite() });
  const mr = clause(p, '5.2.2');
  assert.equal(mr.verdict, 'fail');
  assert.equal(mr.excursions.length, 1);
  const x = mr.excursions[0]!;
  assert.equal(x.rule, 'mr-temperature');
  assert.equal(x.sensor, 'mr-th-1');
  assert.equal(x.start, new Date(at('2025-05-06 23:50')).toISOString());
  assert.equal(x.end, new Date(at('2025-05-07 00:20')).toISOString());
  assert.equal(x.peak, 27.5);
  assert.equal(mr.rules.find((r) => r.rule === 'mr-temperature')!.limitSource.includes('GB 50174-2017'), true);
  // Coverage: 4 series × 2880 minutes expected; mr-th-2 misses 120 minutes in each of its 2 metrics.
  assert.equal(mr.coverage, Math.round(((4 * 2880 - 240) / (4 * 2880)) * 1e4) / 1e4);
  const edge = mr.gaps.filter((g) => g.sensor === 'mr-th-2');
  assert.deepEqual(
    edge.map((g) => [g.metric, g.start, g.end, g.source]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ['humidity', 'temperature'].map((m) => [
      m,
      new Date(day0).toISOString(),
      new Date(day0 + 120 * MIN).toISOString(),
      'coverage',
    ]),
  );
  // Daily min/mean/max per local day.
  const d = (mr.daily as RoomDay[]).filter((r) => r.sensor === 'mr-th-1' && r.metric === 'temperature');
  assert.deepEqual(
    d.map((r) => [r.day, r.min, r.max]),
    [
      ['2025-05-06', 24, 27.5],
      ['2025-05-07', 24, 27.5],
    ],
  );
  assert.equal(d[0]!.mean, Math.round(((1430 * 24 + 10 * 27.5) / 1440) * 100) / 100);
});

test('a period with no data is insufficient-data with coverage 0 for every measured clause', async (t) => {
  const { store } = await openStore(t);
  const p = await evidence(store, '2025-07-01', '2025-07-03');
  for (const id of ['1.3.3', '5.2.2', '5.3', '11.1.2', '1.3.2', '6.1.1', '1.2.1']) {
    assert.equal(clause(p, id).verdict, 'insufficient-data', id);
    if (id !== '1.2.1') assert.equal(clause(p, id).coverage, 0, id);
  }
  assert.equal(p.firstDay, '2025-07-01');
  assert.equal(p.lastDay, '2025-07-03');
});

test('a bad rating on 2025-09-30 gets its 1、5、15 deadlines over the National Day holiday (调休 10-11)', async (t) => {
  const { store } = await openStore(t);
  await store.writeEvents([
    ev('eval-w01', 'rating', at('2025-09-30 10:00'), { score: 1 }),
    ev('queue-1', 'ticket_served', at('2025-09-30 09:59')),
  ]);
  const p = await evidence(store, '2025-09-30', '2025-10-31');
  assert.equal(p.followups.length, 1);
  const f = p.followups[0]!;
  // 10-01..10-08 are days off; the first working day after 09-30 is 10-09; 10-11 (Saturday) is worked.
  assert.equal(f.answerDeadline, '2025-10-09');
  // 10-09, 10-10, 10-11, 10-13, 10-14.
  assert.equal(f.simpleDeadline, '2025-10-14');
  // ... 10-15, 16, 17, 20, 21, 22, 23, 24, 27, 28.
  assert.equal(f.complexDeadline, '2025-10-28');
  assert.equal(f.window, 'W01');
  // Nobody recorded an answer or a fix: both deadlines passed within the period, so 10.1.3 fails with
  // two missed deadlines, from the end of each deadline day (site-local midnight) to the period end.
  assert.deepEqual(f.missed, ['answer', 'fix']);
  const c = clause(p, '10.1.3');
  assert.equal(c.verdict, 'fail');
  assert.deepEqual(
    c.excursions.map((x) => [x.start, x.end, x.endReason]),
    [
      [new Date(at('2025-10-10 00:00')).toISOString(), new Date(at('2025-11-01 00:00')).toISOString(), 'no-record'],
      [new Date(at('2025-10-15 00:00')).toISOString(), new Date(at('2025-11-01 00:00')).toISOString(), 'no-record'],
    ],
  );
});

test('10.1.3 is judged from what people recorded: in time passes, a late fix is a missed deadline', async (t) => {
  const { store } = await openStore(t);
  const ratedAt = at('2025-09-30 10:00');
  await store.writeEvents([
    ev('eval-w01', 'rating', ratedAt, { score: 1 }),
    ev('queue-1', 'ticket_served', at('2025-09-30 09:59')),
  ]);
  const inTime = await evidence(store, '2025-09-30', '2025-10-31', {
    followupOutcomes: [
      {
        device: 'eval-w01',
        ratedAt,
        respondedAt: at('2025-10-09 16:00'),
        resolvedAt: at('2025-10-14 23:59'),
        complex: false,
        callbacks: [],
      },
    ],
  });
  assert.deepEqual(inTime.followups[0]!.missed, []);
  // No missed deadline; counter data exists on one opening day of the month only, so the verdict is
  // insufficient-data rather than pass (the no-record case above is a fail whatever the coverage).
  assert.deepEqual(clause(inTime, '10.1.3').excursions, []);
  assert.equal(clause(inTime, '10.1.3').verdict, 'insufficient-data');
  assert.equal(inTime.followups[0]!.respondedAt, new Date(at('2025-10-09 16:00')).toISOString());
  // Marked complex: the fix may take 15 working days (to 10-28); resolved on 10-29 is one day late.
  const late = await evidence(store, '2025-09-30', '2025-10-31', {
    followupOutcomes: [
      {
        device: 'eval-w01',
        ratedAt,
        respondedAt: at('2025-10-09 09:00'),
        resolvedAt: at('2025-10-29 10:00'),
        complex: true,
        callbacks: [],
      },
    ],
  });
  assert.deepEqual(late.followups[0]!.missed, ['fix']);
  const x = clause(late, '10.1.3').excursions;
  assert.deepEqual(
    x.map((e) => [e.start, e.end, e.endReason]),
    [[new Date(at('2025-10-29 00:00')).toISOString(), new Date(at('2025-10-29 10:00')).toISOString(), 'resolved-late']],
  );
  // A period that ends before the answer deadline judges nothing yet.
  const early = await evidence(store, '2025-09-30', '2025-10-05');
  assert.deepEqual(early.followups[0]!.missed, []);
});

test('noise: daily LAeq over opening hours and L10/L50/L90/Lmax from a crafted 1-s trace', async (t) => {
  const { store } = await openStore(t);
  // 2025-05-06 (Tuesday, open 09:00-17:00), 09:00-10:00: every 10 s: 2 s at 85, 4 s at 70, 4 s at 55 dB(A).
  const pattern = [85, 85, 70, 70, 70, 70, 55, 55, 55, 55];
  const start = at('2025-05-06 09:00');
  await write(
    store,
    readings('hall-noise-1', 'noise_laeq', start, S, 3600, (i) => pattern[i % 10]!),
  );
  // Readings outside opening hours do not count towards the day's figures.
  await write(
    store,
    readings('hall-noise-1', 'noise_laeq', at('2025-05-06 20:00'), S, 600, () => 95),
  );
  const p = await evidence(store, '2025-05-06', '2025-05-06');
  const noise = clause(p, '1.3.3');
  const day = (noise.daily as NoiseRow[]).find((r) => r.sensor === 'hall-noise-1' && r.period === '2025-05-06')!;
  const expected = 10 * Math.log10(0.2 * 10 ** 8.5 + 0.4 * 10 ** 7 + 0.4 * 10 ** 5.5);
  assert.equal(day.laeq, Math.round(expected * 10) / 10);
  assert.equal(day.l10, 85);
  assert.equal(day.l50, 70);
  assert.equal(day.l90, 55);
  assert.equal(day.lmax, 85);
  assert.equal(day.minutes, 60);
  const period = noise.periodNoise!.find((r) => r.sensor === 'hall-noise-1')!;
  assert.equal(period.laeq, day.laeq);
  // LAeq 78.3 never exceeds 80 over 5 min nor 85 over 1 min: no excursion; coverage 60 of 480 minutes.
  assert.deepEqual(noise.excursions, []);
  assert.equal(
    noise.coverageBySensor.find((c) => c.sensor === 'hall-noise-1')!.coverage,
    Math.round((60 / 480) * 1e4) / 1e4,
  );
  assert.equal(noise.verdict, 'insufficient-data');
});

test('evaluation rate: May at 80 %, June at 50 % is below 70 % and fails 6.1.1', async (t) => {
  const { store } = await openStore(t);
  const evs = [];
  for (let i = 0; i < 10; i++) {
    evs.push(ev('queue-1', 'ticket_served', at('2025-05-06 10:00') + i * MIN));
    if (i < 8) evs.push(ev('eval-w01', 'rating', at('2025-05-06 10:00') + i * MIN + 30 * S, { score: 5 }));
    evs.push(ev('queue-1', 'ticket_served', at('2025-06-10 10:00') + i * MIN));
    if (i < 5) evs.push(ev('eval-w02', 'rating', at('2025-06-10 10:00') + i * MIN + 30 * S, { score: 4 }));
  }
  await store.writeEvents(evs);
  const p = await evidence(store, '2025-05-01', '2025-06-30');
  const c = clause(p, '6.1.1');
  const months = c.monthly as RateMonth[];
  assert.deepEqual(
    months.map((m) => [m.month, m.ratings, m.served, m.rate, m.belowLimit]),
    [
      ['2025-05', 8, 10, 80, false],
      ['2025-06', 5, 10, 50, true],
    ],
  );
  assert.equal(months[1]!.daysBelowLimit, 1);
  assert.equal(c.verdict, 'fail');
  assert.equal(c.excursions.length, 1);
  assert.equal(c.excursions[0]!.sensor, 'hall');
  assert.equal(c.excursions[0]!.peak, 50);
});

test('the follow-up rates of a real-name bad rating: answered and fixed in time, dissatisfied at the callback', async (t) => {
  const { store } = await openStore(t);
  const ratedAt = at('2025-09-30 10:00');
  await store.writeEvents([
    ev('queue-1', 'ticket_served', at('2025-09-30 09:59'), { window: 'W01', ticket: 'A1' }),
    ev('eval-w01', 'rating', ratedAt, { score: 1, ticket: 'A1' }),
  ]);
  const outcome = {
    device: 'eval-w01',
    ratedAt,
    respondedAt: at('2025-10-09 16:00'),
    resolvedAt: at('2025-10-14 23:59'),
    complex: false,
  };
  const called = await evidence(store, '2025-09-30', '2025-10-31', {
    followupOutcomes: [
      { ...outcome, callbacks: [{ at: at('2025-10-20 10:00'), outcome: 'reached', satisfied: false }] },
    ],
  });
  const line = (p: typeof called, id: string) => p.scorecard.lines.find((l) => l.clause === id)!;
  assert.deepEqual(
    ['6.1.3', '6.1.4', '6.1.5', '10.1.4'].map((id) => [id, line(called, id).figure, line(called, id).verdict]),
    [
      ['6.1.3', 100, 'pass'],
      ['6.1.4', 100, 'pass'],
      ['6.1.5', 0, 'fail'],
      ['10.1.4', 100, 'pass'],
    ],
  );
  assert.equal(called.followups[0]!.ticket, 'A1');
  assert.equal(called.followups[0]!.satisfied, false);
  assert.deepEqual(
    clause(called, '6.1.5').excursions.map((x) => [x.sensor, x.start, x.endReason]),
    [['eval-w01', new Date(at('2025-10-20 10:00')).toISOString(), 'dissatisfied']],
  );
  // Still dissatisfied after the callback: 2 points (Qingpu 2021 rules 十.3); 2 points of 6.1.5 at risk.
  assert.deepEqual([line(called, '6.1.5').deductionTotal, line(called, '6.1.5').pointsAtRisk], [2, 2]);
  // Nobody called back: the satisfaction rate is not shown, so neither pass nor fail.
  const none = await evidence(store, '2025-09-30', '2025-10-31', { followupOutcomes: [{ ...outcome, callbacks: [] }] });
  assert.equal(clause(none, '6.1.5').verdict, 'insufficient-data');
  assert.match(clause(none, '6.1.5').reason, /no callback reached a resident/);
});
