// GET /api/noise on a real server: a hand-computed trace published over MQTT as a gateway would (45
// min at 50 dB(A), 10 at 60, 4 at 70, 40 s at 80, 20 s at 90, one reading a second) answers LAeq,
// L10, L50, L90 and Lmax over 1, 5, 15 and 60 min to 0.1 dB; one window when asked for one; an
// RS-485 transmitter is labelled indicative, a sound level meter is not.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { topics } from '@hallmon/firmware-config';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';

test('GET /api/noise: rolling windows of a hand-computed trace, to 0.1 dB', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const token = await server.login();
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));
  const t0 = Math.floor((Date.now() - 2 * 3_600_000) / 1000) * 1000;
  const trace: Array<{ sensor: string; metric: string; value: number; ts: string; dur: number }> = [];
  const add = (level: number, seconds: number) => {
    for (let i = 0; i < seconds; i++)
      trace.push({
        sensor: 'hall-slm-1',
        metric: 'noise_laeq',
        value: level,
        ts: new Date(t0 + (trace.length + 1) * 1000).toISOString(),
        dur: 1,
      });
  };
  add(50, 2700);
  add(60, 600);
  add(70, 240);
  add(80, 40);
  add(90, 20);
  for (let i = 0; i < trace.length; i += 2000)
    await gw.publishAsync(topics.telemetry('demo'), JSON.stringify(trace.slice(i, i + 2000)), { qos: 1 });
  const end = Date.parse(trace.at(-1)!.ts);
  const url = `/api/noise?site=demo&sensor=hall-slm-1&to=${end}`;
  const ans = await waitFor(async () => {
    const r = await server.get<any>(url, token);
    return r.body.windows?.[3]?.coveredS === 3600 ? r.body : undefined;
  }, 'the trace stored');
  assert.equal(ans.indicative, false, 'a sound level meter measures LAeq');
  assert.equal(ans.end, new Date(end).toISOString());
  // Worked out by hand in tests/rules/noise-windows.test.ts.
  const expected = [
    ['1m', 86.02, 90, 80, 80, 90, 60],
    ['5m', 79.44, 80, 70, 70, 90, 300],
    ['15m', 74.77, 70, 60, 60, 90, 900],
    ['60m', 68.79, 60, 50, 50, 90, 3600],
  ] as const;
  assert.deepEqual(
    ans.windows.map((w: any) => w.window),
    expected.map((e) => e[0]),
  );
  for (const [w, [name, laeq, l10, l50, l90, lmax, covered]] of expected.entries()) {
    const got = ans.windows[w];
    assert.ok(Math.abs(got.laeq - laeq) < 0.1, `${name}: LAeq ${got.laeq}`);
    for (const [k, v] of [
      ['l10', l10],
      ['l50', l50],
      ['l90', l90],
      ['lmax', lmax],
    ] as const)
      assert.ok(Math.abs(got[k] - v) < 0.1, `${name}: ${k} ${got[k]} vs ${v}`);
    assert.equal(got.coveredS, covered);
    assert.equal(got.to, new Date(end).toISOString());
  }
  // Without `to`, the windows end at the newest reading: the same figures.
  const newest = await server.get<any>('/api/noise?site=demo&sensor=hall-slm-1&window=5m', token);
  assert.equal(newest.status, 200);
  assert.equal(newest.body.windows.length, 1);
  assert.equal(newest.body.windows[0].laeq, ans.windows[1].laeq);
  // The RS-485 transmitter of the hall: no readings, indicative.
  const tx = await server.get<any>('/api/noise?site=demo&sensor=hall-noise-1', token);
  assert.equal(tx.body.indicative, true);
  assert.equal(tx.body.end, null);
  assert.ok(tx.body.windows.every((w: any) => w.laeq === null && w.coveredS === 0));
});
