// The server killed with kill -9 during a steady stream, then restarted on the same data folder and
// ports: nothing lost, nothing stored twice. The edge's outbox (deleted only after PUBACK, which the
// server sends only after its store committed) and idempotent writes together make it so.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.ts';
import { freePort } from '../helpers/ports.ts';
import { ADMIN_PASSWORD, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { runHallmon, type EdgeProcess } from '../helpers/edge-process.ts';
import { waitFor, sleep } from '../helpers/wait.ts';
import { api, drained, rawPoints, rollupCount, SERIES, startHall } from './harness.ts';

interface Health {
  ingest: { telemetry: { accepted: number } };
}

test('server kill -9 during a steady stream: every acknowledged reading stored exactly once', async (t) => {
  const dir = tempDir('hallmon-kill9-server-');
  t.onTestFinished(() => dir.remove());
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const url = `http://127.0.0.1:${httpPort}`;
  const args = [
    'server',
    '--host',
    '127.0.0.1',
    '--http-port',
    String(httpPort),
    '--mqtt-port',
    String(mqttPort),
    '--data-dir',
    join(dir.path, 'server'),
  ];
  const env = { HALLMON_ADMIN_PASSWORD: ADMIN_PASSWORD, HALLMON_LOG_LEVEL: 'warn' };
  const health = async () => (await (await fetch(`${url}/api/health`)).json()) as Health;
  const startServerProcess = async (): Promise<EdgeProcess> => {
    const p = runHallmon(args, env);
    await waitFor(
      () => {
        if (p.proc.exitCode !== null)
          throw new Error(`hallmon server exited (${p.proc.exitCode}): ${p.stderr().slice(-2000)}`);
        return health().catch(() => undefined);
      },
      'server health',
      60_000,
    );
    return p;
  };

  let server = await startServerProcess();
  t.onTestFinished(async () => {
    await server.stop('SIGTERM');
  });
  const hall = await startHall(dir.path, { url: `mqtt://127.0.0.1:${mqttPort}`, ...DEMO_GATEWAY }, 100);
  t.onTestFinished(() => hall.stop());

  // A steady stream is flowing into the store ...
  await waitFor(
    async () => (await health()).ingest.telemetry.accepted >= 150,
    '150 readings stored before the kill',
    60_000,
  );
  // ... when the server dies without a chance to flush anything.
  assert.equal(await server.stop('SIGKILL'), 'SIGKILL');
  await waitFor(
    async () => ((await hall.health()).uplink.connected ? undefined : true),
    'the edge to notice the uplink is gone',
    30_000,
  );
  await sleep(2000); // the edge keeps reading into its outbox meanwhile
  const queuedWhileDown = (await hall.health()).outbox?.queued ?? 0;
  assert.ok(queuedWhileDown > 0, 'readings were buffered while the server was down');

  server = await startServerProcess();
  await sleep(1500);
  await hall.stopDevices();
  const edge = await drained(hall);

  const a = await api(url, ADMIN_PASSWORD);
  let stored = 0;
  for (const { sensor, metric } of SERIES) {
    const points = await rawPoints(a, sensor, metric);
    assert.equal(
      new Set(points.map(([ts]) => ts)).size,
      points.length,
      `${sensor}/${metric}: no timestamp stored twice`,
    );
    // Redelivered messages (at-least-once) must not count twice in the rollups either.
    assert.equal(
      await rollupCount(a, sensor, metric),
      points.length,
      `${sensor}/${metric}: rollups count each reading once`,
    );
    stored += points.length;
  }
  assert.equal(stored, edge.counters.readings, 'every reading the edge acknowledged is in the store, once');
  await t.annotate(`stored ${stored} readings; ${queuedWhileDown} were queued at the edge while the server was down`);
});
