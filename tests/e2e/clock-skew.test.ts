// An edge whose clock is 10 minutes ahead (docs/alarms.md, "System alarms"): the real edge agent,
// reading a real Modbus transmitter over a socat pty, runs on an injected clock 600 s ahead of the
// machine's (the system clock is never touched) and forwards to a real server. The server sees its
// clock reports 600 s off: a critical clock-skew alarm (a device fault), GET /api/clocks shows the
// offset and the fault, and the readings it stamps in the future are refused and counted. When its
// clock is put right the alarm clears, a device_fault event records the episode, and the evidence
// pack of the day lists it in its continuity section (JSON, CSV and the Chinese PDF).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, loadEdgeConfig, loadProfiles, type EdgeConfig } from '@hallmon/firmware-config';
import { EdgeAgent } from '@hallmon/edge';
import { ModbusSlaveBus } from '@hallmon/simulators';
import type { EdgeClock, EvidencePack, Health } from '@hallmon/contract';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ptyPair } from '../helpers/socat.ts';
import { waitFor } from '../helpers/wait.ts';
import { REPO } from '../helpers/edge-process.ts';

const TEN_MINUTES = 600_000;

test('a 10-minute edge clock skew raises its device fault, shows on /api/clocks and lands in the evidence', async (t) => {
  const dir = tempDir('hallmon-clock-');
  t.onTestFinished(() => dir.remove());
  const server = await startTestServer();
  t.onTestFinished(() => server.stop());
  const token = await server.login();

  const profiles = loadProfiles();
  const bus = await ptyPair(dir.path, 'bus');
  t.onTestFinished(() => bus.close());
  const slave = new ModbusSlaveBus({
    path: bus.device,
    baudRate: 9600,
    slaves: [
      { unitId: 1, profile: profiles.get('th-modbus-f03')!, value: (m: string) => (m === 'temperature' ? 22 : 45) },
    ],
  });
  await slave.start();
  t.onTestFinished(() => slave.stop());

  // The hall PC's clock, as the edge reads it: 10 minutes fast, until the test puts it right.
  let skew = TEN_MINUTES;
  const pcClock = { now: () => Date.now() + skew };
  const raw: EdgeConfig = {
    site: 'demo',
    siteConfig: join(REPO, 'tests', 'fixtures', 'edge', 'site-demo.json'),
    uplink: { url: server.mqttUrl!, ...DEMO_GATEWAY },
    dataDir: join(dir.path, 'edge'),
    buses: [
      {
        port: bus.host,
        baudRate: 9600,
        pollMs: 250,
        devices: [{ id: 'mr-th-1', profile: 'th-modbus-f03', unitId: 1, zone: 'machine-room' }],
      },
    ],
  };
  const file = join(dir.path, 'edge.json');
  writeFileSync(file, JSON.stringify(raw));
  const { config, site } = loadEdgeConfig(file, profiles);
  const agent = new EdgeAgent({
    config,
    site,
    profiles,
    log: createLogger('test-edge', 'warn'),
    clock: pcClock,
    systemClock: pcClock,
    clockReportMs: 200,
  });
  await agent.start();
  t.onTestFinished(() => agent.stop());

  type A = { id: string; rule: string; sensor: string; severity: string; state: string; peak: number | null };
  const clockAlarms = async () =>
    (await server.get<A[]>('/api/alarms?site=demo&state=all', token)).body.filter((a) => a.rule === 'clock-skew');
  const raised = await waitFor(
    async () => (await clockAlarms()).find((a) => a.state === 'raised'),
    'a clock-skew alarm',
    60_000,
    100,
  );
  assert.equal(raised.severity, 'critical', 'ten minutes off: its readings look like the future');
  assert.equal(raised.sensor, 'edge');
  assert.ok(Math.abs((raised.peak ?? 0) - 600) < 10, `peak ${raised.peak} s`);

  const [clock] = (await server.get<EdgeClock[]>('/api/clocks?site=demo', token)).body;
  assert.ok(clock, 'the edge is listed');
  assert.equal(clock.level, 'critical');
  assert.ok(Math.abs(clock.offsetS - 600) < 10, `offset ${clock.offsetS} s`);
  assert.ok(clock.faultSince !== null);

  // What a 10-minute-fast edge does to the data: its readings are refused as from the future.
  await waitFor(
    async () => ((await server.get<Health>('/api/health')).body.ingest.telemetry.rejected['future-timestamp'] ?? 0) > 0,
    'readings refused as future',
    30_000,
    100,
  );

  // The clock is put right: the alarm clears, the episode is recorded, readings are stored again.
  skew = 0;
  await waitFor(
    async () => (await clockAlarms()).every((a) => a.state === 'cleared'),
    'the clock-skew alarm cleared',
    60_000,
    100,
  );
  const [fixed] = (await server.get<EdgeClock[]>('/api/clocks?site=demo', token)).body;
  assert.equal(fixed?.level, 'ok');
  assert.ok(Math.abs(fixed!.offsetS) < 5);
  const events = await waitFor(
    async () => {
      const from = Date.now() - 3_600_000;
      const e = (
        await server.get<{ device: string; fault?: string; detail?: string }[]>(
          `/api/events?site=demo&from=${from}&to=${Date.now() + 60_000}&type=device_fault`,
          token,
        )
      ).body.filter((x) => x.fault === 'clock-skew');
      return e.length ? e : undefined;
    },
    'the clock fault episode stored as a device_fault event',
    30_000,
  );
  assert.equal(events[0]!.device, 'edge');
  assert.match(events[0]!.detail ?? '', /600\.\d s \(ahead\)/);
  await waitFor(
    async () =>
      (
        await server.get<{ points: [string, number][] }>(
          `/api/readings?site=demo&sensor=mr-th-1&metric=temperature&from=${Date.now() - 60_000}&to=${Date.now() + 1000}`,
          token,
        )
      ).body.points.length > 0,
    'readings stored again',
  );

  // The evidence pack of today: the continuity section names the fault, in every format.
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now());
  const pack = (await server.get<EvidencePack>(`/api/evidence?site=demo&from=${today}&to=${today}&format=json`, token))
    .body;
  assert.equal(pack.clockFaults.length, 1);
  const f = pack.clockFaults[0]!;
  assert.equal(f.edge, 'edge');
  assert.equal(f.severity, 'critical');
  assert.ok(f.end !== null, 'the fault ended');
  assert.ok(Math.abs((f.worstOffsetS ?? 0) - 600) < 10);
  assert.ok(pack.deviceFaults.some((d) => d.device === 'edge' && /clock-skew/.test(d.detail ?? '')));
  const pdf = await fetch(`${server.url}/api/evidence?site=demo&from=${today}&to=${today}&format=pdf`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(pdf.status, 200);
  const pdfFile = join(dir.path, 'pack.pdf');
  writeFileSync(pdfFile, Buffer.from(await pdf.arrayBuffer()));
  const text = spawnSync('pdftotext', [pdfFile, '-'], { encoding: 'utf8' }).stdout;
  assert.match(text, /边缘网关时钟偏差超过 5 秒（1）/);
  assert.ok(readFileSync(pdfFile).length > 0);
});
