// End to end with MQTT counter devices (simulated evaluators and the queue machine publishing to
// the edge's device broker) on a fast SimClock: the W03 evaluator going offline in opening hours
// raises the 1.2.1 device fault on the edge, the server stores and notifies it, and it clears when
// the evaluator is back.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/wait.ts';
import { daysAgo, shanghai, startE2E } from './e2e.ts';

test(
  'evaluator offline raises the 1.2.1 fault, notifies and clears when it is back',
  { timeout: 120_000 },
  async (t) => {
    const incidentAt = shanghai(daysAgo(2), '10:00');
    const e = await startE2E({
      scenario: 'evaluator-offline',
      start: incidentAt - 60_000,
      incidentAt,
      speed: 60,
      counter: true,
    });
    t.onTestFinished(() => e.stop());
    const offline = (as: any[]) => as.find((a) => a.rule === 'device-offline' && a.sensor === 'eval-w03');
    const raised = await waitFor(async () => offline(await e.alarms()), 'the device-offline alarm', 60_000, 250);
    assert.equal(raised.clause, '1.2.1');
    assert.ok(
      Math.abs(Date.parse(raised.startedAt) - incidentAt) < 5 * 60_000,
      'it started when the evaluator went away (event time)',
    );
    await waitFor(
      () =>
        e.rx.hits.find(
          (h) =>
            h.path === '/dingtalk' && /1\.2\.1/.test(h.body.markdown.title) && /eval-w03/.test(h.body.markdown.text),
        ),
      'the DingTalk notice',
    );
    const cleared = await waitFor(
      async () => (await e.alarms()).find((a) => a.id === raised.id && a.state === 'cleared'),
      'the fault cleared when the evaluator reconnected',
      60_000,
      250,
    );
    assert.ok(Date.parse(cleared.clearedAt) >= incidentAt + 25 * 60_000, 'cleared after the 30-minute outage');
  },
);
