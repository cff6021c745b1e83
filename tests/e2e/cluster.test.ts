// Three hallmon servers as one group (docs/cluster.md) on real parts: Debian's mosquitto 2 (MQTT 5
// shared subscriptions), a temporary PostgreSQL cluster (state, duty leases, live push) and influxd
// (time series). They share the ingest; kill -9 of one while 20 sites publish QoS 1 loses no
// acknowledged reading and stores none twice; an alarm whose notifying server dies mid-delivery is
// raised once and notified once; a dashboard on any server sees an alarm another one stored; the
// owner of a site whose rules run on the server dies and the next owner raises the alarm once.
import assert from 'node:assert/strict';
import { afterAll, beforeAll, describe, test } from 'vitest';
import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { startReceiver, type Receiver } from '../alarms/harness.ts';
import { waitFor } from '../helpers/wait.ts';
import { serverOf, startGroup, type ServerGroup } from './cluster.ts';

const SITES = 20;
const PER_SITE = 100;

interface Health {
  ingest: { telemetry: { accepted: number } };
  broker: { kind: string; connected: boolean; shareGroup?: string };
}

describe('a group of three servers', () => {
  let g: ServerGroup;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    g = await startGroup({
      servers: 3,
      sites: SITES,
      ruled: 1,
      notifications: [{ id: 'all-generic', url: `${receiver.url}/generic`, format: 'generic' }],
      leaseTtlS: 3,
    });
  });
  afterAll(async () => {
    await g?.stop();
    await receiver?.stop();
  });

  test('every server joined the shared subscription and the sites spread over them', async () => {
    for (const s of g.servers) {
      const h = await waitFor(
        async () => {
          const r = (await (await fetch(`${s.url}/api/health`)).json()) as Health;
          return r.broker.connected ? r : undefined;
        },
        'every ingest connection up',
        30_000,
        200,
      );
      assert.deepEqual([h.broker.kind, h.broker.shareGroup], ['external', 'hallmon']);
    }
    const owners = await waitFor(
      async () => {
        const rows = await g.query<{ owner: string; n: number }>(
          'SELECT owner, count(*)::int AS n FROM leases GROUP BY owner',
        );
        const total = rows.reduce((a, r) => a + r.n, 0);
        return rows.length === 3 && total === SITES + 1 ? rows : undefined;
      },
      'each server owning a share of the sites',
      60_000,
      200,
    );
    for (const o of owners) assert.ok(serverOf(g, o.owner), `the owner ${o.owner} is one of the three`);
  });

  test('kill -9 of one server while 20 sites publish QoS 1: every acknowledged reading stored once', async () => {
    const start = Date.now() - 60 * 60_000;
    const acked = new Map<string, Set<number>>();
    const publishers = await Promise.all(
      g.sites.map(async (site) => {
        const c = await mqtt.connectAsync(g.broker.url, { clientId: `gw-${site}`, protocolVersion: 5 });
        acked.set(site, new Set());
        return { site, c };
      }),
    );
    const victim = g.servers[1]!;
    let killed = false;
    await Promise.all(
      publishers.map(async ({ site, c }) => {
        for (let i = 0; i < PER_SITE; i++) {
          const ts = start + i * 1000;
          await c.publishAsync(
            `hallmon/v1/${site}/telemetry`,
            JSON.stringify({ sensor: `${site}-th-1`, metric: 'temperature', value: 20 + (i % 10) / 10, ts }),
            { qos: 1 },
          );
          acked.get(site)!.add(ts);
          // A third of the way through, one server dies without a word.
          if (site === g.sites[0] && i === Math.floor(PER_SITE / 3) && !killed) {
            killed = true;
            await victim.kill9();
          }
        }
      }),
    );
    await Promise.all(publishers.map(({ c }) => c.endAsync()));
    assert.ok(killed);
    const survivor = g.servers[0]!;
    const token = await g.token(survivor);
    const stored = async (site: string) => {
      const url = `${survivor.url}/api/readings?site=${site}&sensor=${site}-th-1&metric=temperature&from=${new Date(start).toISOString()}&to=${new Date(start + PER_SITE * 1000).toISOString()}`;
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { points: [string, number][] };
      return body.points.map(([ts]) => Date.parse(ts));
    };
    // Acknowledged by the broker means stored by one of the group, sooner or later.
    // (On a timeout the comparison below names what is missing.)
    await waitFor(
      async () => (await Promise.all(g.sites.map(stored))).every((p) => p.length >= PER_SITE),
      'every acknowledged reading stored',
      120_000,
      500,
    ).catch(() => undefined);
    const missing = await Promise.all(g.sites.map(async (s) => `${s}:${PER_SITE - (await stored(s)).length}`));
    const state = JSON.stringify({
      members: await g.query('SELECT id, alive_until FROM members'),
      accepted: await Promise.all(
        g.servers
          .filter((s) => s.alive())
          .map(async (s) => ((await (await fetch(`${s.url}/api/health`)).json()) as Health).ingest.telemetry.accepted),
      ),
    });
    let total = 0;
    for (const site of g.sites) {
      const points = await stored(site);
      total += points.length;
      assert.deepEqual(
        points,
        [...acked.get(site)!].sort((a, b) => a - b),
        `${site}: each acknowledged reading once, nothing else (missing per site: ${missing.join(' ')}; ${state})`,
      );
    }
    assert.equal(total, SITES * PER_SITE);
    // Each survivor stored part of the stream: the ingest was shared.
    const accepted = await Promise.all(
      [g.servers[0]!, g.servers[2]!].map(
        async (s) => ((await (await fetch(`${s.url}/api/health`)).json()) as Health).ingest.telemetry.accepted,
      ),
    );
    assert.ok(
      accepted.every((n) => n > 0),
      `both survivors took messages (${accepted.join(', ')})`,
    );
    // The dead server's duties passed to the survivors.
    await waitFor(
      async () => {
        const rows = await g.query<{ owner: string }>('SELECT DISTINCT owner FROM leases WHERE until > 0');
        const live = await g.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM leases WHERE until > (extract(epoch from clock_timestamp()) * 1000)::bigint`,
        );
        return rows.every((r) => serverOf(g, r.owner) !== victim) && live[0]!.n === SITES + 1;
      },
      "the dead server's leases taken over",
      60_000,
      200,
    );
  });

  test('an alarm whose notifying server dies mid-delivery is raised once and notified once; every dashboard sees it', async () => {
    const site = g.sites[5]!;
    const alive = g.servers.filter((s) => s.alive());
    const token = await g.token(alive[0]);
    // A dashboard on each live server, subscribed to the site.
    const seen = new Map<string, string[]>();
    const sockets: Socket[] = [];
    for (const s of alive) {
      const socket = io(s.url, { auth: { token }, transports: ['websocket'], reconnection: false });
      sockets.push(socket);
      seen.set(s.url, []);
      socket.on('alarm', (a: { id: string; state: string }) => seen.get(s.url)!.push(`${a.id}/${a.state}`));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect_error', reject);
        socket.emit('subscribe', { site }, (ack: { ok: boolean }) =>
          ack.ok ? resolve() : reject(new Error('refused')),
        );
      });
    }
    try {
      // The receiver refuses every post until the server that took the notice is dead.
      receiver.failFirst.set('/generic', 1_000_000);
      const id = `${site}:5.2.2:mr-temperature-critical:${site}-th-1:${Date.now()}`;
      const now = Date.now();
      const edge = await mqtt.connectAsync(g.broker.url, { clientId: `edge-${site}`, protocolVersion: 5 });
      await edge.publishAsync(
        `hallmon/v1/${site}/alarms`,
        JSON.stringify({
          id,
          site,
          clause: '5.2.2',
          rule: 'mr-temperature-critical',
          sensor: `${site}-th-1`,
          severity: 'critical',
          state: 'raised',
          ts: new Date(now).toISOString(),
          startedAt: new Date(now - 60_000).toISOString(),
          peak: 33.5,
          limit: 32,
          message: 'machine room too hot',
        }),
        { qos: 1 },
      );
      await edge.endAsync();
      // Every dashboard, whichever server stored the alarm, shows it.
      for (const s of alive)
        await waitFor(
          () => seen.get(s.url)!.includes(`${id}/raised`),
          `the alarm on the dashboard of ${s.url}`,
          30_000,
        );
      const [claim] = await waitFor(
        async () => {
          const rows = await g.query<{ claimed_by: string }>(
            `SELECT claimed_by FROM alarm_notices WHERE alarm_id = $1 AND event = 'raised' AND claimed_by IS NOT NULL`,
            [id],
          );
          return rows.length ? rows : undefined;
        },
        'the raise notice claimed',
        30_000,
      );
      const claimer = serverOf(g, claim!.claimed_by)!;
      assert.ok(claimer, 'the claimer is a server of the group');
      await waitFor(
        async () =>
          (await g.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications WHERE alarm_id = $1`, [id]))[0]!
            .n > 0,
        'a first delivery attempt',
        30_000,
      );
      await claimer.kill9();
      receiver.failFirst.set('/generic', 0);
      await waitFor(
        async () =>
          (
            await g.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM alarm_notices WHERE alarm_id = $1 AND event = 'raised' AND done_at IS NOT NULL`,
              [id],
            )
          )[0]!.n === 1,
        'the notice sent by a survivor',
        60_000,
        200,
      );
      const hits = receiver.hits.filter(
        (h) => h.path === '/generic' && (h.body as { alarm?: { id?: string } }).alarm?.id === id,
      );
      assert.equal(hits.length, 1, 'notified once');
      const alarms = await g.query<{ state: string }>('SELECT state FROM alarms WHERE id = $1', [id]);
      assert.deepEqual(alarms, [{ state: 'raised' }], 'raised once');
      const delivered = await g.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM notifications WHERE alarm_id = $1 AND status = 'delivered'`,
        [id],
      );
      assert.equal(delivered[0]!.n, 1);
    } finally {
      for (const s of sockets) s.disconnect();
    }
  });

  test('the owner of a site whose rules run on the server dies: the next owner raises the alarm once, notified once', async () => {
    // One more server, so that one survives the owner's death whoever the owner is.
    await g.addServer();
    const site = g.sites[0]!; // rulesAt: server
    const alive = () => g.servers.filter((s) => s.alive());
    const ownerOf = async () =>
      (
        await g.query<{ owner: string }>(
          `SELECT owner FROM leases WHERE site = $1 AND until > (extract(epoch from clock_timestamp()) * 1000)::bigint`,
          [site],
        )
      )[0]?.owner;
    const owner = serverOf(g, (await waitFor(ownerOf, `an owner of ${site}`, 60_000, 200))!)!;
    assert.ok(owner?.alive(), 'the owner is a live server of the group');
    await owner.kill9();
    assert.ok(alive().length >= 1);
    // While nobody owns the site, its machine room runs hot for 70 s (stored by the survivors).
    const now = Date.now();
    const gw = await mqtt.connectAsync(g.broker.url, { clientId: `gw2-${site}`, protocolVersion: 5 });
    const readings = Array.from({ length: 71 }, (_, i) => ({
      sensor: `${site}-th-1`,
      metric: 'temperature',
      value: 35,
      ts: now - 75_000 + i * 1000,
    }));
    await gw.publishAsync(`hallmon/v1/${site}/telemetry`, JSON.stringify(readings), { qos: 1 });
    await gw.endAsync();
    const critical = () =>
      g.query<{ id: string; state: string }>(
        `SELECT id, state FROM alarms WHERE site = $1 AND rule = 'mr-temperature-critical' AND started_at >= $2`,
        [site, now - 80_000],
      );
    const [alarm] = await waitFor(
      async () => ((await critical()).length ? critical() : undefined),
      'the new owner raising the critical alarm',
      90_000,
      250,
    );
    // The lease may be between two live servers for a moment (the group rebalancing after the new
    // server joined): wait for it to be held again.
    const next = serverOf(g, (await waitFor(ownerOf, `a live owner of ${site}`, 60_000, 200))!);
    assert.ok(next && next !== owner && next.alive(), 'a live server took the site over');
    await waitFor(
      async () =>
        (
          await g.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM alarm_notices WHERE alarm_id = $1 AND event = 'raised' AND done_at IS NOT NULL`,
            [alarm!.id],
          )
        )[0]!.n === 1,
      'the raise notified',
      60_000,
      200,
    );
    assert.equal((await critical()).length, 1, 'raised once');
    const hits = receiver.hits.filter(
      (h) =>
        (h.body as { alarm?: { id?: string }; event?: string }).alarm?.id === alarm!.id &&
        (h.body as { event?: string }).event === 'raised',
    );
    assert.equal(hits.length, 1, 'notified once');
  });
});
