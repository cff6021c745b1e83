// Every shipped data file validates, and bad data is reported with file, path and reason.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  deviceProfile,
  edgeConfigFromSite,
  siteProblems,
  loadProfiles,
  loadSites,
  loadSite,
  loadCatalogue,
  loadCalendarYears,
  ConfigError,
  verifySecret,
  hashSecret,
  dayInZone,
  shippedCalendar,
} from '@hallmon/firmware-config';
import { tempDir } from '../helpers/tmp.ts';

test('shipped profiles include the models the contract names, with their register maps', () => {
  const p = loadProfiles();
  const f03 = p.get('th-modbus-f03');
  assert.ok(f03);
  assert.equal(f03.serial?.baudRate, 4800);
  assert.deepEqual(
    f03.metrics.map((m) => [
      m.metric,
      m.register?.function,
      m.register?.address,
      m.register?.signed ?? false,
      m.register?.scale,
    ]),
    [
      ['humidity', 3, 0, false, 0.1],
      ['temperature', 3, 1, true, 0.1],
    ],
  );
  const f04 = p.get('th-modbus-f04');
  assert.equal(f04?.serial?.baudRate, 9600);
  assert.deepEqual(
    f04?.metrics.map((m) => [m.metric, m.register?.function, m.register?.address]),
    [
      ['temperature', 4, 1],
      ['humidity', 4, 2],
    ],
  );
  assert.equal(p.get('noise-modbus-f03')?.metrics[0]?.register?.scale, 0.1);
  for (const id of ['co2-modbus-f03', 'slm-ascii-rs232', 'evaluator-mqtt', 'queue-mqtt']) assert.ok(p.has(id), id);
});

test('the demo site, the catalogue and the calendars validate', () => {
  const sites = loadSites();
  const demo = sites.get('demo');
  assert.ok(demo);
  assert.ok(verifySecret('demo-gateway-secret', demo.gateway!.passwordHash));
  assert.ok(!verifySecret('wrong', demo.gateway!.passwordHash));
  const kinds = new Set(demo.zones.map((z) => z.kind));
  for (const k of ['hall', 'machine-room', 'archive-room']) assert.ok(kinds.has(k as never), k);
  const cat = loadCatalogue();
  const clauses = cat.clauses.map((c) => c.id);
  for (const c of ['1.3.3', '1.3.2', '5.2.2', '5.3', '11.1.2', '1.2.1', '6.1.1']) assert.ok(clauses.includes(c), c);
  const noise = cat.clauses.find((c) => c.id === '1.3.3')?.rules.find((r) => r.id === 'noise-laeq-5min');
  assert.deepEqual([noise?.windowS, noise?.limits?.max, noise?.limits?.clearMax], [300, 80, 77]);
  for (const c of cat.clauses) for (const r of c.rules) assert.ok(r.limitSource.length > 5, `${r.id} cites its source`);
  assert.deepEqual(
    loadCalendarYears().map((y) => y.year),
    [2025, 2026],
  );
});

test('working days follow the official calendar with its swapped days', () => {
  const cal = shippedCalendar();
  assert.equal(cal.isWorkingDay('2025-01-26'), true, 'Sunday 26 Jan 2025 is a 调休 working day');
  assert.equal(cal.isWorkingDay('2025-01-29'), false, 'Spring Festival');
  assert.equal(cal.isWorkingDay('2025-10-08'), false, 'National Day holiday');
  assert.equal(cal.isWorkingDay('2025-10-11'), true, 'Saturday 11 Oct 2025 is worked');
  assert.equal(cal.isWorkingDay('2026-10-10'), true, 'Saturday 10 Oct 2026 is worked');
  assert.equal(cal.isWorkingDay('2026-02-16'), false);
  // A bad rating on Tuesday 30 Sep 2025: 1 working day later skips 1-8 Oct -> Thu 9 Oct.
  assert.equal(cal.addWorkingDays('2025-09-30', 1), '2025-10-09');
  // 5 working days after Thu 9 Oct 2025: Fri 10, Sat 11 (worked), Mon 13, Tue 14, Wed 15.
  assert.equal(cal.addWorkingDays('2025-10-09', 5), '2025-10-15');
  assert.equal(cal.workingDaysBetween('2025-09-30', '2025-10-09'), 1);
  assert.match(cal.missingNextYearWarning('2026-12-01') ?? '', /2027/);
  assert.equal(cal.missingNextYearWarning('2025-12-01'), null);
  assert.equal(cal.missingNextYearWarning('2026-11-30'), null);
  assert.equal(dayInZone(Date.parse('2025-05-01T16:30:00Z'), 'Asia/Shanghai'), '2025-05-02');
});

test('a bad site config reports every problem with file and path', (t) => {
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const file = join(dir.path, 'bad.json');
  writeFileSync(
    file,
    JSON.stringify({
      id: 'Bad Site',
      name: 'x',
      timezone: 'Asia/Shanghai',
      openingHours: [{ days: [8], from: '09:00', to: '17:00' }],
      gateway: { username: 'gw', passwordHash: hashSecret('s', 1024) },
      zones: [{ id: 'z', kind: 'kitchen', name: 'z', devices: [] }],
    }),
  );
  assert.throws(
    () => loadSite(file),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const paths = err.problems.map((p) => p.path);
      assert.ok(paths.includes('/id'), paths.join());
      assert.ok(
        paths.some((p) => p.startsWith('/openingHours/0/days')),
        paths.join(),
      );
      assert.ok(
        paths.some((p) => p.startsWith('/zones/0/kind')),
        paths.join(),
      );
      assert.ok(err.problems.every((p) => p.file === file));
      assert.match(err.message, /bad\.json at \/id/);
      return true;
    },
  );
});

test('unknown profiles, duplicate devices and bad time zones are caught beyond the schema', (t) => {
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const file = join(dir.path, 'x.json');
  writeFileSync(
    file,
    JSON.stringify({
      id: 'x',
      name: 'x',
      timezone: 'Mars/Olympus',
      openingHours: [{ days: [1], from: '09:00', to: '17:00' }],
      gateway: { username: 'gw', passwordHash: hashSecret('s', 1024) },
      zones: [
        {
          id: 'h',
          kind: 'hall',
          name: 'h',
          devices: [
            { id: 'd1', profile: 'no-such-model' },
            { id: 'd1', profile: 'th-modbus-f03' },
          ],
        },
      ],
    }),
  );
  assert.throws(
    () => loadSite(file),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const msgs = err.problems.map((p) => `${p.path} ${p.message}`).join('\n');
      assert.match(msgs, /\/zones\/0\/devices\/0\/profile unknown profile "no-such-model"/);
      assert.match(msgs, /\/zones\/0\/devices\/1\/id duplicate device id "d1"/);
      assert.match(msgs, /\/timezone unknown time zone/);
      return true;
    },
  );
  writeFileSync(file, '{ "id": "x", ');
  assert.throws(() => loadSite(file), /x\.json: not valid json/i);
  assert.throws(() => loadSite(join(dir.path, 'missing.json')), /missing\.json: file not found/);
});

test('input channels and notification routes are checked beyond the schema', (t) => {
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const file = join(dir.path, 'mr.json');
  writeFileSync(
    file,
    JSON.stringify({
      id: 'mr',
      name: 'mr',
      timezone: 'Asia/Shanghai',
      openingHours: [{ days: [1], from: '09:00', to: '17:00' }],
      gateway: { username: 'gw', passwordHash: hashSecret('s', 1024) },
      notifications: [
        { id: 'robot', format: 'wecom' },
        { id: 'mail', format: 'email', url: 'https://x.example/hook', to: ['a@b.cn'] },
        {
          id: 'ladder',
          format: 'email',
          levels: [
            { afterS: 0, to: ['a@b.cn'] },
            { afterS: 0, to: ['c@d.cn'] },
          ],
        },
      ],
      zones: [
        {
          id: 'mr',
          kind: 'machine-room',
          name: 'mr',
          devices: [
            {
              id: 'di-1',
              profile: 'di8-modbus-f02',
              inputs: [
                { channel: 9, metric: 'water_leak' },
                { channel: 2, metric: 'smoke' },
                { channel: 2, metric: 'water_leak', contact: 'NC' },
              ],
            },
            { id: 'di-2', profile: 'di8-modbus-f02' },
            { id: 'th-1', profile: 'th-modbus-f03', inputs: [{ channel: 1, metric: 'door_open' }] },
          ],
        },
      ],
    }),
  );
  assert.throws(
    () => loadSite(file),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const msgs = err.problems.map((p) => `${p.path} ${p.message}`).join('\n');
      assert.match(msgs, /\/zones\/0\/devices\/0\/inputs\/0\/channel channel 9: "di8-modbus-f02" has 8/);
      assert.match(msgs, /\/zones\/0\/devices\/0\/inputs\/2\/channel channel 2 is mapped twice/);
      assert.match(msgs, /\/zones\/0\/devices\/0\/inputs\/2\/metric water_leak is reported twice/);
      assert.match(msgs, /\/zones\/0\/devices\/1 "di-2" is a 8-channel input module: map its wired channels/);
      assert.match(msgs, /\/zones\/0\/devices\/2\/inputs profile "th-modbus-f03" has no input channels/);
      assert.match(msgs, /\/notifications\/0\/url a wecom route needs a url/);
      assert.match(msgs, /\/notifications\/1 an e-mail route has addresses \("to"\), not a url/);
      assert.match(msgs, /\/notifications\/2\/levels\/1\/afterS levels go in order/);
      return true;
    },
  );
});

test('a DI module measures what its site config wires: each channel a state metric, NC inverted', () => {
  const profiles = loadProfiles();
  const demo = loadSites(undefined, profiles).get('demo')!;
  const di = demo.zones.flatMap((z) => z.devices).find((d) => d.id === 'mr-di-1')!;
  const p = deviceProfile(profiles, di)!;
  assert.deepEqual(
    p.metrics.map((m) => [m.metric, m.register?.function, m.register?.address, m.register?.invert ?? false]),
    [
      ['water_leak', 2, 0, false],
      ['smoke', 2, 1, true],
      ['door_open', 2, 2, true],
      ['ac_running', 2, 3, false],
    ],
  );
  assert.equal(deviceProfile(profiles, di), p, 'the same object on every call');
  assert.deepEqual(profiles.get('di8-modbus-f02')!.metrics, [], 'the model itself measures nothing');
  const ups = profiles.get('ups-modbus-f03')!;
  assert.deepEqual(
    ups.metrics
      .filter((m) => m.register?.bit !== undefined)
      .map((m) => [m.metric, m.register?.bit, !!m.register?.invert]),
    [
      ['ups_on_battery', 7, false],
      ['mains_ok', 7, true],
    ],
  );
});

test('the edge config built from a server-kept site carries the DI channels and the SNMP devices', () => {
  const profiles = loadProfiles();
  const site = structuredClone(loadSites(undefined, profiles).get('demo')!);
  site.edge = { buses: [{ id: 'b1', port: '/dev/ttyUSB0', baudRate: 9600 }], mqttDevices: { port: 1884 } };
  const mr = site.zones.find((z) => z.id === 'machine-room')!;
  for (const d of mr.devices) if (d.id === 'mr-di-1') Object.assign(d, { bus: 'b1', unitId: 7 });
  mr.devices.push({
    id: 'mr-ups-2',
    profile: 'ups-snmp-rfc1628',
    snmp: { host: '192.168.1.50', community: 'hallmon' },
  });
  assert.deepEqual(siteProblems(site, profiles), []);
  const edge = edgeConfigFromSite(site, profiles, {
    uplink: { url: 'mqtt://x:1883', username: 'u', password: 'p' },
    dataDir: '/tmp/x',
  });
  const di = edge.buses![0]!.devices.find((d) => d.id === 'mr-di-1')!;
  assert.equal(di.unitId, 7);
  assert.deepEqual(
    di.inputs!.map((c) => [c.channel, c.metric, c.contact]),
    [
      [1, 'water_leak', 'NO'],
      [2, 'smoke', 'NC'],
      [3, 'door_open', 'NC'],
      [4, 'ac_running', 'NO'],
    ],
  );
  assert.deepEqual(edge.snmpDevices, [
    { id: 'mr-ups-2', profile: 'ups-snmp-rfc1628', zone: 'machine-room', host: '192.168.1.50', community: 'hallmon' },
  ]);
  // A T/H transmitter with an SNMP host is refused, naming the field.
  const th = mr.devices.find((d) => d.id === 'mr-th-1')!;
  th.snmp = { host: '10.0.0.1' };
  assert.deepEqual(
    siteProblems(site, profiles).map((p) => p.path),
    ['/zones/1/devices/0/snmp'],
  );
});
