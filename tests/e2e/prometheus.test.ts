// Metrics as a monitoring system sees them (docs/operations.md, "Metrics"): Debian's real Prometheus
// scrapes the real `hallmon server` (GET /metrics, here behind --metrics-token) and the real
// `hallmon edge` (GET /metrics on its health port) while simulated devices send readings. Both
// targets are up with no scrape error (the text format parses), and the figures agree with what
// happened: readings accepted by the server, read and forwarded by the edge, devices online, the
// outbox drained, latency histograms filled, process figures under prom-client's usual names.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.ts';
import { loadProfiles, loadSites } from '@hallmon/firmware-config';
import { spawnServer, DEMO_GATEWAY, DEMO_SITE_FILE } from '../helpers/server-process.ts';
import { startPrometheus } from '../helpers/prometheus.ts';
import { waitFor } from '../helpers/wait.ts';
import { startHall } from './harness.ts';

const TOKEN = 'scrape-token-for-the-test';

test('Prometheus scrapes the server and the edge and reads what happened', async (t) => {
  const dir = tempDir('hallmon-prom-e2e-');
  t.onTestFinished(() => dir.remove());
  const server = await spawnServer(['--data-dir', join(dir.path, 'server'), '--metrics-token', TOKEN]);
  t.onTestFinished(async () => {
    await server.stop();
  });
  const hall = await startHall(dir.path, { url: server.mqttUrl, ...DEMO_GATEWAY });
  t.onTestFinished(() => hall.stop());
  assert.equal((await fetch(`${server.url}/metrics`)).status, 401, '/metrics asks for the token when one is set');

  const prom = await startPrometheus([
    { job: 'hallmon-server', target: `127.0.0.1:${server.httpPort}`, bearer: TOKEN },
    { job: 'hallmon-edge', target: new URL(hall.healthUrl).host },
  ]);
  t.onTestFinished(() => prom.stop());

  const targets = await waitFor(
    async () => {
      const ts = await prom.targets();
      return ts.length === 2 && ts.every((x) => x.health === 'up') ? ts : undefined;
    },
    'both targets up',
    60_000,
    250,
  );
  for (const x of targets) assert.equal(x.lastError, '', `${x.job} scrapes without error`);

  const one = async (q: string) => (await prom.query(q))[0]?.value;
  // Readings flow: the server has stored some, the edge has read and forwarded at least as many.
  await waitFor(
    async () => ((await one('hallmon_ingest_accepted_total{job="hallmon-server",stream="telemetry"}')) ?? 0) >= 20,
    'accepted readings scraped',
    60_000,
    500,
  );
  await hall.stopDevices();
  const forwarded = await waitFor(
    async () => {
      const [read, fwd, queued] = await Promise.all([
        one('hallmon_edge_readings_total'),
        one('hallmon_edge_forwarded_total'),
        one('sum(hallmon_edge_outbox_records)'),
      ]);
      return read !== undefined && fwd !== undefined && queued === 0 && fwd >= read ? { read, fwd } : undefined;
    },
    'the edge outbox drained as Prometheus sees it',
    90_000,
    500,
  );
  assert.ok(forwarded.read >= 20);
  const stored = await waitFor(
    async () => {
      const v = await one('hallmon_ingest_accepted_total{stream="telemetry"}');
      return v !== undefined && v >= forwarded.read ? v : undefined;
    },
    'the server count to catch up with the edge',
    30_000,
    500,
  );
  assert.ok(stored >= forwarded.read, `server accepted ${stored}, edge read ${forwarded.read}`);

  assert.equal(await one('hallmon_edge_uplink_connected'), 1);
  assert.equal(await one('hallmon_edge_devices'), 4);
  assert.ok(((await one('hallmon_ingest_batch_seconds_count{stream="telemetry"}')) ?? 0) > 0, 'batch latency observed');
  assert.ok(((await one('hallmon_store_write_seconds_count{stream="telemetry"}')) ?? 0) > 0, 'store writes timed');
  const demo = loadSites([DEMO_SITE_FILE], loadProfiles()).get('demo')!;
  assert.equal(
    await one('hallmon_devices{site="demo"}'),
    demo.zones.reduce((n, z) => n + z.devices.length, 0),
  );
  assert.ok(((await one('hallmon_devices_online{site="demo"}')) ?? 0) >= 3, 'the polled devices count as online');
  for (const job of ['hallmon-server', 'hallmon-edge'])
    assert.ok(((await one(`process_resident_memory_bytes{job="${job}"}`)) ?? 0) > 10e6, `${job} reports its memory`);
  assert.ok(((await one('hallmon_disk_free_bytes')) ?? 0) > 0);
  assert.ok(((await one('hallmon_edge_disk_free_bytes')) ?? 0) > 0);
});
