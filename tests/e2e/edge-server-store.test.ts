// Edge -> server -> store -> API end to end, on both store adapters: simulated Modbus and ASCII
// devices on socat ptys, the real `hallmon edge` process, the real `hallmon server` process (SQLite,
// then a real influxd), and the HTTP API. Values, scaling, signed negatives and calibration arrive
// intact; every reading the edge acknowledged is stored exactly once; rollups agree with raw data;
// the server knows the edge runs its local config file.
import { test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.ts';
import { spawnServer, ADMIN_PASSWORD, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { startInfluxd } from '../helpers/influxd.ts';
import { waitFor, sleep } from '../helpers/wait.ts';
import { api, drained, EXPECTED, rawPoints, rollupCount, SERIES, startHall } from './harness.ts';

async function endToEnd(t: TestContext, storeArgs: string[]) {
  const dir = tempDir('hallmon-e2e-');
  t.onTestFinished(() => dir.remove());
  const server = await spawnServer(['--data-dir', join(dir.path, 'server'), ...storeArgs]);
  t.onTestFinished(async () => {
    await server.stop();
  });
  const hall = await startHall(dir.path, { url: server.mqttUrl, ...DEMO_GATEWAY });
  t.onTestFinished(() => hall.stop());
  const a = await api(server.url, ADMIN_PASSWORD);

  // Every series arrives.
  for (const { sensor, metric } of SERIES)
    await waitFor(async () => (await rawPoints(a, sensor, metric)).length >= 3, `${sensor}/${metric} stored`, 60_000);
  await sleep(1500);
  await hall.stopDevices();
  const health = await drained(hall);

  let stored = 0;
  for (const { sensor, metric } of SERIES) {
    const points = await rawPoints(a, sensor, metric);
    const expected = (EXPECTED as Record<string, Record<string, number>>)[sensor]![metric]!;
    for (const [, v] of points) assert.ok(Math.abs(v - expected) < 1e-6, `${sensor}/${metric}: ${v} != ${expected}`);
    const distinct = new Set(points.map(([ts]) => ts));
    assert.equal(distinct.size, points.length, `${sensor}/${metric}: no timestamp stored twice`);
    assert.equal(
      await rollupCount(a, sensor, metric),
      points.length,
      `${sensor}/${metric}: 1m rollups count every stored reading once`,
    );
    stored += points.length;
  }
  assert.equal(stored, health.counters.readings, 'every reading the edge acknowledged is stored, once');
  // The edge runs its local config file (it wins): the server knows and the dashboard shows it.
  const cfg = await a.get<{ edge: { mode: string | null; state: string | null; running: number | null } }>(
    '/api/config/sites/demo',
  );
  assert.deepEqual([cfg.edge.mode, cfg.edge.state, cfg.edge.running], ['local', 'local', null]);
}

test('edge -> server -> SQLite store -> API', async (t) => {
  await endToEnd(t, ['--store', 'sqlite']);
});

test('edge -> server -> InfluxDB store -> API', async (t) => {
  const influx = await startInfluxd();
  t.onTestFinished(() => influx.stop());
  await endToEnd(t, ['--store', 'influxdb', '--influx-url', `${influx.url}/hallmon_e2e`]);
});
