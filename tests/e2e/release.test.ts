// The packed release (bin/release.js, docs/operations.md "Installing a release"): unpacked in a
// folder outside the checkout, with no TypeScript and no tsx, it runs the server with its dashboard,
// writes and verifies an evidence pack (pdfkit and the CJK font resolve from its own node_modules)
// and starts the edge's command; and the checkout's own `hallmon` runs the built bundle.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/edge-process.ts';
import { spawnServer } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';

const run = (bin: string, args: string[], cwd: string) =>
  spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 170_000,
    env: { ...process.env, HALLMON_LOG_LEVEL: 'warn' },
  });

test('the checkout runs the built bundle, not the TypeScript sources', () => {
  const r = run(join(REPO, 'bin', 'hallmon.js'), ['--version'], REPO);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+ \(built \d{4}-\d{2}-\d{2}T/);
  const src = spawnSync(process.execPath, [join(REPO, 'bin', 'hallmon.js'), '--version'], {
    encoding: 'utf8',
    env: { ...process.env, HALLMON_FROM_SOURCE: '1' },
  });
  assert.match(src.stdout, /from the TypeScript sources/);
});

test('a packed release unpacked outside the checkout runs server, dashboard, evidence and edge', async (t) => {
  const out = tempDir('hallmon-release-');
  t.onTestFinished(() => out.remove());
  const packed = run(join(REPO, 'bin', 'release.js'), ['--out', out.path], REPO);
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = readdirSync(out.path).find((f) => f.endsWith('.tar.gz'));
  assert.ok(tarball, packed.stdout);

  const inst = tempDir('hallmon-installed-');
  t.onTestFinished(() => inst.remove());
  const tar = spawnSync('tar', ['-xzf', join(out.path, tarball), '-C', inst.path], { encoding: 'utf8' });
  assert.equal(tar.status, 0, tar.stderr);
  const [folder] = readdirSync(inst.path);
  const root = join(inst.path, folder!);
  const bin = join(root, 'bin', 'hallmon.js');
  for (const absent of [
    'bin/cli.ts',
    'server/src',
    'node_modules/tsx',
    'node_modules/typescript',
    'node_modules/esbuild',
  ])
    assert.equal(existsSync(join(root, absent)), false, `${absent} is not part of a release`);

  const version = run(bin, ['--version'], inst.path);
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /\(built /);

  const server = await spawnServer([], {}, bin);
  t.onTestFinished(async () => {
    await server.stop();
  });
  const page = await (await fetch(`${server.url}/`)).text();
  assert.match(page, /<title>hallmon 大厅环境监测<\/title>/, 'the dashboard is served');
  const health = (await (await fetch(`${server.url}/api/health`)).json()) as { status: string };
  assert.equal(health.status, 'ok');
  assert.equal(await server.stop(), 0);

  const data = join(inst.path, 'data');
  const history = run(
    bin,
    [
      'simulate',
      '--scenario',
      'normal-day',
      '--backfill',
      '--from',
      '2025-05-01',
      '--to',
      '2025-05-02',
      '--data-dir',
      data,
      '--noise-step',
      '60',
    ],
    inst.path,
  );
  assert.equal(history.status, 0, history.stderr);
  const pack = join(inst.path, 'pack');
  const evidence = run(
    bin,
    ['evidence', '--site', 'demo', '--from', '2025-05-01', '--to', '2025-05-01', '--out', pack, '--data-dir', data],
    inst.path,
  );
  assert.equal(evidence.status, 0, evidence.stderr);
  assert.ok(existsSync(join(pack, 'evidence.pdf')));
  const text = spawnSync('pdftotext', [join(pack, 'evidence.pdf'), '-'], { encoding: 'utf8' });
  assert.match(text.stdout, /机房/, 'the PDF carries Chinese text (the font resolved from the release)');
  assert.equal(run(bin, ['evidence', 'verify', pack, '--data-dir', data], inst.path).status, 0);

  const edge = run(bin, ['edge', '--help'], inst.path);
  assert.equal(edge.status, 0, edge.stderr);
  assert.match(edge.stdout, /Usage: hallmon edge --config FILE/);
});
