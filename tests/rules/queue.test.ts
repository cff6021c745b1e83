// The queue-wait kind (queue waiting time and length, operating targets, not a scored
// clause): the 30-minute wait and 30-ticket/10-minute length boundaries, order within the late bound,
// a restart mid-duration, and closing time dropping tickets never called.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { EventType } from '@hallmon/firmware-config';
import type { Excursion, Out, Transition, QueueWaitRule } from '@hallmon/rules';
import {
  at,
  canonical,
  event,
  makeEngine,
  MIN,
  only,
  run,
  runWithRestart,
  S,
  shuffleWithinBound,
  type Step,
} from './fixture.ts';

const opts = { lateBoundS: 0 };
const WAIT = 'queue-wait-time';
const LEN = 'queue-length';
const Q = 'queue-1';

const ev = (type: EventType, ticket: string, ts: number): Step => event({ device: Q, type, ticket, ts });
const byTs = (steps: Step[]) =>
  steps.sort(
    (a, b) =>
      Date.parse(('event' in a ? a.event.ts : '') as string) - Date.parse(('event' in b ? b.event.ts : '') as string),
  );
const facts = (ts: Transition[]) => ts.map((t) => [t.type, t.atMs, t.alarm.startedAt, t.alarm.peak]);
const iso = (ms: number) => new Date(ms).toISOString();

// Tue 2025-05-06, open 09:00-17:00. A001 waits exactly 30 min, A002 30 min 1 s, A003 5 min.
const waits: Step[] = [
  ev('ticket_issued', 'A001', at('2025-05-06 10:00')),
  ev('ticket_issued', 'A002', at('2025-05-06 10:01')),
  ev('ticket_called', 'A001', at('2025-05-06 10:30')),
  ev('ticket_called', 'A002', at('2025-05-06 10:31:01')),
  ev('ticket_served', 'A001', at('2025-05-06 10:36')),
  ev('ticket_issued', 'A003', at('2025-05-06 10:40')),
  ev('ticket_called', 'A003', at('2025-05-06 10:45')),
];

test('waiting time: exactly 30 min is not an excursion, 30 min 1 s is; a called ticket within target clears it', () => {
  const { transitions, excursions } = run(waits, opts);
  const w = only(transitions, WAIT);
  const start = at('2025-05-06 10:31:01');
  assert.deepEqual(facts(w), [
    ['raise', start, iso(start), 1801],
    ['clear', at('2025-05-06 10:45'), iso(start), 1801],
  ]);
  assert.equal(w[0]!.alarm.id, `demo:${WAIT}:${Q}:${start}`);
  assert.equal(w[0]!.alarm.clause, 'queue');
  assert.equal(w[0]!.alarm.limit, 1800);
  const x = excursions.filter((e) => e.rule === WAIT);
  assert.deepEqual(
    x.map((e) => [e.start, e.end, e.durationS, e.endReason]),
    [[start, at('2025-05-06 10:45'), 839, 'cleared']],
  );
  // Without A002 the worst wait is exactly 30 min: nothing.
  assert.deepEqual(
    only(
      run(
        waits.filter((_, i) => i !== 1 && i !== 3),
        opts,
      ).transitions,
      WAIT,
    ),
    [],
  );
});

/** `n` tickets issued one second apart from `from`. */
function issue(n: number, from: number, prefix = 'B'): Step[] {
  return Array.from({ length: n }, (_, i) =>
    ev('ticket_issued', `${prefix}${String(i + 1).padStart(3, '0')}`, from + i * S),
  );
}

test('queue length: 30 waiting is not an excursion; 31 for 10 min is, and a call back to 30 clears it', () => {
  const t0 = at('2025-05-06 10:00');
  const start = t0 + 30 * S; // the 31st ticket
  // 30 waiting for an hour: nothing.
  assert.deepEqual(only(run([...issue(30, t0), { advance: at('2025-05-06 11:00') }], opts).transitions, LEN), []);
  // 31 waiting, one called 1 s before the 10 minutes are up: nothing.
  const short = run(
    [...issue(31, t0), ev('ticket_called', 'B001', start + 10 * MIN - S), { advance: at('2025-05-06 11:00') }],
    opts,
  );
  assert.deepEqual(only(short.transitions, LEN), []);
  // 31 waiting, one called 15 min later: raised when the 10 minutes are up, cleared at the call.
  const long = run(
    [...issue(31, t0), ev('ticket_called', 'B001', start + 15 * MIN), { advance: at('2025-05-06 11:00') }],
    opts,
  );
  const l = only(long.transitions, LEN);
  assert.deepEqual(facts(l), [
    ['raise', start + 10 * MIN, iso(start), 31],
    ['clear', start + 15 * MIN, iso(start), 31],
  ]);
  assert.equal(l[0]!.alarm.id, `demo:${LEN}:${Q}:${start}`);
  assert.deepEqual(
    long.excursions.filter((e) => e.rule === LEN).map((e) => [e.durationS, e.peak, e.limit, e.endReason]),
    [[900, 31, 30, 'cleared']],
  );
  // Exactly 10 minutes counts ("for >= 10 min").
  const exact = run([...issue(31, t0), ev('ticket_called', 'B001', start + 10 * MIN)], opts);
  assert.deepEqual(
    facts(only(exact.transitions, LEN)).map((f) => f[0]),
    ['raise', 'clear'],
  );
});

test('events shuffled within the late bound give the same alarms as in order', () => {
  const t0 = at('2025-05-06 10:00');
  const steps = [
    ...byTs([...waits, ...issue(31, t0 + 2 * MIN, 'C'), ev('ticket_called', 'C001', t0 + 20 * MIN)]),
    { advance: at('2025-05-06 12:00') },
  ];
  const inOrder = run(steps, opts);
  assert.ok(
    only(inOrder.transitions, WAIT).length > 0 && only(inOrder.transitions, LEN).length > 0,
    'the scenario raises both rules',
  );
  // The queue rules' own alarms (the hall's other detectors judge the hour by the watermark, which the
  // late bound moves).
  const queueOnly = (ts: Transition[]) => canonical([...only(ts, WAIT), ...only(ts, LEN)]);
  for (const seed of [1, 7, 42]) {
    const shuffled = run(shuffleWithinBound(steps, seed));
    assert.deepEqual(queueOnly(shuffled.transitions), queueOnly(inOrder.transitions), `seed ${seed}`);
  }
});

test('a restart in the middle of the 10 minutes resumes the duration and the waiting tickets', () => {
  const t0 = at('2025-05-06 10:00');
  const start = t0 + 30 * S;
  const steps: Step[] = [
    ...issue(31, t0),
    { advance: start + 4 * MIN },
    { advance: start + 12 * MIN },
    ev('ticket_called', 'B001', start + 13 * MIN),
  ];
  const whole = run(steps, opts);
  const restarted = runWithRestart(steps, 32, opts);
  assert.deepEqual(canonical(restarted.transitions), canonical(whole.transitions));
  assert.deepEqual(facts(only(restarted.transitions, LEN)), [
    ['raise', start + 10 * MIN, iso(start), 31],
    ['clear', start + 13 * MIN, iso(start), 31],
  ]);
  // B001 was issued before the restart and waited 13 min 30 s: the restored queue matched its call.
  assert.deepEqual(only(restarted.transitions, WAIT), []);
});

const ruleOf = (r: ReturnType<typeof run>, key: string) => r.engine.rules.find((x) => x.key === key) as QueueWaitRule;

test('closing time ends open excursions and drops tickets never called (abandoned at close)', () => {
  const close = at('2025-05-06 17:00');
  const t0 = at('2025-05-06 16:45');
  const steps: Step[] = [
    ev('ticket_issued', 'D001', at('2025-05-06 16:00')),
    ev('ticket_called', 'D001', at('2025-05-06 16:40')),
    ...issue(31, t0),
    { advance: close + MIN },
    // The next morning a new ticket waits 5 min: the 31 of yesterday are not still "waiting".
    ev('ticket_issued', 'E001', at('2025-05-07 09:00')),
    ev('ticket_called', 'E001', at('2025-05-07 09:05')),
    { advance: at('2025-05-07 10:00') },
  ];
  const r = run(steps, opts);
  const start = t0 + 30 * S;
  assert.deepEqual(facts(only(r.transitions, LEN)), [
    ['raise', start + 10 * MIN, iso(start), 31],
    ['clear', close, iso(start), 31],
  ]);
  assert.deepEqual(facts(only(r.transitions, WAIT)), [
    ['raise', at('2025-05-06 16:40'), iso(at('2025-05-06 16:40')), 2400],
    ['clear', close, iso(at('2025-05-06 16:40')), 2400],
  ]);
  const ends = r.excursions
    .filter((e: Excursion) => e.rule.startsWith('queue'))
    .map((e) => `${e.rule} ${e.end} ${e.endReason}`);
  assert.deepEqual(ends.sort(), [`${LEN} ${close} closing`, `${WAIT} ${close} closing`]);
  const stats = ruleOf(r, `${LEN}:${Q}`).queueStats();
  assert.deepEqual(stats, { waiting: 0, abandonedAtClose: { '2025-05-06': 31 }, unmatched: 0 });
  // Pending (under 10 min) at closing: no alarm at all. 31 tickets from 16:52 reach closing after 7.5 min.
  assert.deepEqual(
    only(run([...issue(31, at('2025-05-06 16:52')), { advance: close + MIN }], opts).transitions, LEN),
    [],
  );
});

test('calls are matched to issues by ticket number, not first in first out', () => {
  // Driven directly (a pure unit test of the kind), with the ticket numbers on the events.
  const engine = makeEngine(opts);
  const rule = engine.rules.find((x) => x.key === `${WAIT}:${Q}`)!;
  const got: Transition[] = [];
  const out: Out = {
    transition: (t) => got.push(t),
    excursion: () => {},
    gap: () => {},
    fault: () => {},
    followup: () => {},
  };
  const feed = (type: EventType, ticket: string, ts: number) => {
    rule.time(ts, out);
    rule.event!({ device: Q, type, ticket, ts }, out);
  };
  feed('ticket_issued', 'A001', at('2025-05-06 10:00'));
  feed('ticket_issued', 'A002', at('2025-05-06 10:05'));
  feed('ticket_called', 'A002', at('2025-05-06 10:34')); // 29 min (first in first out would say A001, 34 min)
  assert.deepEqual(got, []);
  feed('ticket_called', 'A001', at('2025-05-06 10:35')); // 35 min
  assert.deepEqual(facts(got), [['raise', at('2025-05-06 10:35'), iso(at('2025-05-06 10:35')), 2100]]);
  feed('ticket_called', 'A009', at('2025-05-06 10:36')); // never issued: counted, not judged
  assert.equal((rule as QueueWaitRule).queueStats().unmatched, 1);
  assert.equal(got.length, 1);
});

test('through the engine, calls out of issue order are matched by ticket number', () => {
  // A002 is called first after 29 min (first in first out would call it A001 after 34 min: an
  // excursion); A001 is then called after 35 min, which is the one excursion.
  const steps: Step[] = [
    ev('ticket_issued', 'A001', at('2025-05-06 10:00')),
    ev('ticket_issued', 'A002', at('2025-05-06 10:05')),
    ev('ticket_called', 'A002', at('2025-05-06 10:34')),
    ev('ticket_called', 'A001', at('2025-05-06 10:35')),
  ];
  const r = run(steps, opts);
  const waitRaises = r.transitions.filter((t) => t.alarm.rule === WAIT && t.type === 'raise');
  assert.deepEqual(
    waitRaises.map((t) => [t.atMs, t.alarm.peak]),
    [[at('2025-05-06 10:35'), 2100]],
  );
});
