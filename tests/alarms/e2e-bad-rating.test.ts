// End to end with MQTT counter devices on a fast SimClock (about two simulated days): a bad rating
// left unanswered raises the 10.1.3 follow-up alarm on the edge once its 1-working-day deadline has
// passed, the server stores and notifies it, and resolving the follow-up clears the alarm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkingCalendar, nextDay } from '@hallmon/firmware-config';
import { waitFor } from '../helpers/wait.ts';
import { daysAgo, shanghai, startE2E } from './e2e.ts';

test('a bad rating left unanswered raises the follow-up alarm after its deadline; resolving clears it', { timeout: 120_000 }, async (t) => {
  const cal = WorkingCalendar.shipped();
  let day = daysAgo(9);
  while (!(cal.isWorkingDay(day) && cal.isWorkingDay(nextDay(day)))) day = nextDay(day);
  const incidentAt = shanghai(day, '10:15');
  const e = await startE2E({ scenario: 'bad-rating-unanswered', start: incidentAt - 60_000, incidentAt, speed: 5_000, counter: true });
  t.after(() => e.stop());
  const mine = (as: any[]) => as.find((a) => a.rule === 'bad-rating-followup' && a.sensor === 'eval-w02' && Date.parse(a.startedAt) === incidentAt);
  const raised = await waitFor(async () => mine(await e.alarms()), 'the follow-up alarm of the bad rating', 80_000, 250);
  assert.equal(raised.clause, '10.1.3');
  assert.equal(raised.peak, 1, 'the score');
  assert.match(raised.message, /answer overdue/);
  assert.ok(Date.parse(raised.ts) >= shanghai(nextDay(nextDay(day)), '00:00'), 'raised only once the answer day had passed');
  await waitFor(() => e.rx.hits.find((h) => h.path === '/generic' && h.body.alarm.id === raised.id && h.body.event === 'raised'), 'the generic notice');
  assert.ok(e.rx.hits.some((h) => h.path === '/dingtalk' && /10\.1\.3/.test(h.body.markdown.title)));

  const resolved = e.rules.resolveFollowup(`demo:eval-w02:${incidentAt}`, 'resolved');
  assert.ok(resolved && resolved.length === 1, 'the follow-up was open and its alarm clears');
  const cleared = await waitFor(async () => (await e.alarms()).find((a) => a.id === raised.id && a.state === 'cleared'), 'the cleared follow-up alarm', 30_000, 250);
  assert.ok(cleared.clearedAt);
});
