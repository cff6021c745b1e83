// End to end, loud morning peak (clause 1.3.3), through the server-side rules: a site without an
// edge (`rulesAt: 'server'`) whose gateway publishes the scenario's 1-second hall noise readings,
// timed by a fast SimClock that the server's rules share. (The 5-minute LAeq needs half of its
// window covered by 1 s readings, so this scenario cannot be polled at 1 s of real time per
// minute of simulated time through the serial path; the gateway path keeps the 1 s resolution.)
// The server's engine raises, the hall manager's DingTalk robot (test receiver, signed) gets the
// notice, socket.io and GET /api/alarms show it, and it clears when the crowd leaves.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import { topics, type Reading } from '@hallmon/firmware-config';
import { SimClock, getScenario } from '@hallmon/simulators';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';
import { demoWith, routes, startReceiver } from './harness.ts';
import { daysAgo, shanghai } from './e2e.ts';

test(
  'loud morning peak: server-side rules raise the 1.3.3 noise alarm, notify the hall robot and clear',
  { timeout: 120_000 },
  async (t) => {
    const incidentAt = shanghai(daysAgo(2), '09:30');
    const speed = 120;
    const clock = new SimClock({ start: incidentAt - 2 * 60_000, speed });
    const rx = await startReceiver();
    t.onTestFinished(() => rx.stop());
    const sites = demoWith({ rulesAt: 'server', notifications: routes(rx.url) });
    const server = await startTestServer({
      sites,
      clock,
      rulesSlackMs: 3_000 * speed,
      notifyRetry: { tries: 3, baseDelayMs: 50, timeoutMs: 2000 },
    });
    t.onTestFinished(() => server.stop());
    assert.deepEqual(server.alarms.rules.sites, ['demo']);
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

    const signals = getScenario('loud-morning-peak')!.signals(sites.get('demo')!, 3, { incidentAt });
    const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, clientId: 'loud-gw' });
    t.onTestFinished(() => gw.endAsync(true));
    // The gateway: every 100 ms of real time, the 1-second readings of both noise sensors now due.
    let cursor = Math.floor(clock.now() / 1000) * 1000;
    let sending = false;
    const timer = setInterval(() => {
      if (sending) return;
      const now = clock.now();
      const batch: Reading[] = [];
      for (; cursor + 1000 <= now; cursor += 1000)
        for (const sensor of ['hall-noise-1', 'hall-slm-1']) {
          const value = signals.value(sensor, 'noise_laeq', cursor);
          if (value !== undefined)
            batch.push({ sensor, metric: 'noise_laeq', value, ts: new Date(cursor).toISOString(), dur: 1 });
        }
      if (!batch.length) return;
      sending = true;
      gw.publishAsync(topics.telemetry('demo'), JSON.stringify(batch), { qos: 1 }).finally(() => (sending = false));
    }, 100);
    t.onTestFinished(() => clearInterval(timer));

    const noise = (as: any[]) => as.find((a) => a.rule === 'noise-laeq-5min');
    const raised = await waitFor(
      async () => noise((await server.get<any[]>('/api/alarms?site=demo&state=all', token)).body),
      'the 5-minute LAeq alarm',
      60_000,
      250,
    );
    assert.equal(raised.clause, '1.3.3');
    assert.ok(['hall-noise-1', 'hall-slm-1'].includes(raised.sensor));
    assert.ok(raised.peak > 80, `peak ${raised.peak}`);
    assert.equal(raised.limit, 80);
    assert.ok(Date.parse(raised.startedAt) >= incidentAt, 'the excursion starts after the crowd arrives (event time)');

    const ding = await waitFor(
      () => rx.hits.find((h) => h.path === '/dingtalk' && /【告警】听觉环境（1\.3\.3）/.test(h.body.markdown.title)),
      'the DingTalk notice',
      20_000,
    );
    assert.equal(ding.body.msgtype, 'markdown');
    assert.deepEqual(Object.keys(ding.body.markdown).sort(), ['text', 'title']);
    assert.ok(ding.query.get('timestamp') && ding.query.get('sign'), 'signed with the route secret');
    assert.equal(
      rx.hits.filter((h) => h.path === '/wecom').length,
      0,
      'hall alarms do not go to the network administrator',
    );
    await waitFor(() => pushed.some((p) => p.id === raised.id && p.state === 'raised'), 'the live alarm message');

    const cleared = await waitFor(
      async () =>
        (await server.get<any[]>('/api/alarms?site=demo&state=all', token)).body.find(
          (a) => a.id === raised.id && a.state === 'cleared',
        ),
      'the noise alarm cleared after the peak',
      60_000,
      250,
    );
    assert.ok(
      Date.parse(cleared.clearedAt) - Date.parse(cleared.startedAt) >= 20 * 60_000,
      'a sustained excursion, not a blip',
    );
    await waitFor(() => pushed.some((p) => p.id === raised.id && p.state === 'cleared'), 'the live clear');
  },
);
