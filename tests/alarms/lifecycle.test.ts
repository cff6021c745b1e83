// Alarm lifecycle on a real server: an edge alarm arriving over MQTT is stored and notified once to
// the routes its zone kind selects (WeCom / DingTalk / generic bodies checked, DingTalk signed),
// a redelivered raise is not notified again, an unacknowledged critical alarm is re-notified at the
// site's (short) interval until it is acknowledged, a warning is never re-notified, a clear is
// notified once, and failed deliveries are retried with backoff and logged.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import mqtt from 'mqtt';
import { topics, type AlarmRecord } from '@hallmon/firmware-config';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { waitFor, sleep } from '../helpers/wait.ts';
import { demoWith, routes, startReceiver } from './harness.ts';

const iso = (ms: number) => new Date(ms).toISOString();

test(
  'edge alarms: routed notices, reminders until ack, one clear notice, retries logged',
  { timeout: 120_000 },
  async (t) => {
    const rx = await startReceiver();
    t.onTestFinished(() => rx.stop());
    const server = await startTestServer({
      sites: demoWith({ notifications: routes(rx.url), renotifyAfterS: 1 }),
      notifyRetry: { tries: 4, baseDelayMs: 50, timeoutMs: 2000 },
      reminderCheckMs: 100,
    });
    t.onTestFinished(() => server.stop());
    const token = await server.login();
    const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, clientId: 'lifecycle-gw' });
    t.onTestFinished(() => gw.endAsync(true));
    const publish = (a: AlarmRecord) => gw.publishAsync(topics.alarms('demo'), JSON.stringify(a), { qos: 1 });

    const t0 = Date.now() - 120_000;
    const critical: AlarmRecord = {
      id: `demo:mr-temperature-critical:mr-th-1:${t0}`,
      site: 'demo',
      clause: '5.2.2',
      rule: 'mr-temperature-critical',
      sensor: 'mr-th-1',
      severity: 'critical',
      state: 'raised',
      ts: iso(t0 + 60_000),
      startedAt: iso(t0),
      peak: 33.2,
      limit: 32,
    };
    // The WeCom robot fails twice first: the delivery must be retried, not lost.
    rx.failFirst.set('/wecom', 2);
    await publish(critical);
    // Robot bodies are for people (no alarm id): they are told apart by sensor and notice kind.
    const byPath = (p: string, needle = critical.id) =>
      rx.hits.filter(
        (h) =>
          h.path === p &&
          JSON.stringify(h.body).includes(needle) &&
          !JSON.stringify(h.body).match(/提醒|已恢复|"reminder"|"cleared"/),
      );
    await waitFor(
      () => byPath('/wecom', 'mr-th-1').length >= 1 && byPath('/generic').length >= 1,
      'the raise notice on the machine-room route and the generic route',
    );
    assert.equal(byPath('/dingtalk').length, 0, 'the hall route does not get machine-room alarms');

    const wecom = byPath('/wecom', 'mr-th-1')[0]!;
    assert.equal(wecom.query.get('key'), 'SECRET-KEY-1');
    assert.equal(wecom.body.msgtype, 'markdown');
    assert.equal(typeof wecom.body.markdown.content, 'string');
    assert.match(wecom.body.markdown.content, /^\*\*【告警】机房管理（5\.2\.2）\*\*/);
    assert.match(wecom.body.markdown.content, /演示社区事务受理服务中心/);
    assert.match(wecom.body.markdown.content, /峰值：33\.2/);
    assert.match(wecom.body.markdown.content, new RegExp(`${server.url.replace(/[.]/g, '\\.')}/#/alarms/demo`));
    const generic = byPath('/generic')[0]!.body;
    assert.equal(generic.event, 'raised');
    assert.equal(generic.site.name, '演示社区事务受理服务中心');
    assert.equal(generic.clause.title, '机房管理');
    assert.equal(generic.alarm.id, critical.id);
    assert.equal(generic.alarm.state, 'raised');

    // the delivery log shows the retries and when it was delivered
    const log = await waitFor(async () => {
      const r = await server.get<any[]>(`/api/alarms/${encodeURIComponent(critical.id)}/notifications`, token);
      const w = r.body.find((x) => x.route === 'netadmin-wecom' && x.event === 'raised');
      return w?.status === 'delivered' ? r.body : undefined;
    }, 'the WeCom delivery logged as delivered');
    const w = log.find((x) => x.route === 'netadmin-wecom' && x.event === 'raised')!;
    assert.equal(w.attempts.length, 3);
    assert.deepEqual(
      w.attempts.map((a: { ok: boolean }) => a.ok),
      [false, false, true],
    );
    assert.ok(w.deliveredAt);
    assert.equal(w.url, `${rx.url}/wecom?***`, 'the robot key is not kept in the log');

    // at-least-once: the same raise again is not a second notice
    await publish(critical);
    // reminders: the critical alarm is unacknowledged, so it is notified again (interval 1 s)
    await waitFor(
      () =>
        rx.hits.filter((h) => h.path === '/generic' && h.body.event === 'reminder' && h.body.alarm.id === critical.id)
          .length >= 2,
      'two reminders',
    );
    const reminder = rx.hits.find((h) => h.path === '/wecom' && h.body.markdown.content.includes('告警未确认提醒'));
    assert.ok(reminder, 'the WeCom reminder says it is a reminder');
    assert.equal(
      rx.hits.filter((h) => h.path === '/generic' && h.body.event === 'raised' && h.body.alarm.id === critical.id)
        .length,
      1,
      'one raise notice despite the redelivery',
    );

    // acknowledging stops the reminders
    const ack = await server.post(`/api/alarms/${encodeURIComponent(critical.id)}/ack`, { note: '空调维修中' }, token);
    assert.equal(ack.status, 200);
    await waitFor(() => server.alarms.lifecycle.awaitingAck === 0, 'no alarm awaiting acknowledgement');
    const remindersAtAck = rx.hits.filter((h) => h.path === '/generic' && h.body.event === 'reminder').length;
    await sleep(3_000); // three reminder intervals
    assert.equal(
      rx.hits.filter((h) => h.path === '/generic' && h.body.event === 'reminder').length,
      remindersAtAck,
      'no reminders after the ack',
    );

    // a warning in the hall: DingTalk route, signed, never re-notified
    const warning: AlarmRecord = {
      ...critical,
      id: `demo:noise-laeq-5min:hall-noise-1:${t0}`,
      clause: '1.3.3',
      rule: 'noise-laeq-5min',
      sensor: 'hall-noise-1',
      severity: 'warning',
      peak: 84.1,
      limit: 80,
    };
    await publish(warning);
    await waitFor(() => byPath('/dingtalk', 'hall-noise-1').length === 1, 'the DingTalk notice of the hall warning');
    const ding = byPath('/dingtalk', 'hall-noise-1')[0]!;
    assert.equal(ding.body.msgtype, 'markdown');
    assert.match(ding.body.markdown.title, /【告警】听觉环境（1\.3\.3）/);
    assert.match(ding.body.markdown.text, /峰值：84\.1/);
    const ts = ding.query.get('timestamp')!;
    const expected = createHmac('sha256', 'SEC-test-secret').update(`${ts}\nSEC-test-secret`).digest('base64');
    assert.equal(ding.query.get('sign'), expected, 'DingTalk HMAC-SHA256 signature');
    assert.equal(ding.query.get('access_token'), 'SECRET-TOKEN');
    assert.equal(byPath('/wecom', 'hall-noise-1').length, 0);

    // the critical alarm clears: one clear notice, and it stays in history
    const cleared: AlarmRecord = { ...critical, state: 'cleared', ts: iso(t0 + 100_000), clearedAt: iso(t0 + 100_000) };
    await publish(cleared);
    await publish(cleared);
    await waitFor(
      () => rx.hits.some((h) => h.path === '/generic' && h.body.event === 'cleared' && h.body.alarm.id === critical.id),
      'the clear notice',
    );
    const clearWecom = rx.hits.find((h) => h.path === '/wecom' && h.body.markdown.content.includes('【已恢复】'));
    assert.ok(clearWecom);
    await sleep(1_500);
    assert.equal(
      rx.hits.filter((h) => h.path === '/generic' && h.body.event === 'cleared' && h.body.alarm.id === critical.id)
        .length,
      1,
      'one clear notice despite the redelivery',
    );
    assert.equal(rx.hits.filter((h) => h.body.event === 'reminder' && h.at > Date.now() - 1_000).length, 0);
    const all = await server.get<any[]>('/api/alarms?site=demo&state=all', token);
    const hist = all.body.find((a) => a.id === critical.id);
    assert.equal(hist.state, 'cleared');
    assert.equal(hist.ackedBy, 'admin');
    assert.equal(hist.ackNote, '空调维修中');
  },
);

test(
  'a route that never answers: every attempt is logged, then the delivery is marked failed',
  { timeout: 60_000 },
  async (t) => {
    const rx = await startReceiver();
    const deadUrl = rx.url;
    await rx.stop(); // nothing listens there any more
    const server = await startTestServer({
      sites: demoWith({ notifications: [{ id: 'dead', url: `${deadUrl}/x?key=K`, format: 'wecom' }] }),
      notifyRetry: { tries: 3, baseDelayMs: 20, timeoutMs: 1000 },
    });
    t.onTestFinished(() => server.stop());
    const token = await server.login();
    const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, clientId: 'dead-gw' });
    t.onTestFinished(() => gw.endAsync(true));
    const now = Date.now();
    const id = `demo:mr-gap:mr-th-2:${now}`;
    await gw.publishAsync(
      topics.alarms('demo'),
      JSON.stringify({
        id,
        site: 'demo',
        clause: '5.2.2',
        rule: 'mr-gap',
        sensor: 'mr-th-2',
        severity: 'warning',
        state: 'raised',
        ts: iso(now),
        startedAt: iso(now),
      }),
      { qos: 1 },
    );
    const row = await waitFor(async () => {
      const r = await server.get<any[]>(`/api/alarms/${encodeURIComponent(id)}/notifications`, token);
      return r.body[0]?.status === 'failed' ? r.body[0] : undefined;
    }, 'the failed delivery');
    assert.equal(row.attempts.length, 3);
    assert.ok(row.attempts.every((a: { ok: boolean }) => !a.ok));
    assert.ok(row.lastError);
    assert.equal(row.deliveredAt, null);
  },
);
