// The machine room's state inputs end to end over real transports: a simulated 8-channel DI module
// (function 02, NO and NC contacts), a UPS with a Modbus card (status-word bit fields) and a T/H
// transmitter on one socat pty bus, a UPS network card played by Debian's real snmpd (UPS-MIB,
// RFC 1628), the real EdgeAgent with its live rules, and a real server. Each state input reaches the
// store and raises its alarm within two poll intervals of its change (counted in the simulators'
// own answers, not in elapsed time), the alarm starts at the stored change, and a state is stored
// as its changes, not at the poll rate.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createLogger,
  deviceProfile,
  loadEdgeConfig,
  loadProfiles,
  type EdgeConfig,
  type LoadedSite,
  type Metric,
} from '@hallmon/firmware-config';
import { EdgeAgent, edgeRules } from '@hallmon/edge';
import { ModbusSlaveBus } from '@hallmon/simulators';
import { startTestServer, DEMO_GATEWAY } from '../helpers/server-process.ts';
import { ptyPair } from '../helpers/socat.ts';
import { startSnmpd, type UpsValues } from '../helpers/snmpd.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';
import { demoWith } from '../alarms/harness.ts';

const POLL_MS = 500;
const profiles = loadProfiles();

test(
  'each state input reaches the store and raises its alarm within two poll intervals',
  { timeout: 170_000 },
  async (t) => {
    const log = createLogger('test-mr-inputs', process.env.HALLMON_LOG_LEVEL ?? 'warn');
    const dir = tempDir('hallmon-mr-inputs-');
    t.onTestFinished(() => dir.remove());

    // The demo site, its machine room with a second UPS on the LAN (SNMP).
    const demo = demoWith({}).get('demo')!;
    const mr = demo.zones.find((z) => z.id === 'machine-room')!;
    mr.devices.push({ id: 'mr-ups-2', profile: 'ups-snmp-rfc1628', name: '机房 UPS（网卡）' });
    const { file: _file, ...siteJson } = demo;
    const siteFile = join(dir.path, 'site.json');
    writeFileSync(siteFile, JSON.stringify(siteJson));
    const sites = new Map<string, LoadedSite>([['demo', { ...siteJson, file: siteFile }]]);

    const server = await startTestServer({ sites });
    t.onTestFinished(() => server.stop());
    const token = await server.login();

    // What each simulated device reports, in metric terms (the bus encodes NC contacts and bit fields).
    const di: Partial<Record<Metric, number>> = { water_leak: 0, smoke: 0, door_open: 0, ac_running: 1 };
    const ups: Partial<Record<Metric, number>> = {
      mains_ok: 1,
      ups_on_battery: 0,
      ups_battery_pct: 100,
      ups_load_pct: 35,
      ups_runtime_min: 41,
    };
    const th: Partial<Record<Metric, number>> = { temperature: 23, humidity: 45 };
    // Each answer a slave gives, by device: when, and the value of each metric it carried.
    const answers = new Map<string, Array<{ t: number; m: Metric; v: number }>>();
    const source = (id: string, values: Partial<Record<Metric, number>>) => (m: Metric, t: number) => {
      const v = values[m];
      if (v !== undefined) {
        const list = answers.get(id) ?? [];
        list.push({ t, m, v });
        answers.set(id, list);
      }
      return v;
    };
    const pair = await ptyPair(dir.path, 'mr');
    t.onTestFinished(() => pair.close());
    const device = (id: string) => demo.zones.flatMap((z) => z.devices).find((d) => d.id === id)!;
    const bus = new ModbusSlaveBus({
      path: pair.device,
      baudRate: 9600,
      slaves: [
        { unitId: 1, profile: deviceProfile(profiles, device('mr-di-1'))!, value: source('mr-di-1', di) },
        { unitId: 2, profile: deviceProfile(profiles, device('mr-ups-1'))!, value: source('mr-ups-1', ups) },
        { unitId: 3, profile: deviceProfile(profiles, device('mr-th-1'))!, value: source('mr-th-1', th) },
      ],
    });
    await bus.start();
    t.onTestFinished(() => bus.stop());
    const card: UpsValues = { charge: 100, runtime: 41, load: 30, outputSource: 3, inputVoltage: 221 };
    const snmpd = await startSnmpd(card);
    t.onTestFinished(() => snmpd.stop());

    const raw: EdgeConfig = {
      site: 'demo',
      siteConfig: siteFile,
      uplink: { url: server.mqttUrl!, ...DEMO_GATEWAY },
      dataDir: join(dir.path, 'edge'),
      buses: [
        {
          port: pair.host,
          baudRate: 9600,
          pollMs: POLL_MS,
          devices: [
            { id: 'mr-di-1', profile: 'di8-modbus-f02', unitId: 1, zone: 'machine-room' },
            { id: 'mr-ups-1', profile: 'ups-modbus-f03', unitId: 2, zone: 'machine-room' },
            { id: 'mr-th-1', profile: 'th-modbus-f03', unitId: 3, zone: 'machine-room' },
          ],
        },
      ],
      snmpDevices: [
        {
          id: 'mr-ups-2',
          profile: 'ups-snmp-rfc1628',
          zone: 'machine-room',
          host: '127.0.0.1',
          port: snmpd.port,
          community: snmpd.community,
          pollMs: POLL_MS,
        },
      ],
    };
    const edgeFile = join(dir.path, 'edge.json');
    writeFileSync(edgeFile, JSON.stringify(raw));
    const { config, site } = loadEdgeConfig(edgeFile, profiles);
    // The door's limit is 10 min in the catalogue; here it is 0 s, so its alarm is as quick as the others'.
    const rules = edgeRules({
      site,
      profiles,
      dataDir: config.dataDir,
      log,
      overrides: [{ rule: 'mr-door-open', minDurationS: 0 }],
    })!;
    const agent = new EdgeAgent({ config, site, profiles, log, rules, flushMs: 20 });
    await agent.start();
    t.onTestFinished(() => agent.stop());

    const points = async (sensor: string, metric: Metric, from: number) =>
      (
        await server.get<{ points: [string, number][] }>(
          `/api/readings?site=demo&sensor=${sensor}&metric=${metric}&from=${from}&to=${Date.now() + 60_000}`,
          token,
        )
      ).body.points.map(([ts, v]) => [Date.parse(ts), v] as const);
    const alarms = async () => (await server.get<any[]>('/api/alarms?site=demo&state=all', token)).body;

    // Everything answers and its first states are stored.
    const started = Date.now() - 60_000;
    for (const [sensor, metric] of [
      ['mr-di-1', 'water_leak'],
      ['mr-di-1', 'ac_running'],
      ['mr-ups-1', 'mains_ok'],
      ['mr-ups-2', 'mains_ok'],
      ['mr-ups-2', 'ups_runtime_min'],
    ] as const)
      await waitFor(
        async () => (await points(sensor, metric, started)).length > 0,
        `the first ${sensor} ${metric}`,
        30_000,
      );

    /** Flips a state and checks: stored within two of the device's answers, and its alarm started there. */
    async function flip(
      what: string,
      change: () => number,
      sensor: string,
      metric: Metric,
      value: number,
      rule: string,
      answersSince: (since: number, until: number) => number,
    ) {
      const at = change();
      const [ts] = await waitFor(
        async () => (await points(sensor, metric, at - 1000)).find(([p, v]) => p >= at && v === value),
        `${what}: the change stored`,
        30_000,
        100,
      );
      // 0 when the answer in flight at the change already carried it (an SNMP GET reads object by object).
      const polls = answersSince(at, ts);
      assert.ok(polls <= 2, `${what}: stored after ${polls} answers of the device (at most 2 poll intervals)`);
      const alarm = await waitFor(
        async () =>
          (await alarms()).find(
            (a) => a.rule === rule && a.sensor === sensor && a.startedAt === new Date(ts).toISOString(),
          ),
        `${what}: the ${rule} alarm`,
        30_000,
        100,
      );
      assert.equal(alarm.clause, '5.2.2');
      return alarm;
    }
    const modbusAnswers = (id: string, m: Metric) => (since: number, until: number) =>
      (answers.get(id) ?? []).filter((a) => a.m === m && a.t > since && a.t <= until).length;

    const water = await flip(
      'water',
      () => ((di.water_leak = 1), Date.now()),
      'mr-di-1',
      'water_leak',
      1,
      'mr-water-leak',
      modbusAnswers('mr-di-1', 'water_leak'),
    );
    assert.equal(water.severity, 'critical');
    // smoke and door are NC contacts: the bus opens them, the edge inverts them back.
    await flip(
      'smoke',
      () => ((di.smoke = 1), Date.now()),
      'mr-di-1',
      'smoke',
      1,
      'mr-smoke',
      modbusAnswers('mr-di-1', 'smoke'),
    );
    const door = await flip(
      'door',
      () => ((di.door_open = 1), Date.now()),
      'mr-di-1',
      'door_open',
      1,
      'mr-door-open',
      modbusAnswers('mr-di-1', 'door_open'),
    );
    assert.equal(door.severity, 'warning');
    // Mains lost on the Modbus UPS: one status bit (7, utility fail) read as two metrics.
    let cutAt = 0;
    const mains = await flip(
      'mains (modbus)',
      () => {
        ups.mains_ok = 0;
        ups.ups_on_battery = 1;
        ups.ups_runtime_min = 23;
        cutAt = Date.now();
        return cutAt;
      },
      'mr-ups-1',
      'mains_ok',
      0,
      'mr-mains-lost',
      modbusAnswers('mr-ups-1', 'mains_ok'),
    );
    assert.equal(mains.severity, 'critical');
    assert.match(mains.message, /UPS 预计续航 41 分钟/, 'the estimate before the cut');
    // The same cut set the on-battery bit: counted from that instant, not from now.
    await flip(
      'on battery (modbus)',
      () => cutAt,
      'mr-ups-1',
      'ups_on_battery',
      1,
      'mr-ups-on-battery',
      modbusAnswers('mr-ups-1', 'ups_on_battery'),
    );
    // The AC stops and the room warms 3 °C: the AC contact's change is stored at once, and the rise raises.
    const acAt = Date.now();
    di.ac_running = 0;
    const [acTs] = await waitFor(
      async () => (await points('mr-di-1', 'ac_running', acAt - 1000)).find(([p, v]) => p >= acAt && v === 0),
      'the AC stop stored',
      30_000,
      100,
    );
    assert.ok(modbusAnswers('mr-di-1', 'ac_running')(acAt, acTs) <= 2, 'the AC stop stored within two answers');
    th.temperature = 26;
    const ac = await waitFor(
      async () => (await alarms()).find((a) => a.rule === 'mr-ac-stopped' && a.sensor === 'mr-di-1'),
      'the AC-stopped alarm',
      30_000,
      100,
    );
    assert.equal(ac.severity, 'critical');
    assert.equal(ac.startedAt, new Date(acTs).toISOString(), 'it starts when the AC stopped');
    // Mains lost on the SNMP card: upsOutputSource battery, no input voltage.
    const snmpMains = await flip(
      'mains (snmp)',
      () => {
        snmpd.set({ ...card, outputSource: 5, inputVoltage: 0, runtime: 19 });
        return Date.now();
      },
      'mr-ups-2',
      'mains_ok',
      0,
      'mr-mains-lost',
      (since, until) => snmpd.gets().filter((g) => g > since && g <= until).length,
    );
    assert.match(snmpMains.message, /UPS 预计续航 41 分钟/);
    await waitFor(
      async () => (await alarms()).find((a) => a.rule === 'mr-ups-on-battery' && a.sensor === 'mr-ups-2'),
      'the SNMP UPS on battery',
      30_000,
    );

    // Back to normal: the water dries, and its alarm clears at the stored change.
    di.water_leak = 0;
    const cleared = await waitFor(
      async () => (await alarms()).find((a) => a.id === water.id && a.state === 'cleared'),
      'the water alarm cleared',
      30_000,
      100,
    );
    assert.ok(Date.parse(cleared.clearedAt) > Date.parse(water.startedAt));

    // Kept as changes: a few seconds of 500 ms polls stored only the changes of the leak rope (and
    // no 5-minute refresh has come round yet), while the UPS's charge is stored at every poll.
    const driedAt = Date.parse(cleared.clearedAt);
    await waitFor(
      () => (answers.get('mr-di-1') ?? []).filter((a) => a.m === 'water_leak' && a.t > driedAt).length >= 10,
      'ten more polls of the dry rope',
      30_000,
    );
    const leak = await points('mr-di-1', 'water_leak', started);
    assert.deepEqual(
      leak.map(([, v]) => v),
      [0, 1, 0],
    );
    assert.ok((await points('mr-ups-1', 'ups_battery_pct', started)).length > 5, 'analogue figures at the poll rate');
    const health = agent.report();
    assert.ok(health.counters.statesUnchanged > 0, 'unchanged states were held back');
  },
);
