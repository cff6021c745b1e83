// The key durability test: the REAL edge (node bin/hallmon.js edge) reads a real ASCII sound level
// meter and a real Modbus bus over socat ptys while its upstream broker is down, is killed with
// SIGKILL while buffering, restarted, and then the broker comes up. What is asserted:
//  1. nothing acknowledged is lost: every telemetry record that was in outbox.db when the first edge
//     died (read straight from the file, an independent record) arrives at the subscriber;
//  2. nothing is invented or lost in the second lifetime either: after de-duplication by
//     (sensor, metric, ts) the subscriber holds exactly |outbox at kill| + the readings the second
//     edge acknowledged (its own counter, read from /health once the devices are stopped);
//  3. duplicates (at-least-once delivery) only ever repeat a reading with the identical value;
//  4. per (sensor, metric), arrival order is timestamp order once exact duplicates are ignored.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import type { AuthenticateError } from 'aedes';
import { loadProfiles, topics, type NormalisedReading } from '@hallmon/firmware-config';
import { AsciiMeter, ModbusSlaveBus } from '@hallmon/simulators';
import { tempDir } from '../helpers/tmp.ts';
import { ptyPair } from '../helpers/socat.ts';
import { freePort } from '../helpers/ports.ts';
import { startAedes } from '../helpers/brokers.ts';
import { waitFor, sleep } from '../helpers/wait.ts';
import { REPO, runHallmon, type EdgeProcess } from '../helpers/edge-process.ts';

const key = (r: Pick<NormalisedReading, 'sensor' | 'metric' | 'ts'>) => `${r.sensor}|${r.metric}|${r.ts}`;

function outboxTelemetry(file: string): NormalisedReading[] {
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (
      db.prepare("SELECT body FROM records WHERE stream = 'telemetry' ORDER BY seq").all() as { body: string }[]
    ).map((r) => JSON.parse(r.body) as NormalisedReading);
  } finally {
    db.close();
  }
}

async function health(port: number) {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  return (await res.json()) as {
    status: string;
    outbox: { queued: number };
    uplink: { connected: boolean; forwarded: number };
    counters: { readings: number; buffered: number; queued: number };
    devices: { id: string; polled: number }[];
  };
}

test(
  'kill -9 while buffering, restart, broker up: every acknowledged reading arrives exactly once after de-duplication',
  { timeout: 240_000 },
  async (t) => {
    const dir = tempDir('hallmon-kill9-');
    t.onTestFinished(() => dir.remove());
    const profiles = loadProfiles();
    const th03 = profiles.get('th-modbus-f03')!;

    // --- devices: an ASCII sound level meter and a Modbus RTU bus with two T/H transmitters
    const slm = await ptyPair(dir.path, 'slm');
    t.onTestFinished(() => slm.close());
    const bus = await ptyPair(dir.path, 'bus');
    t.onTestFinished(() => bus.close());
    let lines = 0;
    const meter = new AsciiMeter({
      path: slm.device,
      baudRate: 9600,
      intervalMs: 100,
      value: () => 40 + (lines++ % 900) / 10,
    });
    const slaves = new ModbusSlaveBus({
      path: bus.device,
      baudRate: 9600,
      slaves: [1, 2].map((unitId) => ({
        unitId,
        profile: th03,
        value: (metric: string, tMs: number) =>
          metric === 'temperature' ? 20 + unitId + ((tMs / 1000) % 5) : 40 + ((tMs / 100) % 20),
      })),
    });
    await meter.start();
    t.onTestFinished(() => meter.stop());
    await slaves.start();
    t.onTestFinished(() => slaves.stop());

    // --- the edge config: broker port chosen now, broker not started yet
    const brokerPort = await freePort();
    const healthPort = await freePort();
    const cfg = join(dir.path, 'edge.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        site: 'demo',
        siteConfig: join(REPO, 'tests', 'fixtures', 'edge', 'site-demo.json'),
        uplink: {
          url: `mqtt://127.0.0.1:${brokerPort}`,
          username: 'demo-gateway',
          password: 'demo-gateway-secret',
          batchSize: 100,
        },
        dataDir: './data',
        buses: [
          {
            port: './bus-host',
            baudRate: 9600,
            pollMs: 200,
            devices: [
              { id: 'mr-th-1', profile: 'th-modbus-f03', unitId: 1, zone: 'machine-room' },
              { id: 'ar-th-1', profile: 'th-modbus-f03', unitId: 2, zone: 'archive-room' },
            ],
          },
        ],
        serialMeters: [
          { id: 'hall-slm-1', profile: 'slm-ascii-rs232', port: './slm-host', baudRate: 9600, zone: 'hall' },
        ],
      }),
    );
    const dbFile = join(dir.path, 'data', 'outbox.db');
    const edges: EdgeProcess[] = [];
    t.onTestFinished(async () => {
      for (const e of edges) await e.stop('SIGKILL');
    });

    // --- first life: broker down, the edge buffers; SIGKILL it mid-stream
    const edge1 = runHallmon(['edge', '--config', cfg]);
    edges.push(edge1);
    await waitFor(
      () => {
        const rows = outboxTelemetry(dbFile);
        const sensors = new Set(rows.map((r) => `${r.sensor}|${r.metric}`));
        return rows.length >= 80 && sensors.size === 5;
      },
      `first edge buffering readings of all five series (stderr: ${edge1.stderr().slice(-2000)})`,
      90_000,
      200,
    );
    edge1.proc.kill('SIGKILL');
    assert.equal(await edge1.exited, 'SIGKILL');
    const atKill = outboxTelemetry(dbFile);
    const atKillKeys = new Set(atKill.map(key));
    assert.equal(atKillKeys.size, atKill.length, 'the outbox itself holds no duplicates');
    await t.annotate(`outbox at kill -9: ${atKill.length} readings`);

    // --- second life: still no broker; it must pick up the old outbox and keep buffering
    const edge2 = runHallmon(['edge', '--config', cfg, '--health-port', String(healthPort)]);
    edges.push(edge2);
    await waitFor(
      async () => {
        const h = await health(healthPort);
        return h.outbox.queued > atKill.length + 20 && !h.uplink.connected;
      },
      `second edge buffering on top of the old outbox (stderr: ${edge2.stderr().slice(-2000)})`,
      90_000,
      200,
    );

    // --- broker up; the subscriber subscribes before the edge is let in, so it misses nothing
    const broker = await startAedes(brokerPort);
    t.onTestFinished(() => broker.stop());
    let edgeAllowed = false;
    broker.broker.authenticate = (client, username, password, done) => {
      if (!client.id.startsWith('hallmon-edge-')) return done(null, true);
      if (!edgeAllowed) return done(Object.assign(new Error('not yet'), { returnCode: 3 }) as AuthenticateError, false);
      done(null, username === 'demo-gateway' && password?.toString() === 'demo-gateway-secret');
    };
    const arrivals: NormalisedReading[] = [];
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'kill9-subscriber', reconnectPeriod: 0 });
    t.onTestFinished(() => sub.endAsync(true));
    sub.on('message', (_topic, payload) => arrivals.push(...(JSON.parse(payload.toString()) as NormalisedReading[])));
    await sub.subscribeAsync(topics.telemetry('demo'), { qos: 1 });
    edgeAllowed = true;

    const seen = () => new Set(arrivals.map(key));
    await waitFor(
      () => {
        const s = seen();
        return [...atKillKeys].every((k) => s.has(k));
      },
      'every reading of the killed edge arrives',
      90_000,
      200,
    );

    // --- stop the devices, let the edge drain, then compare with what it acknowledged
    await meter.stop();
    await slaves.stop();
    let last = -1;
    const final = await waitFor(
      async () => {
        const h = await health(healthPort);
        const settled =
          h.uplink.connected && h.outbox.queued === 0 && h.counters.buffered === 0 && h.counters.readings === last;
        last = h.counters.readings;
        return settled ? h : undefined;
      },
      'second edge drained and quiet',
      90_000,
      1500,
    );
    const acknowledgedBySecond = final.counters.readings;
    assert.ok(acknowledgedBySecond > 0);
    await waitFor(
      () => seen().size >= atKill.length + acknowledgedBySecond,
      'subscriber has every reading of the second edge',
      30_000,
      200,
    );
    await sleep(500); // anything still in the broker's pipes would show up as an extra reading below

    assert.equal(await edge2.stop('SIGTERM'), 0, `graceful exit (stderr: ${edge2.stderr().slice(-2000)})`);
    assert.equal(outboxTelemetry(dbFile).length, 0, 'nothing left in the outbox after a graceful stop');

    // 1. nothing acknowledged before the kill was lost
    const s = seen();
    const lost = [...atKillKeys].filter((k) => !s.has(k));
    assert.deepEqual(lost, [], 'readings in the outbox at kill -9 that never arrived');
    // 2. exactly the acknowledged readings of both lives, no more, no fewer
    assert.equal(
      s.size,
      atKill.length + acknowledgedBySecond,
      'distinct readings = outbox at kill + acknowledged by the second edge',
    );
    // 3. duplicates repeat the identical reading
    const byKey = new Map<string, NormalisedReading>();
    let duplicates = 0;
    for (const r of arrivals) {
      const prev = byKey.get(key(r));
      if (prev) {
        duplicates++;
        assert.equal(r.value, prev.value, `duplicate ${key(r)} carries the same value`);
      } else byKey.set(key(r), r);
    }
    // 4. per series, arrival order is timestamp order (ignoring exact duplicates)
    const lastTs = new Map<string, number>();
    const firstSeen = new Set<string>();
    for (const r of arrivals) {
      if (firstSeen.has(key(r))) continue;
      firstSeen.add(key(r));
      const series = `${r.sensor}|${r.metric}`;
      const ts = Date.parse(r.ts);
      assert.ok(ts > (lastTs.get(series) ?? 0), `${series}: ${r.ts} arrived after a later reading`);
      lastTs.set(series, ts);
    }
    assert.equal(lastTs.size, 5, 'all five series arrived');
    await t.annotate(
      `arrivals ${arrivals.length}, distinct ${s.size}, duplicates ${duplicates}, second life acknowledged ${acknowledgedBySecond}`,
    );
  },
);
