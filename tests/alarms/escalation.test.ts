// Escalation on a simulated clock (docs/alarms.md "Escalation"): a route's levels, each with its own
// recipients (a robot group per webhook level, addresses per e-mail level), the first at once, the
// second 20 minutes after the first notice while unacknowledged, the third after 90. Acknowledging
// stops it; an alarm that clears by itself is told to every level that heard, and no other. E-mail
// goes through a real SMTP exchange with a local receiver (smtp-server).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { topics, type AlarmRecord, type NotificationRoute } from '@hallmon/firmware-config';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { startSmtpReceiver } from '../helpers/smtp.ts';
import { waitFor } from '../helpers/wait.ts';
import { demoWith, startReceiver } from './harness.ts';

const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

function escalating(base: string): NotificationRoute[] {
  return [
    {
      id: 'netadmin-robots',
      format: 'wecom',
      zoneKinds: ['machine-room'],
      levels: [
        { afterS: 0, url: `${base}/l1?key=K1`, name: '网管群' },
        { afterS: 1200, url: `${base}/l2?key=K2`, name: '中心主任群' },
        { afterS: 5400, url: `${base}/l3?key=K3`, name: '区运维群' },
      ],
    },
    {
      id: 'netadmin-mail',
      format: 'email',
      zoneKinds: ['machine-room'],
      levels: [
        { afterS: 0, to: ['netadmin@qp.example.cn'] },
        { afterS: 1200, to: ['director@qp.example.cn', 'deputy@qp.example.cn'] },
        { afterS: 5400, to: ['district@qp.example.cn'] },
      ],
    },
  ];
}

test('escalation reaches level 2 on a simulated clock, stops on ack; a self-clearing alarm tells every level that heard', async (t) => {
  const rx = await startReceiver();
  t.onTestFinished(() => rx.stop());
  const smtp = await startSmtpReceiver();
  t.onTestFinished(() => smtp.stop());
  let now = Date.parse('2026-03-02T10:00:00+08:00');
  const server = await startTestServer({
    sites: demoWith({ notifications: escalating(rx.url), renotifyAfterS: 86_400 }),
    notifyRetry: { tries: 2, baseDelayMs: 50, timeoutMs: 2000 },
    clock: { now: () => now },
    smtpUrl: smtp.url,
    smtpFrom: 'hallmon@qp.example.cn',
    // The timer checks too; the test also calls check() right after moving the clock.
    reminderCheckMs: 200,
  });
  t.onTestFinished(() => server.stop());
  const admin = await server.login();
  server.addUser('net1', 'netadmin', ['demo']);
  const net = await server.login('net1', 'net1-password');
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));
  const publish = (a: AlarmRecord) => gw.publishAsync(topics.alarms('demo'), JSON.stringify(a), { qos: 1 });
  const hits = (path: string, sensor: string) =>
    rx.hits.filter((h) => h.path === path && String(h.body.markdown?.content).includes(sensor));
  const mailsTo = (addr: string, sensor: string) =>
    smtp.mails.filter((m) => m.to.includes(addr) && m.text.includes(sensor));
  const lifecycle = server.alarms.lifecycle;
  const at = async (ms: number) => {
    now = ms;
    await lifecycle.check();
  };
  // Notices started for an alarm (rows are written before a delivery is tried): `event/level` each.
  const started = async (id: string) =>
    (await server.alarms.deliveries.forAlarm(id)).map((d) => `${d.event}/${d.level}`);

  // 1. Water under the AC (critical): level 1 hears at once, by robot and by e-mail.
  const t0 = now;
  const leak: AlarmRecord = {
    id: `demo:mr-water-leak:mr-di-1:${t0}`,
    site: 'demo',
    clause: '5.2.2',
    rule: 'mr-water-leak',
    sensor: 'mr-di-1',
    severity: 'critical',
    state: 'raised',
    ts: iso(t0),
    startedAt: iso(t0),
    message: '机房漏水',
  };
  await publish(leak);
  await waitFor(
    () => hits('/l1', 'mr-di-1').length === 1 && mailsTo('netadmin@qp.example.cn', 'mr-di-1').length === 1,
    'level 1: the network administrators robot and e-mail',
  );
  const mail = mailsTo('netadmin@qp.example.cn', 'mr-di-1')[0]!;
  assert.match(mail.subject, /【告警】机房管理（5\.2\.2）/);
  assert.match(mail.text, /说明：机房漏水/);
  assert.equal(mail.from, 'hallmon@qp.example.cn');
  assert.deepEqual(mail.to, ['netadmin@qp.example.cn']);

  // 19 minutes on: not yet. 20 minutes on: level 2, both of its addresses and its robot.
  await at(t0 + 19 * MIN);
  assert.ok(!(await started(leak.id)).some((e) => e.startsWith('escalated')), 'nothing at 19 minutes');
  await at(t0 + 20 * MIN);
  await waitFor(
    () =>
      hits('/l2', 'mr-di-1').length === 1 &&
      mailsTo('director@qp.example.cn', 'mr-di-1').length === 1 &&
      mailsTo('deputy@qp.example.cn', 'mr-di-1').length === 1,
    'level 2 after 20 minutes unacknowledged',
  );
  const l2 = hits('/l2', 'mr-di-1')[0]!;
  assert.equal(l2.query.get('key'), 'K2');
  assert.match(l2.body.markdown.content, /【告警升级 第2级】/);
  assert.match(mailsTo('director@qp.example.cn', 'mr-di-1')[0]!.subject, /告警升级 第2级/);
  await at(t0 + 30 * MIN);
  assert.equal(
    (await started(leak.id)).filter((e) => e === 'escalated/2').length,
    2,
    'each level hears once (robot, e-mail)',
  );

  // The network administrator acknowledges: no level 3, not even long after.
  const ack = await server.post(`/api/alarms/${encodeURIComponent(leak.id)}/ack`, { note: '已关闭进水阀' }, net);
  assert.equal(ack.status, 200);
  await at(t0 + 120 * MIN);
  assert.ok(!(await started(leak.id)).includes('escalated/3'), 'no level 3 after the ack');
  const log = (await server.get<any[]>(`/api/alarms/${encodeURIComponent(leak.id)}/notifications`, admin)).body;
  assert.deepEqual([...new Set(log.map((d) => `${d.route}/${d.event}/${d.level}`))].sort(), [
    'netadmin-mail/escalated/2',
    'netadmin-mail/raised/1',
    'netadmin-robots/escalated/2',
    'netadmin-robots/raised/1',
  ]);
  assert.ok(log.every((d) => d.status === 'delivered'));
  assert.ok(
    log.some((d) => d.url === 'mailto:director@qp.example.cn,deputy@qp.example.cn'),
    'e-mail deliveries name their addresses',
  );

  // 2. Mains lost, never acknowledged: level 2 hears after 20 min, then the mains return by themselves
  //    at 50 min: levels 1 and 2 are told it cleared; level 3, which never heard, is not.
  const t1 = t0 + 3 * 3_600_000;
  await at(t1);
  const mains: AlarmRecord = {
    id: `demo:mr-mains-lost:mr-ups-1:${t1}`,
    site: 'demo',
    clause: '5.2.2',
    rule: 'mr-mains-lost',
    sensor: 'mr-ups-1',
    severity: 'critical',
    state: 'raised',
    ts: iso(t1),
    startedAt: iso(t1),
    message: '机房市电中断；UPS 预计续航 41 分钟 / est. runtime 41 min',
  };
  await publish(mains);
  await waitFor(() => hits('/l1', 'mr-ups-1').length === 1, 'level 1 of the mains alarm');
  await at(t1 + 21 * MIN);
  await waitFor(() => hits('/l2', 'mr-ups-1').length === 1, 'level 2 of the mains alarm');
  await publish({ ...mains, state: 'cleared', ts: iso(t1 + 50 * MIN), clearedAt: iso(t1 + 50 * MIN) });
  await waitFor(
    () =>
      [...hits('/l1', 'mr-ups-1'), ...hits('/l2', 'mr-ups-1')].filter((h) => /【已恢复】/.test(h.body.markdown.content))
        .length === 2 &&
      mailsTo('netadmin@qp.example.cn', 'mr-ups-1').some((m) => /已恢复/.test(m.subject)) &&
      mailsTo('director@qp.example.cn', 'mr-ups-1').some((m) => /已恢复/.test(m.subject)),
    'the clear told to levels 1 and 2, by robot and by e-mail',
  );
  await at(t1 + 100 * MIN);
  assert.deepEqual(
    (await started(mains.id)).sort(),
    ['cleared/1', 'cleared/1', 'cleared/2', 'cleared/2', 'escalated/2', 'escalated/2', 'raised/1', 'raised/1'],
    'level 3 never heard of it and is not told it cleared; a cleared alarm escalates no more',
  );
  assert.match(hits('/l1', 'mr-ups-1')[0]!.body.markdown.content, /预计续航 41 分钟/);
});

test('a site with an e-mail route and no SMTP relay does not start, saying what to set', async () => {
  await assert.rejects(
    startTestServer({ sites: demoWith({ notifications: escalating('http://127.0.0.1:9') }) }),
    /netadmin-mail send e-mail, but no SMTP relay is set: start with --smtp-url/,
  );
});

// Three levels, each its own robot on its own receiver: level 1 at once, level 2 at 20 minutes,
// level 3 at 90 and not a moment before, each robot hearing only of its own level. Run for a
// critical alarm and for a warning (a warning is kept for escalation only while a level is still to come).
test.for(['critical', 'warning'] as const)(
  'a %s alarm left unacknowledged reaches level 3 at 90 minutes, each level on its own receiver',
  async (severity, { onTestFinished }) => {
    const rx = [await startReceiver(), await startReceiver(), await startReceiver()] as const;
    for (const r of rx) onTestFinished(() => r.stop());
    let now = Date.parse('2026-03-02T22:00:00+08:00');
    const server = await startTestServer({
      sites: demoWith({
        notifications: [
          {
            id: 'netadmin-three-levels',
            format: 'wecom',
            zoneKinds: ['machine-room'],
            levels: [
              { afterS: 0, url: `${rx[0].url}/robot?key=L1`, name: '网管群' },
              { afterS: 20 * 60, url: `${rx[1].url}/robot?key=L2`, name: '中心主任群' },
              { afterS: 90 * 60, url: `${rx[2].url}/robot?key=L3`, name: '区运维群' },
            ],
          },
        ],
        // No reminders in the window, so every notice seen here is the raise or an escalation.
        renotifyAfterS: 86_400,
      }),
      notifyRetry: { tries: 2, baseDelayMs: 50, timeoutMs: 2000 },
      clock: { now: () => now },
      reminderCheckMs: 200,
    });
    onTestFinished(() => server.stop());
    const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
    onTestFinished(() => gw.endAsync(true));
    const lifecycle = server.alarms.lifecycle;
    // check() joins a check already running, which may have read the clock before it moved; the
    // second call is a check begun after the move, so what is due at `ms` has been started.
    const at = async (ms: number) => {
      now = ms;
      await lifecycle.check();
      await lifecycle.check();
    };
    const rows = (id: string) => server.alarms.deliveries.forAlarm(id);
    const started = async (id: string) => (await rows(id)).map((d) => `${d.event}/${d.level}`);
    const settled = async (id: string) => (await rows(id)).every((d) => d.status !== 'pending');
    const counts = () => rx.map((r) => r.hits.length);

    const t0 = now;
    const leak: AlarmRecord = {
      id: `demo:mr-water-leak:mr-di-1:${t0}`,
      site: 'demo',
      clause: '5.2.2',
      rule: 'mr-water-leak',
      sensor: 'mr-di-1',
      severity,
      state: 'raised',
      ts: iso(t0),
      startedAt: iso(t0),
      message: '机房漏水',
    };
    await gw.publishAsync(topics.alarms('demo'), JSON.stringify(leak), { qos: 1 });

    // Level 1 at once, and only level 1.
    await waitFor(async () => rx[0].hits.length === 1 && (await settled(leak.id)), 'level 1 at once');
    assert.deepEqual(await started(leak.id), ['raised/1']);
    assert.equal(rx[0].hits[0]!.query.get('key'), 'L1');
    assert.doesNotMatch(rx[0].hits[0]!.body.markdown.content, /告警升级/);

    // Nothing more before 20 minutes (no notice started, so none is in flight either).
    for (const m of [1, 10, 19]) await at(t0 + m * MIN);
    await at(t0 + 20 * MIN - 1000);
    assert.deepEqual(await started(leak.id), ['raised/1'], 'nothing before 20 minutes');
    assert.deepEqual(counts(), [1, 0, 0]);

    // Level 2 at 20 minutes, on its own receiver only.
    await at(t0 + 20 * MIN);
    assert.deepEqual(await started(leak.id), ['raised/1', 'escalated/2'], 'level 2 started at 20 minutes');
    await waitFor(async () => rx[1].hits.length === 1 && (await settled(leak.id)), 'level 2 delivered');
    assert.deepEqual(counts(), [1, 1, 0]);
    assert.equal(rx[1].hits[0]!.query.get('key'), 'L2');
    assert.match(rx[1].hits[0]!.body.markdown.content, /【告警升级 第2级】/);
    assert.match(rx[1].hits[0]!.body.markdown.content, /mr-di-1|机房/);

    // Nothing more before 90 minutes: level 2 is not told again, level 3 not yet.
    for (const m of [21, 45, 60, 89]) await at(t0 + m * MIN);
    await at(t0 + 90 * MIN - 1000);
    assert.deepEqual(await started(leak.id), ['raised/1', 'escalated/2'], 'no level 3 before 90 minutes');
    assert.deepEqual(counts(), [1, 1, 0]);

    // Level 3 at 90 minutes, on its own receiver only.
    await at(t0 + 90 * MIN);
    assert.deepEqual(
      await started(leak.id),
      ['raised/1', 'escalated/2', 'escalated/3'],
      'level 3 started at 90 minutes',
    );
    await waitFor(async () => rx[2].hits.length === 1 && (await settled(leak.id)), 'level 3 delivered');
    assert.equal(rx[2].hits[0]!.query.get('key'), 'L3');
    assert.match(rx[2].hits[0]!.body.markdown.content, /【告警升级 第3级】/);

    // Long after: no level is told again, and each receiver heard exactly its own level.
    await at(t0 + 180 * MIN);
    assert.deepEqual(await started(leak.id), ['raised/1', 'escalated/2', 'escalated/3']);
    assert.deepEqual(counts(), [1, 1, 1]);
    const log = await rows(leak.id);
    assert.ok(log.every((d) => d.status === 'delivered' && d.routeId === 'netadmin-three-levels'));
    assert.deepEqual(
      log.map((d) => d.url),
      rx.map((r) => `${r.url}/robot?***`),
      'each level went to its own receiver (the key is not stored)',
    );
    assert.deepEqual(
      log.map((d) => d.createdAt - t0),
      [0, 20 * MIN, 90 * MIN],
      'each notice started on the simulated clock at its delay',
    );
    for (const [k, r] of rx.entries()) assert.ok(r.hits.every((h) => h.query.get('key') === `L${k + 1}`));
  },
);

// Levels are per route: two routes whose second levels have different delays each escalate at their
// own (a route's level 2 having heard once does not stand for another route's level 2).
test("each route escalates on its own delays; one route's level 2 does not stand for another's", async ({
  onTestFinished,
}) => {
  const rx = await startReceiver();
  onTestFinished(() => rx.stop());
  let now = Date.parse('2026-03-03T08:00:00+08:00');
  const server = await startTestServer({
    sites: demoWith({
      notifications: [
        {
          id: 'netadmin',
          format: 'wecom',
          zoneKinds: ['machine-room'],
          levels: [
            { afterS: 0, url: `${rx.url}/netadmin-1` },
            { afterS: 20 * 60, url: `${rx.url}/netadmin-2` },
          ],
        },
        {
          id: 'facilities',
          format: 'generic',
          zoneKinds: ['machine-room'],
          levels: [
            { afterS: 0, url: `${rx.url}/facilities-1` },
            { afterS: 60 * 60, url: `${rx.url}/facilities-2` },
          ],
        },
      ],
      renotifyAfterS: 86_400,
    }),
    notifyRetry: { tries: 2, baseDelayMs: 50, timeoutMs: 2000 },
    clock: { now: () => now },
    reminderCheckMs: 200,
  });
  onTestFinished(() => server.stop());
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  onTestFinished(() => gw.endAsync(true));
  const lifecycle = server.alarms.lifecycle;
  const at = async (ms: number) => {
    now = ms;
    await lifecycle.check();
    await lifecycle.check();
  };
  const started = async (id: string) =>
    (await server.alarms.deliveries.forAlarm(id)).map((d) => `${d.routeId}/${d.event}/${d.level}`);
  const paths = () => rx.hits.map((h) => h.path).sort();

  const t0 = now;
  const alarm: AlarmRecord = {
    id: `demo:mr-water-leak:mr-di-1:${t0}`,
    site: 'demo',
    clause: '5.2.2',
    rule: 'mr-water-leak',
    sensor: 'mr-di-1',
    severity: 'critical',
    state: 'raised',
    ts: iso(t0),
    startedAt: iso(t0),
    message: '机房漏水',
  };
  await gw.publishAsync(topics.alarms('demo'), JSON.stringify(alarm), { qos: 1 });
  await waitFor(() => rx.hits.length === 2, 'the first level of each route');

  await at(t0 + 20 * MIN);
  assert.deepEqual((await started(alarm.id)).sort(), [
    'facilities/raised/1',
    'netadmin/escalated/2',
    'netadmin/raised/1',
  ]);
  await at(t0 + 60 * MIN - 1000);
  assert.ok(!(await started(alarm.id)).includes('facilities/escalated/2'), 'not before its own 60 minutes');
  await at(t0 + 60 * MIN);
  assert.ok(
    (await started(alarm.id)).includes('facilities/escalated/2'),
    "the second route's level 2 at its own 60 minutes",
  );
  await waitFor(() => rx.hits.length === 4, 'both second levels delivered');
  await at(t0 + 120 * MIN);
  assert.equal((await started(alarm.id)).length, 4, 'no level told twice');
  assert.deepEqual(paths(), ['/facilities-1', '/facilities-2', '/netadmin-1', '/netadmin-2']);
});
