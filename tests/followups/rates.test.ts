// The follow-up rates the assessment scores (2025 standard 6.1.3 按时回复率, 6.1.4 整改完成率, 6.1.5
// 回访满意率; DB31/T 862-2021 10.1.4 实名差评回复率) on hand-made ratings around the 2025 National Day
// holiday, with deadlines from the official calendar (the 调休 Sunday 09-28 and Saturday 10-11 are
// working days) and the answers counted by hand.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { shippedCalendar } from '@hallmon/firmware-config';
import { followupDeadlines, Schedule } from '@hallmon/rules';
import { followupRate, type RateItem } from '../../server/src/followups/rates.ts';

const cal = shippedCalendar();
const schedule = new Schedule('Asia/Shanghai', []);
const params = { badScoreMax: 2, responseWorkingDays: 1, simpleWorkingDays: 5, complexWorkingDays: 15 };
const sh = (local: string) => Date.parse(`${local}+08:00`);

function item(
  ratedAt: string,
  o: {
    responded?: string;
    resolved?: string;
    complex?: boolean;
    realName?: boolean;
    reached?: Array<[string, boolean]>;
  } = {},
): RateItem {
  const d = followupDeadlines(sh(ratedAt), schedule, cal, params);
  return {
    ratedAt: sh(ratedAt),
    answerDue: d.answerMs,
    fixDue: o.complex ? d.complexMs : d.simpleMs,
    respondedAt: o.responded ? sh(o.responded) : null,
    resolvedAt: o.resolved ? sh(o.resolved) : null,
    realName: o.realName ?? false,
    reached: (o.reached ?? []).map(([at, satisfied]) => ({ at: sh(at), satisfied })),
  };
}

// R1 Tue 09-30: answer by 10-09 (10-01..10-08 off), fix by 10-14; both in time.
const r1 = item('2025-09-30T10:00:00', {
  responded: '2025-10-09T23:59:59',
  resolved: '2025-10-14T16:00:00',
  realName: true,
  reached: [['2025-10-20T10:00:00', true]],
});
// R2 Fri 10-10 16:59: answer by Sat 10-11 (a 调休 working day); answered Mon 10-13: late. Fix by 10-16
// (10-11, 13, 14, 15, 16); fixed 10-17: late. Called back: no answer, then reached and dissatisfied.
const r2 = item('2025-10-10T16:59:00', {
  responded: '2025-10-13T09:00:00',
  resolved: '2025-10-17T10:00:00',
  reached: [['2025-10-19T10:00:00', false]],
});
// R3 Sat 09-27: answer by Sun 09-28 (调休); answered 09-28 18:00. Complex: fix by 10-23 (15 working
// days: 09-28, 29, 30, 10-09, 10, 11, 13, 14, 15, 16, 17, 20, 21, 22, 23); never fixed.
// Dissatisfied at the first callback, satisfied at the second: the last one counts.
const r3 = item('2025-09-27T11:00:00', {
  responded: '2025-09-28T18:00:00',
  complex: true,
  reached: [
    ['2025-10-15T10:00:00', false],
    ['2025-10-25T10:00:00', true],
  ],
});
// R4 Mon 10-27, real-name: answer by 10-28, never answered; fix due 11-03 (after the judged instant).
// A callback after the judged instant does not count yet.
const r4 = item('2025-10-27T10:00:00', { realName: true, reached: [['2025-11-02T10:00:00', true]] });
// R5 Thu 10-30: answer due by the end of 10-31, not yet passed at the judged instant: counted nowhere.
const r5 = item('2025-10-30T10:00:00');
// R6 Mon 10-20: answered at the very instant the answer day ends (00:00 on 10-22): still in time.
const r6 = item('2025-10-20T10:00:00', { responded: '2025-10-22T00:00:00', resolved: '2025-10-27T09:00:00' });

const until = sh('2025-10-31T12:00:00');
const all = [r1, r2, r3, r4, r5, r6];

test('the deadlines the items carry are the official calendar’s (調休 days worked)', () => {
  assert.equal(r2.answerDue, sh('2025-10-12T00:00:00'), 'Fri 10-10 → Sat 10-11 is the answer day');
  assert.equal(r3.answerDue, sh('2025-09-29T00:00:00'), 'Sat 09-27 → Sun 09-28 is the answer day');
  assert.equal(r3.fixDue, sh('2025-10-24T00:00:00'), 'complex: 15 working days end on 10-23');
  assert.equal(r1.answerDue, sh('2025-10-10T00:00:00'));
});

test('on-time reply rate: R1, R3 and R6 in time, R2 late, R4 never; R5 not yet due → 3 of 5', () => {
  assert.deepEqual(followupRate('on-time-reply', all, until), {
    measure: 'on-time-reply',
    numerator: 3,
    denominator: 5,
    rate: 60,
  });
});

test('rectification rate: R1 and R6 fixed in time, R2 late, R3 complex and overdue; R4, R5 not due → 2 of 4', () => {
  assert.deepEqual(followupRate('rectification', all, until), {
    measure: 'rectification',
    numerator: 2,
    denominator: 4,
    rate: 50,
  });
});

test('callback satisfaction: R1 yes, R2 no, R3 yes at its last callback; R4 called after the judged instant → 2 of 3', () => {
  assert.deepEqual(followupRate('callback-satisfaction', all, until), {
    measure: 'callback-satisfaction',
    numerator: 2,
    denominator: 3,
    rate: 66.7,
  });
  // Judged after R4's callback, it counts: 3 of 4.
  assert.equal(followupRate('callback-satisfaction', all, sh('2025-11-03T00:00:00')).rate, 75);
});

test('real-name reply rate: R1 answered, R4 not → 1 of 2; nothing due → no rate', () => {
  assert.deepEqual(followupRate('real-name-reply', all, until), {
    measure: 'real-name-reply',
    numerator: 1,
    denominator: 2,
    rate: 50,
  });
  assert.equal(followupRate('real-name-reply', [r5], until).rate, null);
  // An answer recorded after the judged instant is not an answer yet.
  assert.equal(followupRate('on-time-reply', [r2], sh('2025-10-13T08:00:00')).rate, 0);
  assert.equal(followupRate('on-time-reply', [r2], sh('2025-10-11T23:00:00')).denominator, 0);
});
