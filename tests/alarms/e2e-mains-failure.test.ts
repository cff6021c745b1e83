// End to end, mains failure (clause 5.2.2 电力保障): the simulated UPS (Modbus card on a socat pty)
// loses its mains on a fast SimClock and runs on battery; the edge's live rules raise "市电中断" and
// "UPS 电池供电" (critical, with the runtime the UPS estimated in the message), the server stores
// them and tells the network administrator's WeCom robot (webhook receiver) and mailbox (a local
// SMTP receiver); when the mains return both clear and the clear reaches both receivers.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { startSmtpReceiver } from '../helpers/smtp.ts';
import { waitFor } from '../helpers/wait.ts';
import { daysAgo, shanghai, startE2E } from './e2e.ts';

test(
  'mains failure raises and clears end to end through the webhook and the SMTP receivers',
  { timeout: 150_000 },
  async (t) => {
    const smtp = await startSmtpReceiver();
    t.onTestFinished(() => smtp.stop());
    const incidentAt = shanghai(daysAgo(2), '10:30');
    const e = await startE2E({
      scenario: 'mains-failure',
      start: incidentAt - 3 * 60_000,
      incidentAt,
      speed: 60,
      serial: true,
      mail: { url: smtp.url, to: ['netadmin@qp.example.cn'] },
    });
    t.onTestFinished(() => e.stop());
    const find = (as: any[], rule: string, state: string) =>
      as.find((a) => a.rule === rule && a.sensor === 'mr-ups-1' && a.state === state);

    const mains = await waitFor(
      async () =>
        find(await e.alarms(), 'mr-mains-lost', 'raised') ?? find(await e.alarms(), 'mr-mains-lost', 'cleared'),
      'the mains alarm in GET /api/alarms',
      90_000,
      250,
    );
    assert.equal(mains.clause, '5.2.2');
    assert.equal(mains.severity, 'critical');
    assert.ok(Date.parse(mains.startedAt) >= incidentAt, 'it started at the cut (simulated event time)');
    const runtime = /UPS 预计续航 (\d+) 分钟/.exec(mains.message)?.[1];
    assert.ok(
      runtime && Number(runtime) > 30 && Number(runtime) < 50,
      `the runtime on mains before the cut: ${mains.message}`,
    );
    await waitFor(
      async () =>
        find(await e.alarms(), 'mr-ups-on-battery', 'raised') ?? find(await e.alarms(), 'mr-ups-on-battery', 'cleared'),
      'the on-battery alarm',
      30_000,
      250,
    );
    await waitFor(
      () =>
        e.rx.hits.some(
          (h) =>
            h.path === '/wecom' &&
            /【告警】机房管理（5\.2\.2）/.test(h.body.markdown.content) &&
            /机房市电中断/.test(h.body.markdown.content),
        ),
      'the WeCom notice of the mains cut',
      30_000,
    );
    const raisedMail = await waitFor(
      () => smtp.mails.find((m) => /【告警】/.test(m.subject) && /机房市电中断/.test(m.text)),
      'the e-mail of the mains cut',
      30_000,
    );
    assert.deepEqual(raisedMail.to, ['netadmin@qp.example.cn']);
    assert.match(raisedMail.text, /UPS 预计续航 \d+ 分钟/);
    assert.equal(
      e.rx.hits.filter((h) => h.path === '/dingtalk').length,
      0,
      'machine-room alarms do not go to the hall manager',
    );

    // The mains return after 20 minutes: both alarms clear, and the clear reaches robot and mailbox.
    const cleared = await waitFor(
      async () => find(await e.alarms(), 'mr-mains-lost', 'cleared'),
      'the mains alarm cleared',
      90_000,
      250,
    );
    assert.equal(cleared.id, mains.id);
    assert.ok(
      Date.parse(cleared.clearedAt) - Date.parse(cleared.startedAt) >= 19 * 60_000,
      'about the 20-minute outage',
    );
    await waitFor(
      async () => find(await e.alarms(), 'mr-ups-on-battery', 'cleared'),
      'on battery cleared',
      30_000,
      250,
    );
    await waitFor(
      () =>
        e.rx.hits.some(
          (h) =>
            h.path === '/wecom' &&
            /【已恢复】/.test(h.body.markdown.content) &&
            /机房市电中断/.test(h.body.markdown.content),
        ),
      'the WeCom clear notice',
      30_000,
    );
    await waitFor(
      () => smtp.mails.some((m) => /【已恢复】/.test(m.subject) && /机房市电中断/.test(m.text)),
      'the clear e-mail',
      30_000,
    );
    await waitFor(
      () => e.rx.hits.some((h) => h.path === '/generic' && h.body.event === 'cleared' && h.body.alarm.id === mains.id),
      'the generic clear notice',
    );
  },
);
