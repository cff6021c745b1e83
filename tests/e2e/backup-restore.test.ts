// Backup and restore under load (docs/operations.md, "Backup and restore"): the real `hallmon
// server` ingests a continuous stream of QoS 1 readings and alarms while the real `hallmon backup`
// copies its data dir (and, with InfluxDB, its database through `influxd backup -portable` against a
// real influxd). `hallmon restore` puts the copy into a new data dir (and a new database); there,
// every reading and alarm acknowledged before the backup began is found, the users still log in,
// and an evidence pack made from the original data verifies against the restored one. A backup
// altered after it was written is refused.
import { test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { HALLMON, REPO } from '../helpers/edge-process.ts';
import { ADMIN_PASSWORD, DEMO_GATEWAY, spawnServer, type ServerProcess } from '../helpers/server-process.ts';
import { startInfluxd, type TestInfluxd } from '../helpers/influxd.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { api } from './harness.ts';

const hallmon = (args: string[]) =>
  spawnSync(process.execPath, [HALLMON, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...process.env, HALLMON_LOG_LEVEL: 'warn' },
  });

/** The same command, not waited for: ingest goes on while it runs. */
function hallmonAsync(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [HALLMON, ...args], {
      cwd: REPO,
      env: { ...process.env, HALLMON_LOG_LEVEL: 'warn' },
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

interface Load {
  /** Reading timestamps and alarm ids whose PUBACK arrived, with when. */
  readings: Map<number, number>;
  alarms: Map<string, number>;
  stop(): Promise<void>;
}

/** A gateway publishing one reading every few ms and an alarm now and then, QoS 1, until stopped. */
async function startLoad(server: ServerProcess): Promise<Load> {
  const gw = await mqtt.connectAsync(server.mqttUrl, { ...DEMO_GATEWAY, reconnectPeriod: 200 });
  const readings = new Map<number, number>();
  const alarms = new Map<string, number>();
  const base = Date.now() - 3_600_000;
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const ts = base + i * 10;
      const pending: Promise<unknown>[] = [
        gw
          .publishAsync(
            'hallmon/v1/demo/telemetry',
            JSON.stringify({ sensor: 'mr-th-1', metric: 'temperature', value: 20 + (i % 50) / 10, ts }),
            { qos: 1 },
          )
          .then(() => readings.set(ts, Date.now())),
      ];
      if (i % 50 === 0) {
        const id = `demo:mr-temperature:mr-th-1:${ts}`;
        const alarm = {
          id,
          site: 'demo',
          clause: '5.2.2',
          rule: 'mr-temperature',
          sensor: 'mr-th-1',
          severity: 'warning',
          state: 'raised',
          ts,
          startedAt: ts,
          peak: 27.5,
          limit: 27,
        };
        pending.push(
          gw
            .publishAsync('hallmon/v1/demo/alarms', JSON.stringify(alarm), { qos: 1 })
            .then(() => alarms.set(id, Date.now())),
        );
      }
      await Promise.all(pending);
    }
  })();
  return {
    readings,
    alarms,
    stop: async () => {
      running = false;
      await loop;
      await gw.endAsync();
    },
  };
}

async function backupUnderLoad(
  t: TestContext,
  server: ServerProcess,
  dataDir: string,
  out: string,
  extra: string[] = [],
): Promise<{ readings: number[]; alarms: string[] }> {
  const load = await startLoad(server);
  t.onTestFinished(() => load.stop());
  await waitFor(() => load.readings.size >= 300, 'ingest under way', 60_000);
  const began = Date.now();
  const readings = [...load.readings].filter(([, at]) => at < began).map(([ts]) => ts);
  const alarms = [...load.alarms].filter(([, at]) => at < began).map(([id]) => id);
  const backup = await hallmonAsync(['backup', '--data-dir', dataDir, '--out', out, ...extra]);
  const during = [...load.readings.values()].filter((at) => at >= began).length;
  await load.stop();
  assert.equal(backup.code, 0, backup.err);
  assert.ok(during > 0, 'readings kept arriving while the backup ran');
  assert.ok(alarms.length > 0);
  return { readings, alarms };
}

test('SQLite: backup while ingesting, restore, every acknowledged reading and alarm, a passing evidence verify', async (t) => {
  const dir = tempDir('hallmon-backup-');
  t.onTestFinished(() => dir.remove());
  const dataDir = join(dir.path, 'data');
  // A sealed day of history and its evidence pack, made before anything else touches the data.
  const history = hallmon([
    'simulate',
    '--scenario',
    'normal-day',
    '--backfill',
    '--from',
    '2025-05-01',
    '--to',
    '2025-05-02',
    '--data-dir',
    dataDir,
    '--noise-step',
    '60',
  ]);
  assert.equal(history.status, 0, history.stderr);
  const pack = join(dir.path, 'pack');
  const made = hallmon([
    'evidence',
    '--site',
    'demo',
    '--from',
    '2025-05-01',
    '--to',
    '2025-05-01',
    '--out',
    pack,
    '--data-dir',
    dataDir,
  ]);
  assert.equal(made.status, 0, made.stderr);

  const server = await spawnServer(['--data-dir', dataDir]);
  t.onTestFinished(async () => {
    await server.stop();
  });
  const file = join(dir.path, 'backups', 'b.tar.gz');
  mkdirSync(join(dir.path, 'backups'));
  const before = await backupUnderLoad(t, server, dataDir, file);
  await server.stop();

  const restored = join(dir.path, 'restored');
  const r = hallmon(['restore', '--from', file, '--data-dir', restored]);
  assert.equal(r.status, 0, r.stderr);
  const names = readdirSync(restored);
  for (const db of ['hallmon.db', 'users.db', 'audit.db', 'seals.db', 'followups.db', 'notifications.db'])
    assert.ok(names.includes(db), `${db} restored (${names.join(' ')})`);

  const again = await spawnServer(['--data-dir', restored]);
  t.onTestFinished(async () => {
    await again.stop();
  });
  const a = await api(again.url, ADMIN_PASSWORD);
  const lo = Math.min(...before.readings);
  const hi = Math.max(...before.readings);
  const points = (
    await a.get<{ points: [string, number][] }>(
      `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=${lo}&to=${hi + 1}`,
    )
  ).points;
  const stored = new Set(points.map(([ts]) => Date.parse(ts)));
  const missing = before.readings.filter((ts) => !stored.has(ts));
  assert.deepEqual(missing, [], `${missing.length} of ${before.readings.length} acknowledged readings missing`);
  const alarms = new Set(
    (await a.get<{ id: string }[]>(`/api/alarms?site=demo&state=all&from=${lo}&to=${hi + 1}`)).map((x) => x.id),
  );
  assert.deepEqual(
    before.alarms.filter((id) => !alarms.has(id)),
    [],
  );
  await again.stop();
  const verify = hallmon(['evidence', 'verify', pack, '--data-dir', restored]);
  assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);

  // A backup altered after it was written is refused, and nothing is restored.
  const tampered = join(dir.path, 'tampered');
  mkdirSync(tampered);
  const x = spawnSync('tar', ['-xzf', file, '-C', tampered]);
  assert.equal(x.status, 0);
  const token = join(tampered, 'data', 'token-secret');
  writeFileSync(token, `${readFileSync(token, 'utf8')}x`);
  assert.equal(spawnSync('tar', ['-czf', join(dir.path, 'bad.tar.gz'), '-C', tampered, '.']).status, 0);
  const refused = hallmon(['restore', '--from', join(dir.path, 'bad.tar.gz'), '--data-dir', join(dir.path, 'r2')]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /token-secret does not match its checksum/);
});

test('InfluxDB: influxd backup -portable under load, restored into a new database, every acknowledged reading and alarm', async (t) => {
  const dir = tempDir('hallmon-backup-influx-');
  t.onTestFinished(() => dir.remove());
  const influx: TestInfluxd = await startInfluxd();
  t.onTestFinished(() => influx.stop());
  const dataDir = join(dir.path, 'data');
  const server = await spawnServer([
    '--data-dir',
    dataDir,
    '--store',
    'influxdb',
    '--influx-url',
    `${influx.url}/hallmon_live`,
  ]);
  t.onTestFinished(async () => {
    await server.stop();
  });
  const file = join(dir.path, 'b.tar.gz');
  const before = await backupUnderLoad(t, server, dataDir, file, [
    '--influx-url',
    `${influx.url}/hallmon_live`,
    '--influx-rpc',
    influx.rpc,
  ]);
  await server.stop();

  const restored = join(dir.path, 'restored');
  const withoutInflux = hallmon(['restore', '--from', file, '--data-dir', restored]);
  assert.equal(withoutInflux.status, 1, 'a backup with InfluxDB data asks where that goes');
  assert.match(withoutInflux.stderr, /--influx-url/);
  const r = hallmon([
    'restore',
    '--from',
    file,
    '--data-dir',
    restored,
    '--influx-url',
    `${influx.url}/hallmon_restored`,
    '--influx-rpc',
    influx.rpc,
  ]);
  assert.equal(r.status, 0, r.stderr);

  const again = await spawnServer([
    '--data-dir',
    restored,
    '--store',
    'influxdb',
    '--influx-url',
    `${influx.url}/hallmon_restored`,
  ]);
  t.onTestFinished(async () => {
    await again.stop();
  });
  const a = await api(again.url, ADMIN_PASSWORD);
  const lo = Math.min(...before.readings);
  const hi = Math.max(...before.readings);
  const points = (
    await a.get<{ points: [string, number][] }>(
      `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=${lo}&to=${hi + 1}`,
    )
  ).points;
  const stored = new Set(points.map(([ts]) => Date.parse(ts)));
  const missing = before.readings.filter((ts) => !stored.has(ts));
  assert.deepEqual(missing, [], `${missing.length} of ${before.readings.length} acknowledged readings missing`);
  const alarms = new Set(
    (await a.get<{ id: string }[]>(`/api/alarms?site=demo&state=all&from=${lo}&to=${hi + 1}`)).map((x) => x.id),
  );
  assert.deepEqual(
    before.alarms.filter((id) => !alarms.has(id)),
    [],
  );
});
