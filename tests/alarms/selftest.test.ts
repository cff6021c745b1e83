// Self-test through the real path: POST /api/selftest raises a TEST alarm (rule/clause 'selftest',
// warning, marked 【测试】), stores it, pushes it live, delivers it to every route, clears it and
// records the outcome, listed by GET /api/selftest; `hallmon selftest` prints it; a dead route makes
// the record say FAILED; the hall role may not run it; the schedule rule is checked on its own.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { startTestServer } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';
import { run } from '../../server/src/selftest-cli.ts';
import { selftestDue } from '../../server/src/selftest-schedule.ts';
import { demoWith, routes, startReceiver } from './harness.ts';

test(
  'self-test raises, delivers to the webhook receiver, clears and records the outcome',
  { timeout: 90_000 },
  async (t) => {
    const rx = await startReceiver();
    t.onTestFinished(() => rx.stop());
    const server = await startTestServer({
      sites: demoWith({ notifications: routes(rx.url) }),
      notifyRetry: { tries: 3, baseDelayMs: 20, timeoutMs: 2000 },
    });
    t.onTestFinished(() => server.stop());
    const token = await server.login();
    const live = io(server.url, {
      auth: { token },
      query: { site: 'demo' },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    t.onTestFinished(() => {
      live.close();
    });
    const pushed: { id: string; state: string; rule: string }[] = [];
    live.on('alarm', (m) => pushed.push(m));
    await waitFor(() => live.connected, 'socket.io connected');

    const res = await server.post<any>('/api/selftest?site=demo', undefined, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body;
    assert.equal(r.ok, true, JSON.stringify(r.failures));
    assert.equal(r.trigger, 'api');
    assert.equal(r.user, 'admin');
    assert.deepEqual([...r.routes].sort(), ['all-generic', 'hall-dingtalk', 'netadmin-wecom']);
    assert.equal(r.deliveries.length, 6, 'raise and clear to each of 3 routes');
    assert.ok(r.deliveries.every((d: { delivered: boolean; deliveredAt: number }) => d.delivered && d.deliveredAt > 0));
    assert.ok(r.raisedAt && r.clearedAt);

    // the receiver got the bodies, each marked as a test
    assert.equal(rx.hits.length, 6);
    const wecom = rx.hits.filter((h) => h.path === '/wecom');
    assert.equal(wecom.length, 2);
    assert.match(wecom[0]!.body.markdown.content, /^\*\*【测试】【告警】系统自检（selftest）\*\*/);
    assert.match(wecom[1]!.body.markdown.content, /【测试】【已恢复】/);
    const ding = rx.hits.filter((h) => h.path === '/dingtalk');
    assert.match(ding[0]!.body.markdown.title, /【测试】/);
    assert.ok(ding[0]!.query.get('sign'));
    const generic = rx.hits.filter((h) => h.path === '/generic').map((h) => h.body);
    assert.deepEqual(
      generic.map((b) => [b.event, b.test, b.alarm.rule, b.alarm.clause, b.alarm.severity]),
      [
        ['raised', true, 'selftest', 'selftest', 'warning'],
        ['cleared', true, 'selftest', 'selftest', 'warning'],
      ],
    );

    // stored (raised then cleared, in history) and pushed live
    const alarms = await server.get<any[]>('/api/alarms?site=demo&state=all', token);
    const stored = alarms.body.find((a) => a.id === r.alarmId);
    assert.equal(stored.state, 'cleared');
    assert.equal(stored.rule, 'selftest');
    assert.match(stored.message, /测试/);
    await waitFor(() => pushed.some((p) => p.id === r.alarmId && p.state === 'cleared'), 'the live clear');
    assert.ok(pushed.some((p) => p.id === r.alarmId && p.state === 'raised'));

    // listed for the evidence
    const list = await server.get<any[]>('/api/selftest?site=demo', token);
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].id, r.id);

    // the CLI against the same server
    const lines: string[] = [];
    const code = await run(
      ['--site', 'demo', '--url', server.url, '--username', 'admin', '--password', 'test-admin-password'],
      (s) => lines.push(s),
    );
    assert.equal(code, 0, lines.join('\n'));
    assert.match(lines[0]!, /PASSED/);
    assert.equal(lines.filter((l) => /delivered/.test(l)).length, 6);
    assert.equal((await server.get<any[]>('/api/selftest?site=demo', token)).body.length, 2);

    // roles: hall may not run a self-test
    await server.addUser('hallmgr', 'hall');
    const hallToken = await server.login('hallmgr', 'hallmgr-password');
    assert.equal((await server.post('/api/selftest?site=demo', undefined, hallToken)).status, 403);
  },
);

test('a self-test whose route is dead is recorded as FAILED with the reason', { timeout: 60_000 }, async (t) => {
  const rx = await startReceiver();
  const dead = rx.url;
  await rx.stop();
  const server = await startTestServer({
    sites: demoWith({ notifications: [{ id: 'gone', url: `${dead}/g`, format: 'generic' }] }),
    notifyRetry: { tries: 2, baseDelayMs: 10, timeoutMs: 1000 },
  });
  t.onTestFinished(() => server.stop());
  const token = await server.login();
  const res = await server.post<any>('/api/selftest?site=demo', undefined, token);
  assert.equal(res.status, 200);
  assert.equal(res.body.ok, false);
  assert.ok(
    res.body.failures.some((f: string) => /route gone \(raised\)/.test(f)),
    JSON.stringify(res.body.failures),
  );
  assert.equal(res.body.deliveries.filter((d: { delivered: boolean }) => !d.delivered).length, 2);
  assert.equal((await server.post('/api/selftest?site=nowhere', undefined, token)).status, 404);
  assert.equal((await server.post('/api/selftest?site=demo', undefined, 'not-a-token')).status, 401);
});

test('the self-test schedule: due in the half hour after the site-local time, every N days', () => {
  const tz = 'Asia/Shanghai';
  const at = (s: string) => Date.parse(`${s}+08:00`);
  const sch = { everyDays: 7, at: '10:00' };
  assert.equal(selftestDue(sch, tz, null, at('2025-05-06T09:59:00')), false);
  assert.equal(selftestDue(sch, tz, null, at('2025-05-06T10:00:00')), true);
  assert.equal(selftestDue(sch, tz, null, at('2025-05-06T10:31:00')), false);
  assert.equal(
    selftestDue(sch, tz, at('2025-05-06T10:00:30'), at('2025-05-07T10:01:00')),
    false,
    'a day later: not yet',
  );
  assert.equal(selftestDue(sch, tz, at('2025-05-06T10:00:30'), at('2025-05-13T10:00:00')), true, 'seven days later');
});
