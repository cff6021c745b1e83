// The follow-up API against a real server (SQLite, embedded broker; ratings published over MQTT as
// the demo gateway): GET lists for any role, POST by hall records who and when, assessor 403, a bad
// body 400 naming the field, unknown id 404; a missed deadline reaches /api/alarms and clears.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import type { Followup as FollowupJson } from '@hallmon/contract';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';

type Err = { error: string; message: string };
type Alarm = { id: string; state: string; clause: string; rule: string };

test('follow-up API: list, steps by role, validation, alarms through the hub', { timeout: 90_000 }, async (t) => {
  const clock = { t: Date.now() };
  const server = await startTestServer({ clock: { now: () => clock.t } });
  t.onTestFinished(() => server.stop());
  await server.addUser('assessor1', 'assessor');
  await server.addUser('hall1', 'hall');
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));
  const admin = await server.login();
  const hall = await server.login('hall1', 'hall1-password');
  const assessor = await server.login('assessor1', 'assessor1-password');

  const ts = Math.floor((Date.now() - 600_000) / 1000) * 1000;
  const events = [
    { device: 'eval-w03', type: 'rating', score: 2, window: 'W03', ts },
    { device: 'eval-w01', type: 'rating', score: 5, window: 'W01', ts: ts + 1_000 },
  ];
  await gw.publishAsync('hallmon/v1/demo/events', JSON.stringify(events), { qos: 1 });
  await gw.publishAsync('hallmon/v1/demo/events', JSON.stringify(events), { qos: 1 }); // redelivery
  const id = `demo:eval-w03:${new Date(ts).toISOString()}`;

  const listed = await waitFor(
    async () => {
      const r = await server.get<FollowupJson[]>('/api/followups?site=demo', assessor);
      return r.status === 200 && r.body.length ? r.body : undefined;
    },
    'the follow-up of the bad rating',
    20_000,
    100,
  );
  assert.equal(listed.length, 1);
  assert.equal(listed[0]!.id, id);
  assert.equal(listed[0]!.state, 'open');
  assert.equal(listed[0]!.window, 'W03');
  assert.equal(listed[0]!.respondedAt, null);
  assert.ok(
    Date.parse(listed[0]!.responseDue) > ts && Date.parse(listed[0]!.simpleDue) > Date.parse(listed[0]!.responseDue),
  );

  assert.equal((await server.get('/api/followups?site=demo')).status, 401);
  assert.equal((await server.get('/api/followups?site=nowhere', admin)).status, 404);
  const badState = await server.get<Err>('/api/followups?site=demo&state=closed', admin);
  assert.equal(badState.status, 400);
  assert.match(badState.body.message, /state/);

  const path = `/api/followups/${encodeURIComponent(id)}`;
  const denied = await server.post<Err>(path, { action: 'respond', note: '' }, assessor);
  assert.equal(denied.status, 403);
  const badAction = await server.post<Err>(path, { action: 'close', note: '' }, hall);
  assert.equal(badAction.status, 400);
  assert.match(badAction.body.message, /action/);
  const noNote = await server.post<Err>(path, { action: 'respond' }, hall);
  assert.equal(noNote.status, 400);
  assert.match(noNote.body.message, /note/);
  const unknown = await server.post<Err>(
    `/api/followups/${encodeURIComponent('demo:eval-w03:2020-01-01T00:00:00.000Z')}`,
    { action: 'respond', note: '' },
    hall,
  );
  assert.equal(unknown.status, 404);

  // Let the answer deadline pass unmet: the tracker's 1 s clock raises the alarm through the hub.
  clock.t = Date.parse(listed[0]!.responseDue) + 1_000;
  const raised = await waitFor(
    async () => {
      const r = await server.get<Alarm[]>('/api/alarms?site=demo&state=all', admin);
      return r.body.find((a) => a.id === `${id}:response`);
    },
    'the overdue answer alarm in the store',
    20_000,
    200,
  );
  assert.equal(raised.state, 'raised');
  assert.equal(raised.clause, '10.1.3');
  assert.equal(raised.rule, 'bad-rating-followup');

  const answered = await server.post<FollowupJson>(path, { action: 'respond', note: '已电话回复' }, hall);
  assert.equal(answered.status, 200);
  assert.equal(answered.body.state, 'responded');
  assert.equal(answered.body.respondedBy, 'hall1');
  assert.equal(answered.body.note, '已电话回复');
  await waitFor(
    async () => {
      const r = await server.get<Alarm[]>('/api/alarms?site=demo&state=all', admin);
      return r.body.find((a) => a.id === `${id}:response` && a.state === 'cleared');
    },
    'the cleared answer alarm',
    20_000,
    200,
  );

  const resolved = await server.post<FollowupJson>(path, { action: 'resolve', note: '' }, admin);
  assert.equal(resolved.status, 200);
  assert.equal(resolved.body.state, 'resolved');
  assert.equal(
    (await server.get<FollowupJson[]>('/api/followups?site=demo', hall)).body.length,
    0,
    'open list is empty',
  );
  const all = await server.get<FollowupJson[]>('/api/followups?site=demo&state=all', hall);
  assert.deepEqual(
    all.body.map((f) => [f.id, f.state, f.resolvedBy]),
    [[id, 'resolved', 'admin']],
  );
  assert.equal((await server.post<Err>(path, { action: 'respond', note: '' }, hall)).status, 409);

  // Callbacks (回访) are still taken on a resolved follow-up; each names its outcome, and only a
  // resident who was reached is satisfied or not.
  const noOutcome = await server.post<Err>(path, { action: 'callback', note: '' }, hall);
  assert.equal(noOutcome.status, 400);
  assert.match(noOutcome.body.message, /outcome/);
  const noVerdict = await server.post<Err>(path, { action: 'callback', note: '', outcome: 'reached' }, hall);
  assert.equal(noVerdict.status, 400);
  assert.match(noVerdict.body.message, /satisfied/);
  const stray = await server.post<Err>(path, { action: 'respond', note: '', outcome: 'reached' }, hall);
  assert.equal(stray.status, 400);
  assert.match(stray.body.message, /callback/);
  const early = await server.post<Err>(
    path,
    { action: 'callback', note: '', outcome: 'no-answer', at: new Date(ts - 60_000).toISOString() },
    hall,
  );
  assert.equal(early.status, 400);
  assert.match(early.body.message, /at/);
  assert.equal(
    (await server.post<Err>(path, { action: 'callback', note: '', outcome: 'no-answer', satisfied: true }, hall))
      .status,
    400,
  );
  const missed = await server.post<FollowupJson>(
    path,
    { action: 'callback', note: '无人接听', outcome: 'no-answer', at: new Date(clock.t - 3_600_000).toISOString() },
    hall,
  );
  assert.equal(missed.status, 200);
  assert.equal(missed.body.satisfied, null, 'nobody reached yet');
  const reached = await server.post<FollowupJson>(
    path,
    { action: 'callback', note: '对整改满意', outcome: 'reached', satisfied: true },
    hall,
  );
  assert.equal(reached.status, 200);
  assert.deepEqual(
    reached.body.callbacks.map((c) => [c.outcome, c.satisfied, c.by, c.note]),
    [
      ['no-answer', null, 'hall1', '无人接听'],
      ['reached', true, 'hall1', '对整改满意'],
    ],
  );
  assert.equal(reached.body.satisfied, true);
  assert.equal(
    (await server.post<Err>(path, { action: 'callback', note: '', outcome: 'reached', satisfied: false }, assessor))
      .status,
    403,
  );
  const audit = await server.get<Array<{ action: string; target: string; detail: Record<string, unknown> }>>(
    '/api/audit?site=demo',
    admin,
  );
  assert.ok(
    audit.body.some((e) => e.action === 'followup' && e.target === id && e.detail.outcome === 'reached'),
    'the callback is in the audit trail',
  );
});
