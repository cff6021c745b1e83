// `hallmon edge` runs from an esbuild bundle (bin/build.js, dist/edge.mjs), not through tsx: these prove the
// bundle file is what runs, that it is built when missing and rebuilt when a source is newer (so no
// one ever runs stale code), that two edges starting at once are safe, and the tsx escape hatch.
// The bundle goes to a per-test folder (HALLMON_EDGE_BUNDLE) inside the checkout, where the
// external packages (better-sqlite3, serialport) resolve from; the shared bundle is left alone.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { join } from 'node:path';
import { REPO, runEdgeToExit } from '../helpers/edge-process.ts';

/** A bundle stand-in whose main() says it ran: if the launcher used tsx, this would never print. */
const STUB = `export async function main(argv) { process.stdout.write('STUB-BUNDLE ' + argv.join(' ') + '\\n'); return 0; }\n`;

function bundleDir(t: { onTestFinished(fn: () => void): void }): string {
  const base = join(REPO, 'node_modules', '.cache', 'hallmon');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'test-'));
  t.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const isRealHelp = (out: string) =>
  /Usage: hallmon edge --config FILE/.test(out) && /HALLMON_EDGE_FROM_SOURCE=1/.test(out);

test('the first start builds the bundle; a fresh bundle is the code that runs', async (t) => {
  const bundle = join(bundleDir(t), 'edge.mjs');
  const env = { HALLMON_EDGE_BUNDLE: bundle };

  const first = await runEdgeToExit(['--help'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.ok(isRealHelp(first.stdout), first.stdout);
  const built = readFileSync(bundle, 'utf8');
  assert.match(built, /hallmon edge/, 'the bundle holds the edge CLI');

  // Newer than every source: the launcher must run this file as it is, not rebuild it, not use tsx.
  writeFileSync(bundle, STUB);
  const future = new Date(Date.now() + 365 * 86_400_000);
  utimesSync(bundle, future, future);
  const second = await runEdgeToExit(['--help', '--x'], env);
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, 'STUB-BUNDLE --help --x\n');
  assert.equal(readFileSync(bundle, 'utf8'), STUB, 'a fresh bundle is not rebuilt');
});

test('a source file newer than the bundle makes the next start rebuild it', async (t) => {
  const bundle = join(bundleDir(t), 'edge.mjs');
  const env = { HALLMON_EDGE_BUNDLE: bundle };
  // Older than every source (the sources' own mtimes are left alone: others are editing them).
  writeFileSync(bundle, STUB);
  const past = new Date('2000-01-01T00:00:00Z');
  utimesSync(bundle, past, past);

  const r = await runEdgeToExit(['--help'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(isRealHelp(r.stdout), `the stale stub must not run:\n${r.stdout}`);
  assert.notEqual(readFileSync(bundle, 'utf8'), STUB);
  const sourceMtime = statSync(join(REPO, 'edge', 'src', 'cli.ts')).mtimeMs;
  assert.ok(
    statSync(bundle).mtimeMs >= Math.floor(sourceMtime),
    'the rebuilt bundle is stamped no older than the sources',
  );
});

test('two edges starting at once with no bundle both run; no temp files are left', async (t) => {
  const dir = bundleDir(t);
  const env = { HALLMON_EDGE_BUNDLE: join(dir, 'edge.mjs') };
  const [a, b] = await Promise.all([runEdgeToExit(['--help'], env), runEdgeToExit(['--help'], env)]);
  for (const r of [a, b]) {
    assert.equal(r.code, 0, r.stderr);
    assert.ok(isRealHelp(r.stdout), r.stdout);
  }
  assert.deepEqual(readdirSync(dir), ['edge.mjs']);
});

test('HALLMON_EDGE_FROM_SOURCE=1 runs the sources through tsx and ignores the bundle', async (t) => {
  const bundle = join(bundleDir(t), 'edge.mjs');
  writeFileSync(bundle, STUB);
  const future = new Date(Date.now() + 365 * 86_400_000);
  utimesSync(bundle, future, future);
  const r = await runEdgeToExit(['--help'], { HALLMON_EDGE_BUNDLE: bundle, HALLMON_EDGE_FROM_SOURCE: '1' });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(isRealHelp(r.stdout), r.stdout);
  assert.equal(readFileSync(bundle, 'utf8'), STUB);
});

test("config errors from the bundled edge still exit 2 in the user's terms", async (t) => {
  const bundle = join(bundleDir(t), 'edge.mjs');
  const r = await runEdgeToExit([], { HALLMON_EDGE_BUNDLE: bundle, HALLMON_CONFIG: '' });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^hallmon edge: --config FILE is required/);
});
