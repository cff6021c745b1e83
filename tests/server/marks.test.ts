// GET /api/marks against a real server: machine-room minutes published over MQTT with a 20-minute
// excursion above 27 °C (a jump of 8 °C) and a 20-minute silence; the rule engine's replay must
// answer the range excursion, the fast change and the gap where the data put them, drop what ended
// before the range, and report a silence still going at the range end as an ongoing gap.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import type { MarksAnswer } from '@hallmon/contract';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { waitFor } from '../helpers/wait.ts';

const MIN = 60_000;

test('GET /api/marks answers what the rule engine judged for a sensor over a range', async (t) => {
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const token = await server.login();
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));

  // t0 .. t0+120 min, one reading a minute: 22 °C, 30 °C from +40 to +59, silent from +80 to +99.
  const t0 = Math.floor((Date.now() - 4 * 3_600_000) / MIN) * MIN;
  const readings: { sensor: string; metric: string; value: number; ts: number }[] = [];
  for (let m = 0; m <= 120; m++) {
    if (m >= 80 && m < 100) continue;
    const ts = t0 + m * MIN;
    readings.push({ sensor: 'mr-th-1', metric: 'temperature', value: m >= 40 && m < 60 ? 30 : 22, ts });
    readings.push({ sensor: 'mr-th-1', metric: 'humidity', value: 45, ts });
  }
  await gw.publishAsync('hallmon/v1/demo/telemetry', JSON.stringify(readings), { qos: 1 });
  await waitFor(
    async () =>
      (
        await server.get<{ points: unknown[] }>(
          `/api/readings?site=demo&sensor=mr-th-1&metric=humidity&from=${t0}&to=${t0 + 121 * MIN}`,
          token,
        )
      ).body.points.length ===
      readings.length / 2,
    'the readings to be stored',
  );
  const marks = async (from: number, to: number) => {
    const res = await server.get<MarksAnswer>(`/api/marks?site=demo&sensor=mr-th-1&from=${from}&to=${to}`, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const iso = (m: number) => new Date(t0 + m * MIN).toISOString();

  // Step: excursions and gaps where the data put them
  {
    const m = await marks(t0, t0 + 121 * MIN);
    const range = m.excursions.find((x) => x.rule === 'mr-temperature')!;
    assert.ok(range, JSON.stringify(m.excursions));
    assert.deepEqual(
      [range.kind, range.metric, range.severity, range.start, range.peak, range.limit, range.ongoing],
      ['range', 'temperature', 'warning', iso(40), 30, 27, false],
    );
    assert.ok(range.end >= iso(59) && range.end <= iso(60), `ends when it cleared: ${range.end}`);
    const fast = m.excursions.filter((x) => x.kind === 'rate-of-change');
    assert.ok(fast.length >= 1 && fast[0]!.start === iso(40), JSON.stringify(fast));
    assert.deepEqual(m.gaps, [{ rule: 'mr-gap', clause: '5.2.2', start: iso(79), end: iso(100), ongoing: false }]);
  }

  // Step: what ended before the range is not answered
  {
    const m = await marks(t0 + 65 * MIN, t0 + 121 * MIN);
    assert.equal(m.excursions.filter((x) => x.rule === 'mr-temperature').length, 0);
    assert.equal(m.gaps.length, 1);
  }

  // Step: a silence still going at the end of the range is an ongoing gap
  {
    const m = await marks(t0 + 60 * MIN, t0 + 95 * MIN);
    assert.deepEqual(m.gaps, [{ rule: 'mr-gap', clause: '5.2.2', start: iso(79), end: iso(95), ongoing: true }]);
  }
});
