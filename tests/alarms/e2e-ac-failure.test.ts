// End to end, machine room AC failure (clause 5.2.2): simulated Modbus transmitters on a socat pty
// heat past 27 °C and 32 °C on a fast SimClock; the edge's live rules raise the warning and the
// critical alarm, the server stores them, the network administrator's WeCom robot (test receiver)
// gets them, GET /api/alarms shows them, and both clear after the repair.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { waitFor } from '../helpers/wait.ts';
import { daysAgo, shanghai, startE2E } from './e2e.ts';

test('machine-room AC failure raises, notifies and clears end to end', { timeout: 120_000 }, async (t) => {
  const incidentAt = shanghai(daysAgo(2), '14:00');
  const e = await startE2E({
    scenario: 'machine-room-ac-failure',
    start: incidentAt - 2 * 60_000,
    incidentAt,
    speed: 100,
    serial: true,
  });
  t.onTestFinished(() => e.stop());
  const find = (as: any[], rule: string, state: string) =>
    as.find((a) => a.rule === rule && a.sensor === 'mr-th-1' && a.state === state);

  const raised = await waitFor(
    async () => find(await e.alarms(), 'mr-temperature-critical', 'raised'),
    'the critical machine-room alarm in GET /api/alarms',
    60_000,
    250,
  );
  assert.equal(raised.clause, '5.2.2');
  assert.equal(raised.severity, 'critical');
  assert.ok(raised.peak > 32);
  assert.ok(Date.parse(raised.startedAt) > incidentAt, 'started after the AC failed (simulated event time)');
  const warning =
    find(await e.alarms(), 'mr-temperature', 'raised') ?? find(await e.alarms(), 'mr-temperature', 'cleared');
  assert.ok(warning, 'the 27 °C warning too');
  assert.ok(Date.parse(warning.startedAt) < Date.parse(raised.startedAt));

  await waitFor(
    () =>
      e.rx.hits.some(
        (h) =>
          h.path === '/wecom' &&
          /【告警】机房管理（5\.2\.2）/.test(h.body.markdown.content) &&
          /mr-th-1/.test(h.body.markdown.content),
      ),
    'the WeCom notice',
    20_000,
  );
  const wecom = e.rx.hits.find((h) => h.path === '/wecom')!;
  assert.deepEqual(Object.keys(wecom.body).sort(), ['markdown', 'msgtype']);
  assert.deepEqual(Object.keys(wecom.body.markdown), ['content']);
  assert.equal(
    e.rx.hits.filter((h) => h.path === '/dingtalk').length,
    0,
    'machine-room alarms do not go to the hall manager',
  );

  const cleared = await waitFor(
    async () => find(await e.alarms(), 'mr-temperature', 'cleared'),
    'the warning cleared after the repair',
    60_000,
    250,
  );
  assert.ok(Date.parse(cleared.clearedAt) > Date.parse(cleared.startedAt));
  assert.equal(
    find(await e.alarms(), 'mr-temperature-critical', 'cleared')?.id,
    raised.id,
    'the critical alarm cleared too, same id',
  );
  await waitFor(
    () => e.rx.hits.some((h) => h.path === '/generic' && h.body.event === 'cleared' && h.body.alarm.id === cleared.id),
    'the clear notice',
  );
});
