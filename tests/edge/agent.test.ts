// The edge agent in-process with real parts: a Modbus bus over a socat pty, the embedded broker for
// counter devices, an upstream aedes broker and the health endpoint. Checks the wiring: readings,
// events, device status and rule-engine alarms reach the server topics; a fault episode yields one
// device_fault event whose count matches the error counter; /health reports devices and counters.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import mqtt from 'mqtt';
import {
  createLogger,
  loadEdgeConfig,
  loadProfiles,
  toIso,
  topics,
  type AlarmRecord,
  type DeviceEvent,
  type EdgeConfig,
  type NormalisedReading,
} from '@hallmon/firmware-config';
import { EdgeAgent } from '@hallmon/edge';
import { ModbusSlaveBus } from '@hallmon/simulators';
import { tempDir } from '../helpers/tmp.ts';
import { ptyPair } from '../helpers/socat.ts';
import { freePort } from '../helpers/ports.ts';
import { startAedes } from '../helpers/brokers.ts';
import { waitFor } from '../helpers/wait.ts';
import { REPO } from '../helpers/edge-process.ts';
import { writeFileSync } from 'node:fs';

interface Health {
  status: string;
  site: string;
  uplink: { connected: boolean; forwarded: number };
  outbox: { queued: number };
  devices: { id: string; status: string; lastSeen: string | null; polled: number; errors: number }[];
  counters: { errors: Record<string, number>; readings: number; alarms: number };
}

test(
  'agent wiring: telemetry, events, status, alarms, one device_fault per episode, /health',
  { timeout: 120_000 },
  async (t) => {
    const dir = tempDir('hallmon-agent-');
    t.onTestFinished(() => dir.remove());
    const profiles = loadProfiles();
    const bus = await ptyPair(dir.path, 'bus');
    t.onTestFinished(() => bus.close());
    const slaves = new ModbusSlaveBus({
      path: bus.device,
      baudRate: 9600,
      slaves: [1, 2].map((unitId) => ({
        unitId,
        profile: profiles.get('th-modbus-f03')!,
        value: (m: string) => (m === 'temperature' ? 30 + unitId : 50),
      })),
    });
    await slaves.start();
    t.onTestFinished(() => slaves.stop());

    const upstream = await startAedes();
    t.onTestFinished(() => upstream.stop());
    const got = {
      telemetry: [] as NormalisedReading[],
      events: [] as DeviceEvent[],
      alarms: [] as AlarmRecord[],
      status: new Map<string, string>(),
    };
    const sub = await mqtt.connectAsync(upstream.url, { clientId: 'agent-test-sub' });
    t.onTestFinished(() => sub.endAsync(true));
    sub.on('message', (topic, payload) => {
      const text = payload.toString();
      if (topic === topics.telemetry('demo')) got.telemetry.push(...(JSON.parse(text) as NormalisedReading[]));
      else if (topic === topics.events('demo')) got.events.push(...(JSON.parse(text) as DeviceEvent[]));
      else if (topic === topics.alarms('demo')) got.alarms.push(...(JSON.parse(text) as AlarmRecord[]));
      else if (topic.startsWith('hallmon/v1/demo/status/')) got.status.set(topic.split('/').at(-1)!, text);
    });
    await sub.subscribeAsync('hallmon/v1/demo/#', { qos: 1 });

    const healthPort = await freePort();
    const cfgFile = join(dir.path, 'edge.json');
    const raw: EdgeConfig = {
      site: 'demo',
      siteConfig: join(REPO, 'tests', 'fixtures', 'edge', 'site-demo.json'),
      uplink: { url: upstream.url, username: 'demo-gateway', password: 'demo-gateway-secret' },
      dataDir: join(dir.path, 'data'),
      healthPort,
      buses: [
        {
          port: bus.host,
          baudRate: 9600,
          pollMs: 200,
          timeoutMs: 100,
          retries: 0,
          devices: [
            { id: 'mr-th-1', profile: 'th-modbus-f03', unitId: 1, zone: 'machine-room' },
            { id: 'ar-th-1', profile: 'th-modbus-f03', unitId: 2, zone: 'archive-room' },
          ],
        },
      ],
      mqttDevices: {
        port: 0,
        host: '127.0.0.1',
        devices: [{ id: 'eval-w01', profile: 'evaluator-mqtt', zone: 'hall', password: 'pw-w01', window: 'W01' }],
      },
    };
    writeFileSync(cfgFile, JSON.stringify(raw));
    const { config, site } = loadEdgeConfig(cfgFile, profiles); // the fixture agrees with the site config

    let raised = false;
    const agent = new EdgeAgent({
      config,
      site,
      profiles,
      log: createLogger('agent-test', 'silent'),
      onReading: (r) => {
        if (raised || r.sensor !== 'mr-th-1' || r.metric !== 'temperature' || r.value <= 28) return [];
        raised = true;
        return [
          {
            id: `5.2.2:mr-th-1:${r.ts}`,
            site: 'demo',
            clause: '5.2.2',
            rule: 'mr-temp-high',
            sensor: 'mr-th-1',
            severity: 'warning',
            state: 'raised',
            ts: r.ts,
            startedAt: r.ts,
            peak: r.value,
            limit: 28,
          },
        ];
      },
    });
    await agent.start();
    t.onTestFinished(() => agent.stop());
    const health = async () => (await (await fetch(`http://127.0.0.1:${healthPort}/health`)).json()) as Health;

    // readings of both transmitters, and the rule-engine hook's alarm, reach the server topics
    await waitFor(
      () => got.telemetry.some((r) => r.sensor === 'ar-th-1') && got.telemetry.some((r) => r.sensor === 'mr-th-1'),
      'telemetry of both devices',
    );
    const mr = got.telemetry.find((r) => r.sensor === 'mr-th-1' && r.metric === 'temperature')!;
    assert.equal(mr.value, 31);
    assert.equal(mr.quality, 'ok');
    await waitFor(() => got.alarms.length === 1, 'the alarm from the onReading hook');
    assert.equal(got.alarms[0]!.rule, 'mr-temp-high');

    // a counter device on the embedded broker: its rating and its status are forwarded
    const dev = await mqtt.connectAsync(`mqtt://127.0.0.1:${agent.mqttDevicesPort}`, {
      username: 'eval-w01',
      password: 'pw-w01',
      clientId: 'eval-w01',
    });
    t.onTestFinished(() => dev.endAsync(true));
    await dev.publishAsync(
      topics.events('demo'),
      JSON.stringify({ device: 'eval-w01', type: 'rating', score: 5, window: 'W01', ts: toIso(Date.now()) }),
      { qos: 1 },
    );
    await waitFor(
      () => got.events.find((e) => e.type === 'rating' && e.device === 'eval-w01'),
      'the rating event upstream',
    );
    await waitFor(() => got.status.get('eval-w01') === 'online', 'eval-w01 online upstream');
    assert.equal(got.status.get('edge'), 'online');

    // a fault episode: unit 2 goes silent for several polls, then answers again
    // (A loaded machine may already have had a timeout or two: count from here.)
    const errorsBefore = (await health()).devices.find((d) => d.id === 'ar-th-1')!.errors;
    const silentFrom = Date.now();
    slaves.setFault(2, 'silent');
    await waitFor(
      async () => (await health()).devices.find((d) => d.id === 'ar-th-1')!.errors >= errorsBefore + 4,
      'several timeouts of ar-th-1',
    );
    slaves.setFault(2, 'none');
    const faults = await waitFor(() => {
      const f = got.events.filter(
        (e) => e.type === 'device_fault' && e.device === 'ar-th-1' && Date.parse(String(e.end)) >= silentFrom,
      );
      return f.length ? f : undefined;
    }, 'device_fault event after recovery');
    const h = await health();
    const ar = h.devices.find((d) => d.id === 'ar-th-1')!;
    const allArFaults = got.events.filter((e) => e.type === 'device_fault' && e.device === 'ar-th-1');
    assert.equal(faults.length, 1, 'one device_fault event for the episode, not one per failed poll');
    assert.equal(faults[0]!.fault, 'timeout');
    assert.equal(
      allArFaults.reduce((n, e) => n + (e.count ?? 0), 0),
      ar.errors,
      'episode counts add up to the error counter',
    );
    assert.ok((faults[0]!.count ?? 0) >= 4);

    // /health: site, uplink, outbox, per-device state and counters
    assert.equal(h.site, 'demo');
    assert.equal(h.uplink.connected, true);
    assert.ok(h.uplink.forwarded > 0);
    assert.deepEqual(h.devices.map((d) => d.id).sort(), ['ar-th-1', 'eval-w01', 'mr-th-1']);
    const mrh = h.devices.find((d) => d.id === 'mr-th-1')!;
    assert.ok(mrh.polled > 0 && mrh.lastSeen !== null);
    assert.equal(h.devices.find((d) => d.id === 'eval-w01')!.status, 'online');
    assert.ok((h.counters.errors.timeout ?? 0) >= ar.errors);
    assert.equal(h.counters.alarms, 1);

    await agent.stop();
    await assert.rejects(fetch(`http://127.0.0.1:${healthPort}/health`), 'health endpoint closed after stop');
    assert.equal(agent.outbox.isOpen, false);
    await waitFor(() => got.status.get('edge') === 'offline', 'graceful stop publishes the retained offline');
  },
);
