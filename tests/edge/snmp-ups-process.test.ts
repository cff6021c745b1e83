// `hallmon edge` as a user runs it (the esbuild bundle, a child process) reading a UPS network card
// over SNMP: Debian's snmpd answers UPS-MIB (RFC 1628) through a pass script; the edge's SNMP driver
// (net-snmp, bundled) polls it and forwards its charge, load and runtime and its states to a real
// server; a card that stops answering makes the device offline, with the fault code in the log.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedSite } from '@hallmon/firmware-config';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { runHallmon } from '../helpers/edge-process.ts';
import { startSnmpd } from '../helpers/snmpd.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { demoWith } from '../alarms/harness.ts';

test('the bundled edge polls a UPS card over SNMP and forwards what it says', { timeout: 150_000 }, async (t) => {
  const dir = tempDir('hallmon-snmp-edge-');
  t.onTestFinished(() => dir.remove());
  const demo = demoWith({}).get('demo')!;
  demo.zones
    .find((z) => z.id === 'machine-room')!
    .devices.push({ id: 'mr-ups-2', profile: 'ups-snmp-rfc1628', name: '机房 UPS（网卡）' });
  const { file: _file, ...siteJson } = demo;
  const siteFile = join(dir.path, 'site.json');
  writeFileSync(siteFile, JSON.stringify(siteJson));
  const server = await startTestServer({
    sites: new Map<string, LoadedSite>([['demo', { ...siteJson, file: siteFile }]]),
  });
  t.onTestFinished(() => server.stop());
  const token = await server.login();
  const snmpd = await startSnmpd({ charge: 97, runtime: 38, load: 31, outputSource: 3, inputVoltage: 223 });
  t.onTestFinished(() => snmpd.stop());
  const edgeFile = join(dir.path, 'edge.json');
  writeFileSync(
    edgeFile,
    JSON.stringify({
      site: 'demo',
      siteConfig: siteFile,
      uplink: { url: server.mqttUrl, ...DEMO_GATEWAY },
      dataDir: join(dir.path, 'edge'),
      snmpDevices: [
        {
          id: 'mr-ups-2',
          profile: 'ups-snmp-rfc1628',
          zone: 'machine-room',
          host: '127.0.0.1',
          port: snmpd.port,
          community: snmpd.community,
          // snmpd answers UPS-MIB through a forked script: generous on a loaded machine.
          pollMs: 1000,
          timeoutMs: 3000,
          retries: 1,
        },
      ],
    }),
  );
  const edge = runHallmon(['edge', '--config', edgeFile], { HALLMON_LOG_LEVEL: 'warn' });
  t.onTestFinished(async () => {
    await edge.stop();
  });
  const since = Date.now() - 60_000;
  const latest = async (metric: string) => {
    const r = await server.get<{ points: [string, number][] }>(
      `/api/readings?site=demo&sensor=mr-ups-2&metric=${metric}&from=${since}&to=${Date.now() + 60_000}`,
      token,
    );
    return r.body.points.at(-1)?.[1];
  };
  await waitFor(
    async () => {
      if (edge.proc.exitCode !== null) throw new Error(`edge exited: ${edge.stderr()}`);
      return (await latest('ups_runtime_min')) === 38;
    },
    'the runtime from the card',
    60_000,
    200,
  );
  assert.equal(await latest('ups_battery_pct'), 97);
  assert.equal(await latest('ups_load_pct'), 31);
  assert.equal(await latest('mains_ok'), 1, 'input voltage 223 V: mains present');
  assert.equal(await latest('ups_on_battery'), 0, 'upsOutputSource normal (3)');
  snmpd.set({ charge: 95, runtime: 21, load: 31, outputSource: 5, inputVoltage: 0 });
  await waitFor(async () => (await latest('ups_on_battery')) === 1, 'on battery', 30_000, 200);
  assert.equal(await latest('mains_ok'), 0);
  // The card goes silent: offline after three failed polls; back, online again.
  await snmpd.stop();
  const status = async () =>
    (await server.get<any[]>('/api/devices?site=demo', token)).body.find((d) => d.id === 'mr-ups-2')?.status;
  await waitFor(async () => (await status()) === 'offline', 'the card offline', 60_000, 200);
  assert.match(edge.stderr(), /HM_ERR_SNMP_TIMEOUT/);
});
