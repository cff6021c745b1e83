// The pure "1、5、15" deadlines shared by the rule kind and the server's follow-up tracker, checked
// against the official 2025 calendar: the National Day holiday (10-01..10-08) and its 调休 Saturday
// (10-11) and Sunday (09-28); the day a rating arrives does not count (DB31/T 862-2021 10.1.3).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { shippedCalendar } from '@hallmon/firmware-config';
import { followupDeadlines, Schedule } from '@hallmon/rules';

const cal = shippedCalendar();
const schedule = new Schedule('Asia/Shanghai', []); // opening hours play no part in deadlines
const params = { badScoreMax: 2, responseWorkingDays: 1, simpleWorkingDays: 5, complexWorkingDays: 15 };
const sh = (local: string) => Date.parse(`${local}+08:00`);

test('a rating on the eve of National Day: answered after the holiday, the 调休 Saturday counts', () => {
  const d = followupDeadlines(sh('2025-09-30T10:00:00'), schedule, cal, params);
  assert.equal(d.day, '2025-09-30');
  assert.equal(d.answerDeadline, '2025-10-09', '10-01..10-08 are holidays');
  assert.equal(d.answerMs, sh('2025-10-10T00:00:00'), 'overdue from the start of the next day, Shanghai time');
  assert.equal(d.simpleDeadline, '2025-10-14', '10-09, 10-10, Sat 10-11 (worked), 10-13, 10-14');
  assert.equal(d.complexDeadline, '2025-10-28');
  assert.equal(d.complexMs, sh('2025-10-29T00:00:00'));
});

test('a rating on Friday before the 调休 Saturday must be answered on that Saturday', () => {
  const d = followupDeadlines(sh('2025-10-10T16:59:00'), schedule, cal, params);
  assert.equal(d.answerDeadline, '2025-10-11');
  assert.equal(d.answerMs, sh('2025-10-12T00:00:00'));
  assert.equal(d.simpleDeadline, '2025-10-16', 'Sat 10-11, 10-13, 10-14, 10-15, 10-16');
});

test('a rating on a rest day: the next working day is the 调休 Sunday 09-28', () => {
  const d = followupDeadlines(sh('2025-09-27T11:00:00'), schedule, cal, params);
  assert.equal(d.day, '2025-09-27');
  assert.equal(d.answerDeadline, '2025-09-28');
  assert.equal(d.simpleDeadline, '2025-10-10', '09-28, 09-29, 09-30, 10-09, 10-10');
});

test('the arrival day is the site-local day, not the UTC one', () => {
  // 2025-09-29T16:30Z is 00:30 on 09-30 in Shanghai.
  const d = followupDeadlines(Date.parse('2025-09-29T16:30:00Z'), schedule, cal, params);
  assert.equal(d.day, '2025-09-30');
  assert.equal(d.answerDeadline, '2025-10-09');
});

test('parameters change the limits', () => {
  const d = followupDeadlines(sh('2025-09-30T10:00:00'), schedule, cal, {
    responseWorkingDays: 2,
    simpleWorkingDays: 3,
    complexWorkingDays: 4,
  });
  assert.equal(d.answerDeadline, '2025-10-10');
  assert.equal(d.simpleDeadline, '2025-10-11');
  assert.equal(d.complexDeadline, '2025-10-13');
});
