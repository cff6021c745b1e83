// Configuration from the server, end to end with real processes: the `hallmon server` process keeps
// the demo site's config (seeded from a site file whose edge part names a socat pty bus with
// simulated Modbus slaves), and the real `hallmon edge` process is started with only --server,
// --site and a gateway credential. It fetches its devices and runs them; a Modbus device added
// through the API is read without restarting anything and without a gap in the other devices'
// series; an invalid change is refused naming the field and the edge keeps its version; a change
// the edge cannot run (its device broker port taken) is refused by the edge, which reports why and
// keeps its last good version; a new MQTT device credential works on the edge's broker and a revoked
// one is disconnected; the commissioning check flags a device read with the wrong unit id; roll back
// restores the earlier version on the edge too.
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import mqtt from 'mqtt';
import type { ApiError, Commissioning, ConfigSite, CredentialInfo, NewCredentialAnswer } from '@hallmon/contract';
import { freePort } from '../helpers/ports.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { startRemoteHall, TRUTH, type RemoteHall } from './remote-hall.ts';

describe('an edge configured by the server: add, refuse, roll back, credentials, commissioning', () => {
  const dir = tempDir('hallmon-remote-');
  let hall: RemoteHall;
  // Shorthands over the hall.
  const call = <T>(method: string, path: string, body?: unknown) => hall.call<T>(method, path, body);
  const site = () => hall.site();
  const edgeRuns = (v: number) => hall.edgeRuns(v);
  const raw = (sensor: string, metric: string) => hall.raw(sensor, metric);
  const health = () => hall.health();

  beforeAll(async () => {
    hall = await startRemoteHall(dir.path);
  }, 120_000);

  afterAll(async () => {
    await hall?.stop();
    dir.remove();
  });

  test('started with only --server, --site and a credential, the edge fetches its config and reads its devices', async () => {
    const s = await edgeRuns(1);
    assert.equal(s.edge.mode, 'remote');
    for (const [sensor, metrics] of Object.entries({
      'mr-th-1': TRUTH['mr-th-1']!,
      'mr-th-2': TRUTH['mr-th-2']!,
      'hall-noise-1': TRUTH['hall-noise-1']!,
    }))
      for (const [metric, value] of Object.entries(metrics)) {
        const pts = await waitFor(
          async () => {
            const p = await raw(sensor, metric);
            return p.length >= 3 ? p : undefined;
          },
          `${sensor}/${metric} from the remotely configured edge`,
          60_000,
          250,
        );
        assert.ok(
          pts.every(([, v]) => Math.abs(v - value) < 1e-9),
          `${sensor}/${metric}: ${JSON.stringify(pts.slice(0, 3))}`,
        );
      }
    const h = await health();
    assert.equal(h.config.mode, 'remote');
    assert.equal(h.config.running, 1);
    assert.deepEqual(h.devices.map((d) => d.id).sort(), [
      'eval-w01',
      'eval-w02',
      'eval-w03',
      'eval-w04',
      'hall-noise-1',
      'mr-th-1',
      'mr-th-2',
      'queue-1',
    ]);
  });

  test('a Modbus device added through the API is read without a restart and without a gap in the others', async () => {
    const pid = hall.edge.proc.pid;
    const before = (await raw('mr-th-1', 'temperature')).length;
    const added = await call<ConfigSite>('POST', '/api/config/sites/demo/devices', {
      zone: 'machine-room',
      device: { id: 'mr-th-3', profile: 'th-modbus-f03', name: '机房第三路温湿度', bus: 'bus-1', unitId: 5 },
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.equal(added.body.version.version, 2);
    await edgeRuns(2);
    const pts = await waitFor(
      async () => {
        const p = await raw('mr-th-3', 'temperature');
        return p.length >= 3 ? p : undefined;
      },
      'readings of the added device',
      60_000,
      250,
    );
    assert.ok(pts.every(([, v]) => v === TRUTH['mr-th-3']!.temperature));
    assert.deepEqual([...new Set((await raw('mr-th-3', 'humidity')).map(([, v]) => v))], [TRUTH['mr-th-3']!.humidity]);
    const check = await waitFor(
      async () => {
        const c = await call<Commissioning>('GET', '/api/config/sites/demo/devices/mr-th-3/commissioning');
        return c.body.state === 'ok' ? c.body : undefined;
      },
      'the commissioning check to pass',
      30_000,
      250,
    );
    assert.ok(check.readings.length >= 2);
    assert.deepEqual(
      check.metrics.map((m) => m.flag),
      [null, null],
    );

    // The other devices' series went on: polled all along by the same bus driver, in the same process.
    await waitFor(
      async () => (await raw('mr-th-1', 'temperature')).length >= before + 8,
      'more mr-th-1 readings',
      30_000,
      250,
    );
    const series = await raw('mr-th-1', 'temperature');
    const ts = series.map(([t]) => Date.parse(t));
    const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
    // 250 ms polling: a stopped or reopened bus would leave its mark; the gap rule's own threshold is minutes.
    assert.ok(Math.max(...gaps) < 5_000, `largest interval between mr-th-1 readings: ${Math.max(...gaps)} ms`);
    assert.equal(hall.edge.proc.pid, pid);
    assert.equal(hall.edge.proc.exitCode, null, 'the edge was not restarted');
    const h = await health();
    assert.equal(h.counters.dropped, 0);
    assert.ok(h.devices.some((d) => d.id === 'mr-th-3' && d.polled > 0));
  });

  test('an invalid change is refused with the field named and the edge keeps its version', async () => {
    const bad = await call<ApiError>('POST', '/api/config/sites/demo/devices', {
      zone: 'machine-room',
      device: { id: 'mr-th-4', profile: 'th-modbus-f03', bus: 'bus-1', unitId: 5 },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /body\/device\/unitId: slave address 5 is already used on bus "bus-1" by "mr-th-3"/);
    const s = await site();
    assert.equal(s.version.version, 2);
    assert.equal(s.edge.running, 2);
    assert.equal(s.edge.inSync, true);
  });

  test('a device read with the wrong unit id is flagged by the commissioning check', async () => {
    // Unit 6 is a light sensor: read as a T/H transmitter its registers 0 and 1 are zeros.
    const wrong = await call<ConfigSite>('POST', '/api/config/sites/demo/devices', {
      zone: 'archive-room',
      device: { id: 'ar-th-2', profile: 'th-modbus-f03', name: '档案室第二路', bus: 'bus-1', unitId: 6 },
    });
    assert.equal(wrong.status, 201, JSON.stringify(wrong.body));
    await edgeRuns(3);
    const check = await waitFor(
      async () => {
        const c = await call<Commissioning>('GET', '/api/config/sites/demo/devices/ar-th-2/commissioning');
        return c.body.state !== 'waiting' ? c.body : undefined;
      },
      'a commissioning verdict',
      60_000,
      250,
    );
    assert.equal(check.state, 'implausible', JSON.stringify(check));
    assert.match(check.message, /profile.*unit id/);
    assert.match(check.metrics.find((m) => m.metric === 'humidity')!.flag ?? '', /outside what a room shows/);
    // Removing it again.
    const del = await call<ConfigSite>('DELETE', '/api/config/sites/demo/devices/ar-th-2');
    assert.equal(del.status, 200);
    await edgeRuns(4);
  });

  test('a change the edge cannot run is refused by the edge, which says why and keeps its last good version', async () => {
    // Something else on the edge PC holds the port the new config wants for the device broker.
    const taken: Server = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    try {
      const before = (await raw('mr-th-1', 'humidity')).length;
      const patch = await call<ConfigSite>('PATCH', '/api/config/sites/demo', {
        settings: { edge: { ...(await site()).config.edge, mqttDevices: { port, host: '127.0.0.1' } } },
      });
      assert.equal(patch.status, 200, JSON.stringify(patch.body));
      assert.equal(patch.body.version.version, 5);
      const refused = await waitFor(
        async () => {
          const s = await site();
          return s.edge.state === 'rejected' && s.edge.received === 5 ? s : undefined;
        },
        'the edge to refuse version 5',
        60_000,
        200,
      );
      assert.equal(refused.edge.running, 4, 'it keeps running version 4');
      assert.equal(refused.edge.inSync, false);
      assert.match(refused.edge.error ?? '', /already in use/);
      const h = await health();
      assert.equal(h.config.state, 'rejected');
      assert.equal(h.config.running, 4);
      // Version 4's devices are still read.
      await waitFor(
        async () => (await raw('mr-th-1', 'humidity')).length > before + 4,
        'mr-th-1 still read',
        30_000,
        250,
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    const fixed = await call<ConfigSite>('POST', '/api/config/sites/demo/rollback', { version: 4 });
    assert.equal(fixed.status, 200);
    assert.equal(fixed.body.version.version, 6);
    const s = await edgeRuns(6);
    assert.equal(s.edge.state, 'applied');
  });

  test('a new MQTT device credential works on the edge broker and a revoked one is disconnected', async () => {
    const made = await call<NewCredentialAnswer>('POST', '/api/config/credentials', {
      site: 'demo',
      device: 'eval-w01',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const { credential, password } = made.body;
    // The credential changes what the edge holds (same site version, new digest).
    await edgeRuns(6);
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${hall.devicePort}`, {
      username: 'eval-w01',
      password,
      reconnectPeriod: 0,
    });
    const ts = new Date(Date.now() - 1000).toISOString();
    await device.publishAsync(
      'hallmon/v1/demo/events',
      JSON.stringify({ device: 'eval-w01', type: 'rating', score: 5, window: 'W01', ts }),
      { qos: 1 },
    );
    await waitFor(
      async () => {
        const from = new Date(Date.now() - 120_000).toISOString();
        const to = new Date(Date.now() + 60_000).toISOString();
        const r = await call<{ device: string; ts: string }[]>(
          'GET',
          `/api/events?site=demo&from=${from}&to=${to}&type=rating`,
        );
        return r.body.some((e) => e.device === 'eval-w01' && e.ts === ts);
      },
      'the rating to reach the server through the edge',
      30_000,
      250,
    );

    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    const revoked = await call<CredentialInfo>('DELETE', `/api/config/credentials/${credential.id}`);
    assert.equal(revoked.status, 200);
    await closed;
    await assert.rejects(
      mqtt.connectAsync(`mqtt://127.0.0.1:${hall.devicePort}`, { username: 'eval-w01', password, reconnectPeriod: 0 }),
      /Not authorized/i,
    );
    await device.endAsync(true);
  });

  test('roll back restores the earlier version on the server and on the edge', async () => {
    const back = await call<ConfigSite>('POST', '/api/config/sites/demo/rollback', { version: 1 });
    assert.equal(back.status, 200);
    const v = back.body.version.version;
    assert.equal(back.body.version.change, 'rollback');
    assert.ok(!back.body.config.zones.some((z) => z.devices.some((d) => d.id === 'mr-th-3')));
    await edgeRuns(v);
    await waitFor(
      async () => !(await health()).devices.some((d) => d.id === 'mr-th-3'),
      'the edge to drop mr-th-3',
      30_000,
    );
    // The devices of version 1 are read on.
    const n = (await raw('mr-th-2', 'temperature')).length;
    await waitFor(async () => (await raw('mr-th-2', 'temperature')).length > n + 4, 'mr-th-2 still read', 30_000, 250);
    assert.equal((await health()).uplink.connected, true);
  });
});
