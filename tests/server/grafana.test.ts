// The Grafana dashboard of docs/grafana (docs/grafana.md): every query in it (and its site
// variable) runs without error against a real influxd holding what a hallmon server wrote, the
// panels have data, and the noise panel computes the energy mean (90 and 60 dB for a second each:
// LAeq 87.0 dB, not 75), so the documented schema is the one the store really writes.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startInfluxd } from '../helpers/influxd.ts';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { REPO } from '../helpers/edge-process.ts';
import { waitFor } from '../helpers/wait.ts';

interface Target {
  query: string;
}
interface Panel {
  title: string;
  targets: Target[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; query: string }[] };
}

test('every query of the Grafana dashboard runs against what hallmon wrote, with data', async (t) => {
  const influx = await startInfluxd();
  t.onTestFinished(() => influx.stop());
  const db = 'hallmon_grafana';
  const server = await startTestServer({ store: 'influxdb', influxUrl: `${influx.url}/${db}` });
  t.onTestFinished(() => server.stop());
  const gw = await mqtt.connectAsync(server.mqttUrl!, { ...DEMO_GATEWAY, reconnectPeriod: 0 });
  t.onTestFinished(() => gw.endAsync(true));

  const minute = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
  const r = (sensor: string, metric: string, value: number, s: number) => ({
    sensor,
    metric,
    value,
    ts: minute + s * 1000,
  });
  await gw.publishAsync(
    'hallmon/v1/demo/telemetry',
    JSON.stringify([
      { ...r('hall-noise-1', 'noise_laeq', 90, 1), dur: 1 },
      { ...r('hall-noise-1', 'noise_laeq', 60, 2), dur: 1 },
      r('mr-th-1', 'temperature', 24.5, 1),
      r('mr-th-1', 'humidity', 48, 1),
      r('ar-th-1', 'temperature', 19, 1),
      r('ar-th-1', 'humidity', 52, 1),
      r('hall-co2-1', 'co2', 650, 1),
      r('hall-lux-1', 'illuminance', 420, 1),
    ]),
    { qos: 1 },
  );
  await gw.publishAsync(
    'hallmon/v1/demo/events',
    JSON.stringify({ device: 'eval-w01', type: 'rating', score: 5, window: 'W01', ts: minute + 5000 }),
    { qos: 1 },
  );
  await gw.publishAsync(
    'hallmon/v1/demo/alarms',
    JSON.stringify({
      id: `demo:mr-temperature:mr-th-1:${minute}`,
      site: 'demo',
      clause: '5.2.2',
      rule: 'mr-temperature',
      sensor: 'mr-th-1',
      severity: 'warning',
      state: 'raised',
      ts: minute + 10_000,
      startedAt: minute + 10_000,
      peak: 27.4,
      limit: 27,
    }),
    { qos: 1 },
  );
  await gw.publishAsync('hallmon/v1/demo/status/queue-1', JSON.stringify({ status: 'online', ts: minute + 1000 }), {
    qos: 1,
  });

  const dash = JSON.parse(readFileSync(join(REPO, 'docs', 'grafana', 'hallmon-site.json'), 'utf8')) as Dashboard;
  const run = async (q: string) => {
    const res = await fetch(`${influx.url}/query?db=${db}&epoch=ms&q=${encodeURIComponent(q)}`);
    const body = (await res.json()) as {
      results: { error?: string; series?: { tags?: Record<string, string>; values: unknown[][] }[] }[];
    };
    return { status: res.status, body };
  };
  const sites = await run(dash.templating.list.find((v) => v.name === 'site')!.query);
  assert.deepEqual(
    sites.body.results[0]?.series?.[0]?.values.map((v) => v[1]),
    ['demo'],
  );
  const expand = (q: string) =>
    q
      .replaceAll('$site', 'demo')
      .replaceAll('$timeFilter', `time >= ${minute}ms AND time < ${minute + 60_000}ms`)
      .replaceAll('$__interval', '1m');
  for (const panel of dash.panels)
    for (const target of panel.targets) {
      const q = expand(target.query);
      const res = await waitFor(
        async () => {
          const x = await run(q);
          if (x.body.results[0]?.error) throw new Error(x.body.results[0].error); // reported at the deadline
          return x.body.results[0]?.series?.length ? x : undefined;
        },
        `data for "${panel.title}"`,
        20_000,
        200,
      );
      assert.equal(res.status, 200, panel.title);
      assert.equal(res.body.results[0]?.error, undefined, `${panel.title}: ${res.body.results[0]?.error}`);
    }
  const noise = (await run(expand(dash.panels[0]!.targets[0]!.query))).body.results[0]!.series![0]!;
  assert.equal(noise.tags?.sensor, 'hall-noise-1');
  const laeq = noise.values.map((v) => v[1] as number).find((v) => v !== null)!;
  assert.ok(Math.abs(laeq - 86.99) < 0.01, `LAeq ${laeq}`);
});
