// `hallmon service install server|edge` (docs/operations.md, "Running as a service"): the real
// command writes systemd units that systemd's own checker (`systemd-analyze verify`) accepts, with
// restart on failure, the network up first and the hardening options; the edge keeps the serial
// devices (dialout) and may write its data dir, taken from its config; flags after -- reach the
// server. The checker itself refuses a broken unit, so a passing verify means something.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HALLMON, REPO } from '../helpers/edge-process.ts';
import { tempDir } from '../helpers/tmp.ts';

const hallmon = (args: string[]) =>
  spawnSync(process.execPath, [HALLMON, ...args], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
const verify = (file: string) => spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });

test('the server and edge units pass systemd-analyze verify and carry restart, ordering and hardening', (t) => {
  const dir = tempDir('hallmon-units-');
  t.onTestFinished(() => dir.remove());
  const units = join(dir.path, 'units');

  const server = hallmon([
    'service',
    'install',
    'server',
    '--unit-dir',
    units,
    '--data-dir',
    join(dir.path, 'srv data'),
    '--',
    '--store',
    'influxdb',
    '--influx-url',
    'http://127.0.0.1:8086/hallmon',
  ]);
  assert.equal(server.status, 0, server.stderr);
  assert.match(server.stdout, /systemctl daemon-reload && systemctl enable --now hallmon-server/);

  const edgeConfig = join(dir.path, 'edge.json');
  writeFileSync(
    edgeConfig,
    JSON.stringify({
      site: 'demo',
      siteConfig: join(REPO, 'tests', 'fixtures', 'edge', 'site-demo.json'),
      uplink: { url: 'mqtt://server.hall:1883', username: 'demo-gateway', password: 'demo-gateway-secret' },
      dataDir: './edge-data',
      buses: [
        { port: 'COM3', devices: [{ id: 'mr-th-1', profile: 'th-modbus-f03', unitId: 1, zone: 'machine-room' }] },
      ],
    }),
  );
  const edge = hallmon(['service', 'install', 'edge', '--config', edgeConfig, '--unit-dir', units, '--user', 'hall']);
  assert.equal(edge.status, 0, edge.stderr);

  for (const name of ['hallmon-server.service', 'hallmon-edge.service']) {
    const file = join(units, name);
    const v = verify(file);
    assert.equal(v.status, 0, `${name}: ${v.stderr}`);
    assert.equal(v.stderr.trim(), '', `${name}: systemd-analyze has nothing to say`);
    const unit = readFileSync(file, 'utf8');
    for (const line of [
      'After=network-online.target',
      'Restart=on-failure',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'WantedBy=multi-user.target',
    ])
      assert.ok(unit.split('\n').includes(line), `${name} has ${line}`);
    assert.match(unit, new RegExp(`^ExecStart=${process.execPath} ${HALLMON} `, 'm'));
  }
  const srv = readFileSync(join(units, 'hallmon-server.service'), 'utf8');
  assert.match(
    srv,
    /^ExecStart=.* server --data-dir ".*srv data" --store influxdb --influx-url http:\/\/127\.0\.0\.1:8086\/hallmon$/m,
  );
  assert.match(srv, /^PrivateDevices=yes$/m);
  assert.match(srv, /^User=hallmon$/m);
  const edg = readFileSync(join(units, 'hallmon-edge.service'), 'utf8');
  assert.match(edg, /^SupplementaryGroups=dialout$/m);
  assert.doesNotMatch(edg, /PrivateDevices/);
  assert.match(edg, new RegExp(`^ReadWritePaths=${join(dir.path, 'edge-data')}$`, 'm'));
  assert.match(edg, /^User=hall$/m);

  // The checker is not a rubber stamp: a unit with a bad value and a missing program fails it.
  const broken = join(units, 'broken.service');
  writeFileSync(
    broken,
    srv.replace('Restart=on-failure', 'Restart=sometimes').replace(process.execPath, '/nonexistent/node'),
  );
  assert.notEqual(verify(broken).status, 0);
});

test('service install says what to fix: no kind, an edge without its config, a config with problems', (t) => {
  const dir = tempDir('hallmon-units-bad-');
  t.onTestFinished(() => dir.remove());
  const none = hallmon(['service', 'install', '--unit-dir', dir.path]);
  assert.equal(none.status, 2);
  assert.match(none.stderr, /hallmon service install server, or hallmon service install edge --config FILE/);
  const noConfig = hallmon(['service', 'install', 'edge', '--unit-dir', dir.path]);
  assert.equal(noConfig.status, 2);
  assert.match(noConfig.stderr, /--config/);
  const bad = join(dir.path, 'edge.json');
  writeFileSync(bad, JSON.stringify({ site: 'demo' }));
  const invalid = hallmon(['service', 'install', 'edge', '--config', bad, '--unit-dir', dir.path]);
  assert.equal(invalid.status, 2);
  assert.match(invalid.stderr, /uplink/);
});
