// The counter detectors, on hand-made traces of the demo hall (windows W01..W04 with evaluators
// eval-w01..eval-w04, queue machine queue-1; open 09:00-17:00 on weekdays, 09:00-12:00 at weekends),
// with the answers worked out by hand: self-rating (Qingpu 2021 rules 三.4), service hours (2025
// standard 2.1, seven-day service), a window idle while people wait (3.2.2; 29 and 31 minutes) and
// the windows' balance (2021 rules 五.8). Each trace also runs shuffled within the late bound and
// with a snapshot/restore in the middle: the same findings either way.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { Excursion } from '@hallmon/rules';
import {
  at,
  event,
  iso,
  MIN,
  S,
  only,
  run,
  runWithRestart,
  shuffleWithinBound,
  status,
  type RunResult,
  type Step,
  demoSite,
} from './fixture.ts';

const find = (r: RunResult, rule: string) =>
  r.excursions
    .filter((x) => x.rule === rule)
    .map((x: Excursion) => [x.finding, x.sensor, iso(x.start), iso(x.end), x.peak, x.count ?? null]);

/** The same findings in order, shuffled within the late bound, and across a restart at `k`. */
function same(steps: Step[], rule: string, k = Math.floor(steps.length / 2)) {
  const plain = find(run(steps), rule);
  assert.deepEqual(find(run(shuffleWithinBound(steps)), rule), plain, 'shuffled within the late bound');
  assert.deepEqual(find(runWithRestart(steps, k), rule), plain, 'restored from a snapshot');
  return plain;
}

const served = (window: string, ts: number, ticket?: string) =>
  event({ device: 'queue-1', type: 'ticket_served', window, ts, ...(ticket ? { ticket } : {}) });
const rating = (device: string, ts: number, score = 5) => event({ device, type: 'rating', score, ts });

test('self-rating: a rating needs a ticket served at its window in the 10 minutes before it', () => {
  const steps: Step[] = [
    served('W01', at('2025-05-06 10:00')),
    rating('eval-w01', at('2025-05-06 10:00:30')), // matched with W01's ticket
    rating('eval-w02', at('2025-05-06 10:05')), // W02 served nothing: a finding
    rating('eval-w01', at('2025-05-06 10:20')), // W01's one ticket is already rated: a finding
    served('W03', at('2025-05-06 10:30')),
    rating('eval-w03', at('2025-05-06 10:40')), // exactly 600 s after: still matched
    served('W04', at('2025-05-06 10:30')),
    rating('eval-w04', at('2025-05-06 10:40:01')), // 601 s after: a finding
    { advance: at('2025-05-07 00:10') },
  ];
  const f = same(steps, 'self-rating');
  const one = (device: string, ts: string) => ['rating-without-service', device, iso(at(ts)), iso(at(ts)), 1, 1];
  assert.deepEqual(f, [
    one('eval-w02', '2025-05-06 10:05'),
    one('eval-w01', '2025-05-06 10:20'),
    one('eval-w04', '2025-05-06 10:40:01'),
  ]);
  // One warning per evaluator and day, raised at its first finding, cleared at the end of the day.
  const t = only(run(steps).transitions, 'self-rating');
  const byTime = (a: string[], b: string[]) => a[2]!.localeCompare(b[2]!) || a[1]!.localeCompare(b[1]!);
  assert.deepEqual(
    t.map((x) => [x.type, x.alarm.sensor, iso(x.atMs)]).sort(byTime),
    [
      ['raise', 'eval-w02', iso(at('2025-05-06 10:05'))],
      ['raise', 'eval-w01', iso(at('2025-05-06 10:20'))],
      ['raise', 'eval-w04', iso(at('2025-05-06 10:40:01'))],
      ['clear', 'eval-w02', iso(at('2025-05-07 00:00'))],
      ['clear', 'eval-w01', iso(at('2025-05-07 00:00'))],
      ['clear', 'eval-w04', iso(at('2025-05-07 00:00'))],
    ].sort(byTime),
  );
});

test('self-rating: a burst is three or more ratings each within 60 s of the one before', () => {
  const t0 = at('2025-05-06 11:00');
  const steps: Step[] = [];
  // Three tickets served at W01 first, so every rating of the burst has its ticket: only the burst is found.
  for (let i = 0; i < 3; i++) steps.push(served('W01', t0 - (3 - i) * MIN));
  steps.push(rating('eval-w01', t0), rating('eval-w01', t0 + 20 * S), rating('eval-w01', t0 + 80 * S));
  // Two ratings 60 s apart then a pause: not a burst (and their tickets were served just before).
  steps.push(served('W01', t0 + 9 * MIN), served('W01', t0 + 10 * MIN + 30 * S));
  steps.push(rating('eval-w01', t0 + 10 * MIN), rating('eval-w01', t0 + 11 * MIN));
  steps.push({ advance: at('2025-05-06 12:00') });
  assert.deepEqual(same(steps, 'self-rating'), [['rating-burst', 'eval-w01', iso(t0), iso(t0 + 80 * S), 3, 3]]);
});

test('self-rating: a window serving while its evaluator is offline, one record per spell and day', () => {
  const steps: Step[] = [
    status('eval-w02', 'offline', at('2025-05-06 14:00')),
    served('W02', at('2025-05-06 14:10')),
    served('W01', at('2025-05-06 14:15')), // another window: not counted
    served('W02', at('2025-05-06 14:20')),
    status('eval-w02', 'online', at('2025-05-06 14:30')),
    // Offline over the night: the evening's spell (nothing served) and the next morning's (1 served).
    status('eval-w03', 'offline', at('2025-05-06 16:50')),
    served('W03', at('2025-05-07 09:30')),
    status('eval-w03', 'online', at('2025-05-07 10:00')),
    { advance: at('2025-05-07 12:00') },
  ];
  assert.deepEqual(same(steps, 'self-rating'), [
    ['served-while-evaluator-offline', 'eval-w02', iso(at('2025-05-06 14:00')), iso(at('2025-05-06 14:30')), 2, 2],
    ['served-while-evaluator-offline', 'eval-w03', iso(at('2025-05-07 00:00')), iso(at('2025-05-07 10:00')), 1, 1],
  ]);
});

const called = (window: string, ts: number, ticket: string) =>
  event({ device: 'queue-1', type: 'ticket_called', window, ticket, ts });
const issued = (ts: number, ticket: string) => event({ device: 'queue-1', type: 'ticket_issued', ticket, ts });

test('service hours: every opening hour of a Saturday needs a call; a public holiday is not judged', () => {
  // Saturday 2025-05-10, open 09:00-12:00: slots 09-10, 10-11, 11-12. Calls at 09:10 and 11:30 only.
  const sat: Step[] = [
    issued(at('2025-05-10 08:55'), 'A001'),
    called('W01', at('2025-05-10 09:10'), 'A001'),
    issued(at('2025-05-10 10:20'), 'A002'),
    called('W01', at('2025-05-10 11:30'), 'A002'),
    { advance: at('2025-05-10 13:00') },
  ];
  assert.deepEqual(same(sat, 'service-hours'), [
    ['hour-without-calls', 'hall', iso(at('2025-05-10 10:00')), iso(at('2025-05-10 11:00')), 0, 1],
  ]);
  const t = only(run(sat).transitions, 'service-hours');
  assert.deepEqual(
    t.map((x) => [x.type, iso(x.atMs)]),
    [
      ['raise', iso(at('2025-05-10 11:00'))],
      ['clear', iso(at('2025-05-10 11:30'))],
    ],
    'raised at the end of the hour, cleared by the next call',
  );
  // Saturday 2025-05-03 is in the May Day holiday: the silent morning is not judged ...
  const holiday: Step[] = [issued(at('2025-05-02 16:00'), 'A001'), { advance: at('2025-05-03 13:00') }];
  assert.deepEqual(find(run(holiday), 'service-hours'), []);
  // ... unless the site judges holidays too (params.skipHolidays 0): three silent hours.
  const judged = run(holiday, { overrides: [{ rule: 'service-hours', params: { skipHolidays: 0 } }] });
  assert.deepEqual(
    find(judged, 'service-hours').map((x) => x[2]),
    ['09:00', '10:00', '11:00'].map((h) => iso(at(`2025-05-03 ${h}`))),
  );
  // Sunday 2025-09-28 is a 调休 working day and an ordinary opening day for the hall: judged.
  const swap: Step[] = [
    issued(at('2025-09-28 08:50'), 'A001'),
    called('W02', at('2025-09-28 09:05'), 'A001'),
    { advance: at('2025-09-28 12:30') },
  ];
  assert.deepEqual(
    find(run(swap), 'service-hours').map((x) => x[2]),
    ['10:00', '11:00'].map((h) => iso(at(`2025-09-28 ${h}`))),
  );
});

test('service hours: nothing is judged before the first ticket event, nor the hour it arrived in', () => {
  const steps: Step[] = [
    issued(at('2025-05-06 10:20'), 'A001'),
    called('W01', at('2025-05-06 11:10'), 'A001'),
    { advance: at('2025-05-06 13:30') },
  ];
  // 10-11 was only partly seen; 11-12 had a call; 12-13 had none.
  assert.deepEqual(
    find(run(steps), 'service-hours').map((x) => [x[2], x[3]]),
    [[iso(at('2025-05-06 12:00')), iso(at('2025-05-06 13:00'))]],
  );
});

test('service hours: a hall closed on a Sunday that is no public holiday misses the seven-day week', () => {
  // The demo hall as if open Monday to Saturday only.
  const site = demoSite();
  site.openingHours = [
    { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' },
    { days: [6], from: '09:00', to: '12:00' },
  ];
  const week = (sat: string, mon: string): Step[] => [
    issued(at(`${sat} 08:55`), 'A001'),
    ...['09:10', '10:10', '11:10'].map((h, i) => called('W01', at(`${sat} ${h}`), `A00${i + 1}`)),
    ...['09:10', '10:10', '11:10', '12:10', '13:10', '14:10', '15:10', '16:10'].map((h, i) =>
      called('W01', at(`${mon} ${h}`), `B00${i + 1}`),
    ),
    { advance: at(`${mon} 18:00`) },
  ];
  const closed = find(run(week('2025-05-10', '2025-05-12'), { site }), 'service-hours');
  assert.deepEqual(closed, [['closed-day', 'hall', iso(at('2025-05-11 00:00')), iso(at('2025-05-12 00:00')), 0, null]]);
  // Sunday 2025-05-04 falls in the May Day holiday: not a finding (and the holiday hours are not judged).
  assert.deepEqual(
    find(run(week('2025-05-03', '2025-05-05'), { site }), 'service-hours').filter((x) => x[0] === 'closed-day'),
    [],
  );
  // The demo hall itself opens every day: no closed day in the same week.
  assert.deepEqual(
    find(run(week('2025-05-10', '2025-05-12')), 'service-hours').filter((x) => x[0] === 'closed-day'),
    [],
  );
});

/**
 * W01 serves A001 until 10:00 while A002..A006 wait; it calls A002 after `idleMin` minutes, and
 * the other three tickets give up at once, so nobody waits any more.
 */
function idleTrace(idleMin: number): Step[] {
  const steps: Step[] = [issued(at('2025-05-06 09:00'), 'A001')];
  for (let i = 2; i <= 6; i++) steps.push(issued(at('2025-05-06 09:01') + i * S, `A00${i}`));
  const next = at('2025-05-06 10:00') + idleMin * MIN;
  steps.push(
    called('W01', at('2025-05-06 09:02'), 'A001'),
    served('W01', at('2025-05-06 10:00'), 'A001'),
    called('W01', next, 'A002'),
    ...[3, 4, 5, 6].map((i) => event({ device: 'queue-1', type: 'ticket_abandoned', ticket: `A00${i}`, ts: next + S })),
    served('W01', next + 5 * MIN, 'A002'),
    { advance: at('2025-05-06 18:00') },
  );
  return steps;
}

test('window idle: 29 minutes is not a finding, 31 minutes is; exactly 30 is not more than 30', () => {
  assert.deepEqual(same(idleTrace(29), 'window-idle'), []);
  assert.deepEqual(same(idleTrace(30), 'window-idle'), []);
  assert.deepEqual(same(idleTrace(31), 'window-idle'), [
    ['window-idle', 'W01', iso(at('2025-05-06 10:00')), iso(at('2025-05-06 10:31')), 5, 5],
  ]);
  const t = only(run(idleTrace(31)).transitions, 'window-idle');
  assert.deepEqual(
    t.map((x) => [x.type, x.alarm.sensor, iso(x.atMs)]),
    [
      ['raise', 'W01', iso(at('2025-05-06 10:30'))],
      ['clear', 'W01', iso(at('2025-05-06 10:31'))],
    ],
  );
});

test('window idle: nobody waiting is no finding; opening time only; an unstaffed window is not judged', () => {
  // W01 free from 10:00, but the queue is empty until 10:20: idle counts from 10:20; called at 10:45.
  const late: Step[] = [
    issued(at('2025-05-06 09:00'), 'A001'),
    called('W01', at('2025-05-06 09:01'), 'A001'),
    served('W01', at('2025-05-06 10:00'), 'A001'),
    issued(at('2025-05-06 10:20'), 'A002'),
    called('W01', at('2025-05-06 10:45'), 'A002'),
    { advance: at('2025-05-06 18:00') },
  ];
  assert.deepEqual(find(run(late), 'window-idle'), []);
  // Free from 16:45 with a ticket waiting: 15 opening minutes are left, the closing drops the queue.
  const closing: Step[] = [
    issued(at('2025-05-06 16:30'), 'A001'),
    called('W02', at('2025-05-06 16:31'), 'A001'),
    issued(at('2025-05-06 16:40'), 'A002'),
    served('W02', at('2025-05-06 16:45'), 'A001'),
    { advance: at('2025-05-07 08:00') },
  ];
  assert.deepEqual(find(run(closing), 'window-idle'), []);
  // W03 never called today: people waiting for an hour is not W03's finding (it was not staffed).
  const unstaffed: Step[] = [
    issued(at('2025-05-06 09:00'), 'A001'),
    issued(at('2025-05-06 09:00:10'), 'A002'),
    called('W01', at('2025-05-06 09:01'), 'A001'),
    called('W01', at('2025-05-06 10:30'), 'A002'),
    { advance: at('2025-05-06 12:00') },
  ];
  assert.deepEqual(find(run(unstaffed), 'window-idle'), [], 'W01 was busy all the time; W03 never staffed');
});

test('workload balance: 31/9/20 tickets put W01 at 155 % and W02 at 45 % of the mean; 30/10/20 is within 50 %', () => {
  const day = (counts: Record<string, number>, date: string): Step[] => {
    const steps: Step[] = [];
    let i = 0;
    for (const [w, n] of Object.entries(counts))
      for (let k = 0; k < n; k++) steps.push(served(w, at(`${date} 09:30`) + i++ * 5 * S));
    return steps;
  };
  const steps: Step[] = [
    ...day({ W01: 31, W02: 9, W03: 20 }, '2025-05-06'),
    ...day({ W01: 30, W02: 10, W03: 20 }, '2025-05-07'),
    ...day({ W01: 20, W02: 5, W03: 10 }, '2025-05-08'), // 35 served: below the 40 a day judged
    { advance: at('2025-05-09 00:10') },
  ];
  const d0 = iso(at('2025-05-06 00:00'));
  const d1 = iso(at('2025-05-07 00:00'));
  assert.deepEqual(same(steps, 'workload-balance'), [
    ['workload-imbalance', 'W01', d0, d1, 155, 31],
    ['workload-imbalance', 'W02', d0, d1, 45, 9],
  ]);
  const limits = run(steps)
    .excursions.filter((x) => x.rule === 'workload-balance')
    .map((x) => x.limit);
  assert.deepEqual(limits, [150, 50]);
});
