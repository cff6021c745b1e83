// The edge's handling of configuration messages (edge/src/remote-config.ts), with the real agent and
// a real broker (in-process aedes) standing in for the server: a message the edge cannot use (a
// profile this edge does not know, a damaged digest, not JSON) is refused with the reason and the
// field, and the edge keeps running its last good version; the good one is kept on disk, so an edge
// restarted while the server is unreachable runs it at once.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import {
  configDigest,
  createLogger,
  loadProfiles,
  loadSites,
  topics,
  type EdgeConfigMessage,
  type EdgeConfigState,
  type SiteConfig,
} from '@hallmon/firmware-config';
import { RemoteConfig } from '../../edge/src/remote-config.ts';
import { startAedes } from '../helpers/brokers.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

const log = createLogger('test', 'silent');

function message(site: SiteConfig, version: number): EdgeConfigMessage {
  const content = { site, deviceCredentials: [] };
  return { version, digest: configDigest(content), issuedAt: new Date().toISOString(), ...content };
}

function demo(): SiteConfig {
  const { file: _f, gateway: _g, notifications: _n, ...s } = loadSites().get('demo')!;
  // The edge serves the counter devices on a free port; the serial devices are not attached here.
  return { ...structuredClone(s), edge: { mqttDevices: { port: 0, host: '127.0.0.1' } } };
}

test('refused messages keep the last good version; the last good one survives a restart without the server', async (t) => {
  const broker = await startAedes();
  t.onTestFinished(() => broker.stop());
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const server = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
  t.onTestFinished(() => server.endAsync(true));
  const states: EdgeConfigState[] = [];
  await server.subscribeAsync(topics.configState('demo'), { qos: 1 });
  server.on('message', (_t, p) => states.push(JSON.parse(p.toString()) as EdgeConfigState));
  const publish = (payload: string) => server.publishAsync(topics.config('demo'), payload, { qos: 1, retain: true });
  const lastState = () => states[states.length - 1];

  const base = { uplink: { url: broker.url, username: 'demo-gateway', password: 'x' }, dataDir: dir.path };
  const edge = new RemoteConfig({ site: 'demo', base, profiles: loadProfiles(), log });
  await edge.start();
  await waitFor(() => lastState()?.state === 'waiting', 'the edge to say it waits for a configuration');

  // Version 1: good.
  await publish(JSON.stringify(message(demo(), 1)));
  await waitFor(() => lastState()?.state === 'applied' && lastState()?.running === 1, 'version 1 applied');
  assert.equal(lastState()!.digest, message(demo(), 1).digest);

  // Version 2 names a profile this edge does not have (a newer server's): refused, version 1 runs on.
  const newer = demo();
  newer.zones[1]!.devices.push({ id: 'mr-th-9', profile: 'th-modbus-f99' });
  await publish(JSON.stringify(message(newer, 2)));
  await waitFor(() => lastState()?.received === 2, 'version 2 judged');
  assert.equal(lastState()!.state, 'rejected');
  assert.equal(lastState()!.running, 1);
  const at = newer.zones[1]!.devices.length - 1;
  assert.ok(
    (lastState()!.error ?? '').includes(`/zones/1/devices/${at}/profile: unknown profile "th-modbus-f99"`),
    lastState()!.error,
  );
  assert.equal(edge.status.running, 1);

  // A damaged message (content changed, digest not): refused naming the digest.
  const damaged = message(demo(), 3);
  damaged.site.name = 'changed in transit';
  await publish(JSON.stringify(damaged));
  await waitFor(() => lastState()?.received === 3, 'version 3 judged');
  assert.equal(lastState()!.state, 'rejected');
  assert.match(lastState()!.error ?? '', /\/digest: does not match the content/);
  // Not JSON at all.
  await publish('{ not json');
  await waitFor(() => /not JSON/.test(lastState()?.error ?? ''), 'the garbage refused');
  assert.equal(lastState()!.running, 1);

  // Version 4: good again (a rule override, so the rules are rebound).
  const v4 = demo();
  v4.limitProfiles = [{ profile: 'machine-room-legacy-2008-class-c', zone: 'machine-room' }];
  await publish(JSON.stringify(message(v4, 4)));
  await waitFor(() => lastState()?.state === 'applied' && lastState()?.running === 4, 'version 4 applied');
  assert.equal(lastState()!.error, undefined);
  await edge.stop();

  // Restarted while the server is unreachable: version 4 runs at once, from disk.
  await broker.stop();
  const again = new RemoteConfig({
    site: 'demo',
    base: { ...base, uplink: { ...base.uplink, url: 'mqtt://127.0.0.1:1' } },
    profiles: loadProfiles(),
    log,
  });
  await again.start();
  t.onTestFinished(() => again.stop());
  assert.equal(again.status.state, 'applied');
  assert.equal(again.status.running, 4);
  assert.deepEqual(again.agent.currentConfig.mqttDevices?.devices?.map((d) => d.id).sort(), [
    'eval-w01',
    'eval-w02',
    'eval-w03',
    'eval-w04',
    'queue-1',
  ]);
});
