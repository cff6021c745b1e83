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
