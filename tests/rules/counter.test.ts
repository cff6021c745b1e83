// Counter-device rules: device offline in opening hours (clause 1.2.1; 2021 rules 三.3 faults per
// month and repair in working days), the daily evaluation rate (三.4, 70 %), and the "1、5、15"
// follow-up of bad ratings (DB31/T 862-2021 10.1.3) across a holiday and a 调休 weekend.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { at, event, iso, MIN, only, run, status, type Step } from './fixture.ts';

const opts = { lateBoundS: 0 };

test('device offline: only opening time counts towards the 10 minutes', () => {
  // Offline Tue 16:55 (5 open minutes left); Wednesday opens 09:00: the 10th open minute ends 09:05.
  const off = at('2025-05-06 16:55');
  const back = (t: number): Step[] => [
    status('eval-w01', 'offline', off),
    { advance: t },
    status('eval-w01', 'online', t),
  ];
  assert.deepEqual(
    run(back(at('2025-05-07 09:05')), opts).transitions,
    [],
    'exactly 10 open minutes is not longer than 10',
  );
  const { transitions, engine } = run(back(at('2025-05-07 09:30')), opts);
  const f = only(transitions, 'device-offline');
  assert.deepEqual(
    f.map((t) => t.type),
    ['raise', 'clear'],
  );
  assert.equal(f[0]!.atMs, at('2025-05-07 09:05'));
  assert.equal(f[0]!.alarm.startedAt, iso(off));
  assert.equal(f[0]!.alarm.sensor, 'eval-w01');
  assert.deepEqual(
    engine.faults.map((x) => [x.month, x.repairWorkingDays, x.repairDeadline, x.repairOverdue]),
    [['2025-05', 1, '2025-05-13', false]],
  );
  // Offline 20:00 to 08:00 (closed all the time): no fault.
  assert.deepEqual(
    run(
      [status('eval-w01', 'offline', at('2025-05-06 20:00')), status('eval-w01', 'online', at('2025-05-07 08:00'))],
      opts,
    ).transitions,
    [],
  );
});

test('repair time in working days across the May Day holiday; the second fault of a month exceeds the limit', () => {
  // Fails Wed 2025-04-30 10:00. 5/1-5/5 are holidays: the 5 working days are 5/6, 5/7, 5/8, 5/9, 5/12.
  const fail = at('2025-04-30 10:00');
  const onTime = run([status('queue-1', 'offline', fail), status('queue-1', 'online', at('2025-05-12 10:00'))], opts)
    .engine.faults[0]!;
  assert.deepEqual([onTime.repairDeadline, onTime.repairWorkingDays, onTime.repairOverdue], ['2025-05-12', 5, false]);
  const late = run([status('queue-1', 'offline', fail), status('queue-1', 'online', at('2025-05-13 10:00'))], opts)
    .engine.faults[0]!;
  assert.deepEqual([late.repairWorkingDays, late.repairOverdue], [6, true]);
  const twice = run(
    [
      status('eval-w02', 'offline', at('2025-05-06 10:00')),
      status('eval-w02', 'online', at('2025-05-06 11:00')),
      status('eval-w02', 'offline', at('2025-05-20 10:00')),
      status('eval-w02', 'online', at('2025-05-20 11:00')),
    ],
    opts,
  ).engine.faults;
  assert.deepEqual(
    twice.map((x) => [x.faultInMonth, x.exceedsMonthlyLimit]),
    [
      [1, false],
      [2, true],
    ],
  );
});

test('evaluation rate per window and per hall, judged when the watermark passes the day end', () => {
  const day = at('2025-05-06 10:00');
  const steps: Step[] = [];
  // W01: 7 ratings of 10 served = 70 % (not below 70). W02: 6 of 10 = 60 %. Hall: 13/20 = 65 %.
  for (let i = 0; i < 10; i++) {
    steps.push(event({ device: 'queue-1', type: 'ticket_served', window: 'W01', ticket: `A${i}`, ts: day + i * MIN }));
    steps.push(
      event({ device: 'queue-1', type: 'ticket_served', window: 'W02', ticket: `B${i}`, ts: day + i * MIN + 1 }),
    );
  }
  for (let i = 0; i < 7; i++)
    steps.push(event({ device: 'eval-w01', type: 'rating', score: 5, ts: day + i * MIN + 2 }));
  for (let i = 0; i < 6; i++)
    steps.push(event({ device: 'eval-w02', type: 'rating', score: 4, ts: day + i * MIN + 3 }));
  steps.sort(
    (a, b) =>
      Date.parse(('event' in a ? a.event.ts : '') as string) - Date.parse(('event' in b ? b.event.ts : '') as string),
  );
  const end = at('2025-05-07 00:00');
  assert.deepEqual(
    only(run([...steps, { advance: end - 1 }], opts).transitions, 'evaluation-rate'),
    [],
    'not judged before the day ends',
  );
  const { transitions, excursions } = run([...steps, { advance: end }, { advance: at('2025-05-08 00:00') }], opts);
  const r = only(transitions, 'evaluation-rate');
  assert.deepEqual(
    r.map((t) => [t.type, t.alarm.sensor, t.alarm.peak, t.atMs]),
    [
      ['raise', 'W02', 60, end],
      ['raise', 'hall', 65, end],
      ['clear', 'W02', 60, at('2025-05-08 00:00')],
      ['clear', 'hall', 65, at('2025-05-08 00:00')],
    ],
  );
  assert.equal(r[0]!.alarm.id, `demo:evaluation-rate:W02:${at('2025-05-06 00:00')}`);
  assert.equal(excursions.filter((x) => x.rule === 'evaluation-rate').length, 2);
});

const FOLLOW = 'bad-rating-followup';

test('"1、5、15" deadlines skip the National Day holiday and count the 调休 Saturday', () => {
  // A 1-star rating on Tue 2025-09-30. 10/1-10/8 are off; Sat 10/11 is a working day.
  const ts = at('2025-09-30 10:00');
  const { engine } = run([event({ device: 'eval-w03', type: 'rating', score: 1, ts })], opts);
  const [f] = engine.openFollowups();
  assert.deepEqual(
    [f!.day, f!.answerDeadline, f!.simpleDeadline, f!.complexDeadline],
    ['2025-09-30', '2025-10-09', '2025-10-14', '2025-10-28'],
  );
  assert.equal(f!.window, 'W03');
  // A rating on Sat 2025-09-27: the day itself does not count, Sunday 9/28 is a 调休 working day.
  const sat = run(
    [event({ device: 'eval-w03', type: 'rating', score: 2, ts: at('2025-09-27 10:00') })],
    opts,
  ).engine.openFollowups()[0]!;
  assert.equal(sat.answerDeadline, '2025-09-28');
  // Scores above 2 open nothing.
  assert.deepEqual(run([event({ device: 'eval-w03', type: 'rating', score: 3, ts })], opts).engine.openFollowups(), []);
});

test('a follow-up answered and resolved in time raises nothing; an overdue one raises until resolved', () => {
  const ts = at('2025-09-30 10:00');
  const id = `demo:eval-w03:${ts}`;
  const rating = event({ device: 'eval-w03', type: 'rating', score: 1, ts });
  const inTime = run(
    [
      rating,
      { resolve: { id, stage: 'answered', ts: at('2025-10-09 23:59') } },
      { resolve: { id, stage: 'resolved', ts: at('2025-10-14 16:00') } },
      { advance: at('2025-11-30 00:00') },
    ],
    opts,
  );
  assert.deepEqual(only(inTime.transitions, FOLLOW), []);
  assert.equal(inTime.engine.followups[0]!.resolvedAt, at('2025-10-14 16:00'));
  assert.deepEqual(inTime.engine.followups[0]!.overdue, []);
  // Nobody answers: overdue when the watermark passes the end of 10/09; resolved on 10/11.
  const late = run(
    [
      rating,
      { advance: at('2025-10-10 00:00') },
      { advance: at('2025-10-10 00:00') + 1 },
      { resolve: { id, stage: 'resolved', ts: at('2025-10-11 10:00') } },
    ],
    opts,
  );
  const t = only(late.transitions, FOLLOW);
  assert.deepEqual(
    t.map((x) => [x.type, x.atMs]),
    [
      ['raise', at('2025-10-10 00:00')],
      ['clear', at('2025-10-11 10:00')],
    ],
  );
  assert.equal(t[0]!.alarm.id, `demo:${FOLLOW}:eval-w03:${ts}`);
  assert.deepEqual(late.engine.followups[0]!.overdue, ['answer']);
  // Classified complex: the resolution deadline moves from 10/14 to 10/28.
  const complex = run(
    [rating, { resolve: { id, stage: 'complex', ts: at('2025-10-09 10:00') } }, { advance: at('2025-10-20 00:00') }],
    opts,
  );
  assert.deepEqual(only(complex.transitions, FOLLOW), []);
  assert.equal(run([rating], opts).engine.resolveFollowup('demo:nope:1', 'resolved', ts), null);
});
