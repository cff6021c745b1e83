// The simulated counter devices against the edge's real device broker: the scenario's events arrive
// normalised, and the evaluator-offline scenario takes eval-w03 off the network and back.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import {
  createLogger,
  loadProfiles,
  loadSites,
  toIso,
  type DeviceEvent,
  type DeviceStatus,
} from '@hallmon/firmware-config';
import { MqttDevicesDriver } from '@hallmon/edge';
import type { DriverSink } from '@hallmon/edge';
import { getScenario, SimClock, CounterDevices } from '@hallmon/simulators';
import { waitFor } from '../helpers/wait.ts';

test('simulated evaluators and queue machine publish through the edge device broker; eval-w03 drops out', async (t) => {
  const site = loadSites().get('demo')!;
  const profiles = loadProfiles();
  const devices = site.zones.flatMap((z) => z.devices).filter((d) => profiles.get(d.profile)?.transport === 'mqtt');
  const events: DeviceEvent[] = [];
  const statuses: Array<{ device: string; status: DeviceStatus }> = [];
  const faults: string[] = [];
  const sink: DriverSink = {
    sample: () => undefined,
    event: (e) => events.push(e),
    status: (device, status) => statuses.push({ device, status }),
    fault: (_k, _d, detail) => faults.push(detail),
    polled: () => undefined,
  };
  const log = createLogger('test-sim-devices', 'silent');
  const driver = new MqttDevicesDriver({
    site: 'demo',
    config: {
      port: 0,
      host: '127.0.0.1',
      devices: devices.map((d) => ({
        id: d.id,
        profile: d.profile,
        zone: 'hall',
        password: 'dev-secret',
        window: d.window,
      })),
    },
    profiles,
    sink,
    log,
  });
  await driver.start();
  t.onTestFinished(() => driver.stop());

  // 09:50 on a working day, at 120× speed: the devices have 5 real seconds to connect (a loaded
  // machine needs more than one) before the 10:00-10:30 outage, which takes 15 real seconds.
  const start = Date.parse('2025-05-06T09:50:00+08:00');
  const clock = new SimClock({ start, speed: 120 });
  const signals = getScenario('evaluator-offline')!.signals(site, 9, { from: start });
  const at = signals.incidentAt!;
  assert.equal(at, Date.parse('2025-05-06T10:00:00+08:00'));
  const sim = new CounterDevices({
    url: `mqtt://127.0.0.1:${driver.port}`,
    site,
    signals,
    password: 'dev-secret',
    clock,
    log,
    tickMs: 100,
  });
  await sim.start();
  t.onTestFinished(() => sim.stop());

  const w03 = () => statuses.filter((s) => s.device === 'eval-w03').map((s) => s.status);
  await waitFor(() => w03().length >= 3, 'eval-w03 online, offline, online', 60_000);
  assert.deepEqual(w03().slice(0, 3), ['online', 'offline', 'online']);
  for (const d of devices)
    assert.ok(
      statuses.some((s) => s.device === d.id && s.status === 'online'),
      `${d.id} came online`,
    );
  await sim.stop();
  const end = clock.now();

  // Everything received is exactly what the scenario says, normalised to UTC; nothing rejected.
  assert.deepEqual(faults, []);
  const expected = signals.events(start, end).map((e) => ({ ...e, ts: toIso(Date.parse(String(e.ts))) }));
  const key = (e: DeviceEvent) => JSON.stringify(e);
  const want = new Set(expected.map(key));
  assert.ok(events.length > 20, `events received: ${events.length}`);
  for (const e of events) assert.ok(want.has(key(e)), `unexpected event ${key(e)}`);
  assert.ok(
    !events.some(
      (e) => e.device === 'eval-w03' && Date.parse(String(e.ts)) >= at && Date.parse(String(e.ts)) < at + 30 * 60_000,
    ),
  );
  assert.ok(events.some((e) => e.type === 'rating') && events.some((e) => e.type === 'ticket_called'));
});
