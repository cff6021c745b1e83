// The edge's embedded device broker against a real mqtt.js device client: valid events pass through
// normalised, every kind of bad input is refused and counted by reason, and the broker keeps
// working afterwards.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { createLogger, loadProfiles, topics, type DeviceEvent, type DeviceStatus } from '@hallmon/firmware-config';
import { MqttDevicesDriver } from '@hallmon/edge';
import type { DriverSink, FaultKind, RawSample } from '@hallmon/edge';
import { waitFor } from '../helpers/wait.ts';

class RecordingSink implements DriverSink {
  samples: RawSample[] = [];
  events: DeviceEvent[] = [];
  statuses: Array<{ device: string; status: DeviceStatus }> = [];
  faults: Array<{ kind: FaultKind; device: string | undefined; detail: string }> = [];
  polls = new Map<string, number>();
  sample(s: RawSample) {
    this.samples.push(s);
  }
  event(e: DeviceEvent) {
    this.events.push(e);
  }
  status(device: string, status: DeviceStatus) {
    this.statuses.push({ device, status });
  }
  fault(kind: FaultKind, device: string | undefined, detail: string) {
    this.faults.push({ kind, device, detail });
  }
  polled(device: string) {
    this.polls.set(device, (this.polls.get(device) ?? 0) + 1);
  }
  byReason(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of this.faults) {
      const r = f.detail.split(':')[0]!;
      out[r] = (out[r] ?? 0) + 1;
    }
    return out;
  }
}

const SITE = 'demo';
const EVENTS = topics.events(SITE);

function connect(port: number, username: string, password: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
      username,
      password,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      clientId: `${username}-${Math.random().toString(16).slice(2)}`,
    });
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

async function startDriver(sink: RecordingSink, offlineAfterS?: number) {
  const driver = new MqttDevicesDriver({
    site: SITE,
    config: {
      port: 0,
      host: '127.0.0.1',
      maxPayload: 4096,
      ...(offlineAfterS ? { offlineAfterS } : {}),
      devices: [
        { id: 'eval-w01', profile: 'evaluator-mqtt', zone: 'hall', password: 'secret-w01', window: 'W01' },
        { id: 'eval-w02', profile: 'evaluator-mqtt', zone: 'hall', password: 'secret-w02', window: 'W02' },
        { id: 'queue-1', profile: 'queue-mqtt', zone: 'hall', password: 'secret-q1' },
      ],
    },
    profiles: loadProfiles(),
    sink,
    log: createLogger('test-mqtt-devices', 'silent'),
  });
  await driver.start();
  return driver;
}

test('device broker accepts valid events and counts every kind of bad input by reason', async (t) => {
  const sink = new RecordingSink();
  const driver = await startDriver(sink);
  t.onTestFinished(() => driver.stop());
  assert.ok(driver.port > 0);

  // An unknown device and a wrong password are refused at CONNECT.
  await assert.rejects(connect(driver.port, 'eval-w99', 'whatever'), /Not authorized/i);
  await assert.rejects(connect(driver.port, 'eval-w01', 'wrong-password'), /Not authorized/i);

  const dev = await connect(driver.port, 'eval-w01', 'secret-w01');
  t.onTestFinished(() => {
    dev.end(true);
  });
  await waitFor(() => sink.statuses.some((s) => s.device === 'eval-w01' && s.status === 'online'), 'eval-w01 online');
  const pub = (payload: string | Buffer) => dev.publishAsync(EVENTS, payload, { qos: 1 });

  const now = Date.now();
  const ok1 = { device: 'eval-w01', type: 'rating', score: 5, window: 'W01', ts: '2025-05-06T09:30:00+08:00' };
  const ok2 = { device: 'eval-w01', type: 'rating', score: 4, ts: now - 1000 }; // no window: the device's own is filled in
  await pub(JSON.stringify(ok1));
  await pub(JSON.stringify(ok2));
  await pub('{"device":"eval-w01","type":"rating",'); // malformed JSON
  await pub(JSON.stringify({ ...ok1, score: 'five' })); // wrong type
  await pub(JSON.stringify({ ...ok1, score: 9 })); // out of range
  await pub(JSON.stringify({ ...ok1, filler: 'x'.repeat(5000) })); // > maxPayload
  await pub(JSON.stringify({ ...ok1, device: 'eval-w02' })); // another device's id
  await pub(JSON.stringify({ ...ok1, ts: new Date(now + 60 * 60_000).toISOString() })); // an hour ahead
  await pub(JSON.stringify({ ...ok1, ts: '2025-05-06 09:30' })); // no offset, not ISO
  await pub(JSON.stringify({ device: 'eval-w01', type: 'ticket_issued', ticket: 'A001', ts: now })); // not an evaluator event
  // A mixed array: the good elements are kept.
  const ok3 = { device: 'eval-w01', type: 'rating', score: 1, window: 'W01', ts: '2025-05-06T10:15:00+08:00' };
  await pub(JSON.stringify([ok3, { ...ok1, score: 0 }, { ...ok1, device: 'queue-1' }, 42]));

  await waitFor(() => sink.events.length >= 3 && sink.faults.length >= 13, 'all messages processed');
  assert.deepEqual(sink.events, [
    { ...ok1, ts: '2025-05-06T01:30:00.000Z' },
    { ...ok2, ts: new Date(ok2.ts).toISOString(), window: 'W01' },
    { ...ok3, ts: '2025-05-06T02:15:00.000Z' },
  ]);
  assert.deepEqual(sink.byReason(), {
    auth: 2,
    json: 1,
    schema: 4, // "five", 9, score 0, the bare number 42
    'too-large': 1,
    identity: 2,
    future: 1,
    timestamp: 1,
    'event-type': 1,
  });
  assert.ok(sink.faults.every((f) => f.kind === 'rejected'));
  assert.equal(sink.faults.filter((f) => f.device === undefined).length, 2, 'auth failures have no device');
  assert.equal(sink.polls.get('eval-w01'), 3);

  // Publishing outside the allowed topics closes the connection and is counted.
  const before = sink.faults.length;
  await new Promise<void>((resolve) => {
    dev.once('close', () => resolve());
    dev.publish(`hallmon/v1/${SITE}/status/eval-w02`, 'offline', { qos: 1 });
  });
  await waitFor(() => sink.faults.length > before, 'topic rejection counted');
  assert.match(sink.faults.at(-1)!.detail, /^topic: /);
  await waitFor(
    () => sink.statuses.some((s) => s.device === 'eval-w01' && s.status === 'offline'),
    'eval-w01 offline after disconnect',
  );

  // Still works afterwards: another device connects and its event arrives.
  const q = await connect(driver.port, 'queue-1', 'secret-q1');
  t.onTestFinished(() => {
    q.end(true);
  });
  await q.publishAsync(
    EVENTS,
    JSON.stringify({ device: 'queue-1', type: 'ticket_called', ticket: 'A012', window: 'W03', ts: now }),
    { qos: 1 },
  );
  await waitFor(() => sink.events.some((e) => e.device === 'queue-1'), 'queue event after the bad ones');
  assert.deepEqual(sink.events.at(-1), {
    device: 'queue-1',
    type: 'ticket_called',
    ticket: 'A012',
    window: 'W03',
    ts: new Date(now).toISOString(),
  });
});

test('a device may subscribe only to its own status topic', async (t) => {
  const sink = new RecordingSink();
  const driver = await startDriver(sink);
  t.onTestFinished(() => driver.stop());
  const dev = await connect(driver.port, 'eval-w02', 'secret-w02');
  t.onTestFinished(() => {
    dev.end(true);
  });
  const own = await dev.subscribeAsync(topics.status(SITE, 'eval-w02'), { qos: 1 });
  assert.equal(own[0]?.qos, 1);
  // SUBACK 0x80 (MQTT 3.1.1 §3.9.3): mqtt.js turns the refusal into an error.
  await assert.rejects(dev.subscribeAsync(EVENTS, { qos: 1 }), /Subscribe error/);
  await assert.rejects(dev.subscribeAsync(topics.status(SITE, 'eval-w01'), { qos: 1 }), /Subscribe error/);
  assert.equal(sink.faults.filter((f) => f.detail.startsWith('topic: ')).length, 2);
});

test('a connected device that stays silent is marked offline, and online again when it speaks', async (t) => {
  const sink = new RecordingSink();
  const driver = await startDriver(sink, 1);
  t.onTestFinished(() => driver.stop());
  // keepalive 60 s: no PINGREQ within the test, so the device is silent.
  const dev = await new Promise<MqttClient>((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${driver.port}`, {
      username: 'queue-1',
      password: 'secret-q1',
      reconnectPeriod: 0,
      keepalive: 60,
    });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
  t.onTestFinished(() => {
    dev.end(true);
  });
  await waitFor(() => sink.statuses.some((s) => s.status === 'offline'), 'offline after silence', 30_000);
  assert.deepEqual(sink.statuses.slice(0, 2), [
    { device: 'queue-1', status: 'online' },
    { device: 'queue-1', status: 'offline' },
  ]);
  await dev.publishAsync(
    EVENTS,
    JSON.stringify({ device: 'queue-1', type: 'ticket_issued', ticket: 'A001', ts: Date.now() }),
    { qos: 1 },
  );
  await waitFor(() => sink.statuses.length >= 3, 'online again');
  assert.deepEqual(sink.statuses[2], { device: 'queue-1', status: 'online' });
});
