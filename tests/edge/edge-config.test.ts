// `hallmon edge --config` fails fast, exit 2, naming the file and every JSON path to fix; --help
// answers with exit 0. Runs the real binary (node bin/hallmon.js edge ...).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runEdgeToExit } from '../helpers/edge-process.ts';
import { tempDir } from '../helpers/tmp.ts';

const FIX = join(REPO, 'tests', 'fixtures', 'edge');

test('hallmon edge --help exits 0 and lists the flags with their environment twins', async () => {
  const r = await runEdgeToExit(['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /--config FILE/);
  assert.match(r.stdout, /HALLMON_CONFIG/);
  assert.match(r.stdout, /--health-port N/);
  assert.match(r.stdout, /HALLMON_HEALTH_PORT/);
});

test('several device errors are reported at once: duplicate unitId, unknown device, wrong transport', async () => {
  const file = join(FIX, 'edge-bad-devices.json');
  const r = await runEdgeToExit(['--config', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /invalid configuration \(3 problems\)/);
  const lines = r.stderr.split('\n');
  const has = (path: string, what: RegExp) =>
    assert.ok(
      lines.some((l) => l.includes(file) && l.includes(` at ${path}:`) && what.test(l)),
      `stderr names ${file} at ${path} (${what}):\n${r.stderr}`,
    );
  has('/buses/0/devices/1/unitId', /slave address 1 is used twice/);
  has('/buses/0/devices/2/id', /"mr-th-9" is not in the site config/);
  has('/buses/0/devices/3/profile', /slm-ascii-rs232" is ascii-line, but the device is attached as modbus-rtu/);
  assert.doesNotMatch(r.stderr, /at \/buses\/0\/devices\/0\//, 'the valid device is not blamed');
});

test('schema errors name each path: unitId out of range, uplink URL scheme', async () => {
  const file = join(FIX, 'edge-bad-schema.json');
  const r = await runEdgeToExit(['--config', file]);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`${file} at /buses/0/devices/0/unitId`), r.stderr);
  assert.ok(r.stderr.includes(`${file} at /uplink/url`), r.stderr);
});

test('malformed JSON and a missing file exit 2 naming the file', async () => {
  const bad = join(FIX, 'edge-malformed.json');
  const r1 = await runEdgeToExit(['--config', bad]);
  assert.equal(r1.code, 2, r1.stderr);
  assert.ok(r1.stderr.includes(bad), r1.stderr);
  assert.match(r1.stderr, /not valid json/);

  const dir = tempDir();
  try {
    const missing = join(dir.path, 'nope.json');
    // the environment twin is honoured too
    const r2 = await runEdgeToExit([], { HALLMON_CONFIG: missing });
    assert.equal(r2.code, 2, r2.stderr);
    assert.ok(r2.stderr.includes(missing), r2.stderr);
    assert.match(r2.stderr, /file not found/);
  } finally {
    dir.remove();
  }
});

test('no --config is a usage error; an unwritable dataDir fails fast with exit 2', async () => {
  const r0 = await runEdgeToExit([], { HALLMON_CONFIG: '' });
  assert.equal(r0.code, 2);
  assert.match(r0.stderr, /--config FILE is required/);

  const dir = tempDir();
  try {
    copyFileSync(join(FIX, 'site-demo.json'), join(dir.path, 'site-demo.json'));
    writeFileSync(join(dir.path, 'a-file'), 'not a folder');
    const cfg = join(dir.path, 'edge.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        site: 'demo',
        siteConfig: './site-demo.json',
        uplink: { url: 'mqtt://127.0.0.1:1', username: 'demo-gateway', password: 'demo-gateway-secret' },
        dataDir: './a-file/data',
      }),
    );
    const r = await runEdgeToExit(['--config', cfg]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(join(dir.path, 'a-file', 'data')), r.stderr);
    assert.match(r.stderr, /dataDir/);
  } finally {
    dir.remove();
  }
});

test('an edge configured by the server checks its flags: the server address, the site, the credential', async () => {
  const noCred = await runEdgeToExit(['--server', 'mqtt://127.0.0.1:1', '--site', 'demo'], {
    HALLMON_CONFIG: '',
    HALLMON_PASSWORD: '',
    HALLMON_USERNAME: '',
  });
  assert.equal(noCred.code, 2, noCred.stderr);
  assert.match(noCred.stderr, /--server needs the site's gateway credential: --username U and --password P/);
  assert.match(noCred.stderr, /hallmon credential new --site demo/);
  const badUrl = await runEdgeToExit(['--server', 'http://127.0.0.1:8080', '--site', 'demo'], { HALLMON_CONFIG: '' });
  assert.equal(badUrl.code, 2);
  assert.match(badUrl.stderr, /--server must be the server's MQTT address, e.g. mqtt:\/\//);
  const noSite = await runEdgeToExit(['--server', 'mqtt://127.0.0.1:1'], { HALLMON_CONFIG: '', HALLMON_SITE: '' });
  assert.equal(noSite.code, 2);
  assert.match(noSite.stderr, /--server needs --site ID/);
});
