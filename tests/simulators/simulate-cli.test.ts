// `hallmon simulate` as a user runs it: the real bin/hallmon.js in a child process.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { listScenarios } from '@hallmon/simulators';
import { startAedes } from '../helpers/brokers.ts';
import { waitFor } from '../helpers/wait.ts';
import { tempDir } from '../helpers/tmp.ts';

const BIN = fileURLToPath(new URL('../../bin/hallmon.js', import.meta.url));

function hallmon(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, HALLMON_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.once('error', reject);
    p.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('simulate --list names every scenario with its description', async () => {
  const r = await hallmon(['simulate', '--list']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, listScenarios().length);
  for (const s of listScenarios())
    assert.ok(
      lines.some((l) => l.startsWith(s.name) && l.includes(s.description)),
      s.name,
    );
});

test('simulate --help exits 0 and documents the flags with their env twins', async () => {
  const r = await hallmon(['simulate', '--help']);
  assert.equal(r.code, 0);
  for (const f of [
    '--scenario',
    '--seed',
    '--speed',
    '--serial-dir',
    '--devices-mqtt',
    '--backfill',
    'HALLMON_SCENARIO',
  ])
    assert.ok(r.stdout.includes(f), f);
});

test('an unknown scenario or flag exits non-zero with a message that helps', async () => {
  const r = await hallmon(['simulate', '--scenario', 'loud-evening']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown scenario "loud-evening"/);
  for (const s of listScenarios()) assert.ok(r.stderr.includes(s.name), s.name);
  const bad = await hallmon(['simulate', '--scenario', 'normal-day', '--speeed', '3']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /--speeed/);
  const nothing = await hallmon(['simulate', '--scenario', 'normal-day']);
  assert.notEqual(nothing.code, 0);
  assert.match(nothing.stderr, /--serial-dir|--devices-mqtt|--backfill/);
  const badDate = await hallmon([
    'simulate',
    '--scenario',
    'normal-day',
    '--backfill',
    '--from',
    'yesterday',
    '--to',
    '2025-05-07',
    '--uplink',
    'mqtt://127.0.0.1:1',
    '--username',
    'u',
    '--password',
    'p',
  ]);
  assert.notEqual(badDate.code, 0);
  assert.match(badDate.stderr, /--from must be/);
});

test('simulate --backfill publishes contract batches as the gateway', async (t) => {
  const broker = await startAedes();
  t.onTestFinished(() => broker.stop());
  const users: string[] = [];
  broker.broker.authenticate = (_c, username, password, done) => {
    users.push(String(username));
    done(null, username === 'demo-gateway' && password?.toString() === 'demo-gateway-secret');
  };
  const readings = new Map<string, number>();
  let events = 0;
  let biggest = 0;
  broker.broker.on('publish', (packet, client) => {
    if (!client) return;
    const body = JSON.parse(packet.payload.toString()) as unknown[];
    biggest = Math.max(biggest, body.length);
    if (packet.topic === 'hallmon/v1/demo/telemetry')
      for (const r of body as Array<{ sensor: string }>) readings.set(r.sensor, (readings.get(r.sensor) ?? 0) + 1);
    else if (packet.topic === 'hallmon/v1/demo/events') events += body.length;
    else assert.fail(`unexpected topic ${packet.topic}`);
  });
  const r = await hallmon([
    'simulate',
    '--scenario',
    'normal-day',
    '--seed',
    '4',
    '--backfill',
    '--from',
    '2025-05-06T09:00:00+08:00',
    '--to',
    '2025-05-06T09:20:00+08:00',
    '--batch',
    '500',
    '--uplink',
    broker.url,
    '--username',
    'demo-gateway',
    '--password',
    'demo-gateway-secret',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /backfill 100\.0 %/);
  // 2600 sampled (noise at 1 s, climate every minute) + the machine room's UPS figures every minute
  // (3 × 20) + its states as changes with a 5-minute refresh (DI 4 and UPS 2 states × 4 readings).
  assert.match(r.stdout, /backfilled 2684 readings/);
  await waitFor(() => [...readings.values()].reduce((a, b) => a + b, 0) === 2684, 'all readings at the broker');
  assert.equal(readings.get('mr-di-1'), 16, 'four states, each at 0, 5, 10 and 15 min');
  assert.equal(readings.get('hall-noise-1'), 1200);
  assert.equal(readings.get('mr-th-1'), 40, 'temperature and humidity every minute');
  assert.ok(events > 0);
  assert.ok(biggest <= 500);
  assert.deepEqual([...new Set(users)], ['demo-gateway']);
});

test('simulate --backfill --data-dir writes a store and seals its days through the server writer', async (t) => {
  const dir = tempDir('hallmon-simulate-store-');
  t.onTestFinished(() => dir.remove());
  const r = await hallmon([
    'simulate',
    '--scenario',
    'normal-day',
    '--backfill',
    '--from',
    '2025-05-06',
    '--to',
    '2025-05-08',
    '--data-dir',
    dir.path,
    '--noise-step',
    '60',
    '--no-incidents',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const m =
    /^backfilled (\d+) readings, (\d+) events and (\d+) status changes .* into (.+) in [\d.]+ s; (\d+) days sealed; (\d+) bad ratings followed up$/m.exec(
      r.stdout,
    );
  assert.ok(m, r.stdout);
  assert.equal(m[4], dir.path);
  assert.equal(m[5], '2');
  const store = new Database(join(dir.path, 'hallmon.db'), { readonly: true });
  const seals = new Database(join(dir.path, 'seals.db'), { readonly: true });
  const followups = new Database(join(dir.path, 'followups.db'), { readonly: true });
  try {
    assert.equal(
      (followups.prepare('SELECT count(*) AS n FROM followups').get() as { n: number }).n,
      Number(m[6]),
      'the staff records of the bad ratings',
    );
    assert.equal((store.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n, Number(m[1]));
    assert.equal((store.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, Number(m[2]));
    const rows = seals.prepare('SELECT day, records FROM seals ORDER BY day').all() as Array<{
      day: string;
      records: number;
    }>;
    assert.deepEqual(
      rows.map((x) => x.day),
      ['2025-05-06', '2025-05-07'],
    );
    assert.equal(
      rows.reduce((s, x) => s + x.records, 0),
      Number(m[2]) + Number(m[3]),
      'every event and status change is sealed',
    );
  } finally {
    store.close();
    seals.close();
    followups.close();
  }
});
