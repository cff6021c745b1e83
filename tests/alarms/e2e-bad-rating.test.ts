// End to end with MQTT counter devices on a fast SimClock (about two simulated days): a bad rating
// goes evaluator -> edge -> server, where the follow-up is tracked ("1、5、15", DB31/T 862-2021
// 10.1.3: people answer and resolve follow-ups on the server). Left unanswered past its 1-working-day
// deadline it raises the 10.1.3 alarm, which is stored and notified; resolving it over the API clears it.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { nextDay, shippedCalendar } from '@hallmon/firmware-config';
import { waitFor } from '../helpers/wait.ts';
import { daysAgo, shanghai, startE2E } from './e2e.ts';

test(
  'a bad rating left unanswered raises the follow-up alarm after its deadline; resolving clears it',
  { timeout: 120_000 },
  async (t) => {
    const cal = shippedCalendar();
    let day = daysAgo(9);
    while (!(cal.isWorkingDay(day) && cal.isWorkingDay(nextDay(day)))) day = nextDay(day);
    const incidentAt = shanghai(day, '10:15');
    const e = await startE2E({
      scenario: 'bad-rating-unanswered',
      start: incidentAt - 60_000,
      incidentAt,
      speed: 5_000,
      counter: true,
    });
    t.onTestFinished(() => e.stop());
    const followupId = `demo:eval-w02:${new Date(incidentAt).toISOString()}`;
    const raised = await waitFor(
      async () => (await e.alarms()).find((a) => a.id === `${followupId}:response`),
      'the follow-up alarm of the bad rating',
      80_000,
      250,
    );
    assert.equal(raised.clause, '10.1.3');
    assert.equal(raised.rule, 'bad-rating-followup');
    assert.equal(raised.sensor, 'eval-w02');
    assert.equal(raised.peak, 1, 'the score');
    // Due at the end of the next working day (the arrival day does not count).
    assert.ok(
      Date.parse(raised.startedAt) >= shanghai(nextDay(day), '00:00'),
      'raised only once the answer day had passed',
    );
    await waitFor(
      () => e.rx.hits.find((h) => h.path === '/generic' && h.body.alarm.id === raised.id && h.body.event === 'raised'),
      'the generic notice',
    );
    assert.ok(e.rx.hits.some((h) => h.path === '/dingtalk' && /10\.1\.3/.test(h.body.markdown.title)));

    const listed = await e.server.get<{ id: string; state: string }[]>('/api/followups?site=demo&state=open', e.token);
    assert.ok(
      listed.body.some((f) => f.id === followupId),
      'the open follow-up is listed',
    );
    const res = await e.server.post(
      `/api/followups/${encodeURIComponent(followupId)}`,
      { action: 'resolve', note: 'called the resident back; fixed' },
      e.token,
    );
    assert.equal(res.status, 200);
    const cleared = await waitFor(
      async () => (await e.alarms()).find((a) => a.id === raised.id && a.state === 'cleared'),
      'the cleared follow-up alarm',
      30_000,
      250,
    );
    assert.ok(cleared.clearedAt);
  },
);
