// `hallmon server` as a real process: prints where it listens and where data lives, answers
// /api/health, stops cleanly on SIGTERM; a bad flag value fails fast naming the flag; the first
// start without HALLMON_ADMIN_PASSWORD prints a generated admin password once.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { spawnServer } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/tmp.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'hallmon.js');

test('hallmon server starts, reports its URL and stops on SIGTERM', async (t) => {
  const srv = await spawnServer();
  t.onTestFinished(async () => {
    await srv.stop();
  });
  assert.match(srv.stdout(), new RegExp(`http://127\\.0\\.0\\.1:${srv.httpPort}`));
  assert.match(srv.stdout(), /data\s+\//);
  const h = (await (await fetch(`${srv.url}/api/health`)).json()) as { status: string };
  assert.equal(h.status, 'ok');
  assert.equal(await srv.stop(), 0);
});

test('a bad flag value fails fast and names the flag', () => {
  for (const [args, re] of [
    [['--http-port', 'eighty'], /--http-port/],
    [['--store', 'postgres'], /--store/],
    [['--tls-cert', '/nonexistent.pem', '--tls-key', '/nonexistent.pem'], /--tls-cert/],
  ] as const) {
    const r = spawnSync(process.execPath, [BIN, 'server', ...args], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, re);
  }
});

test('first start without HALLMON_ADMIN_PASSWORD prints a generated password once', async (t) => {
  const dir = tempDir('hallmon-cli-');
  t.onTestFinished(() => dir.remove());
  const dataDir = join(dir.path, 'data');
  const env = { HALLMON_ADMIN_PASSWORD: '' };
  const first = await spawnServer(['--data-dir', dataDir], env);
  const out1 = first.stdout();
  assert.equal(await first.stop(), 0);
  const m = /user "admin" with password: (\S+)/.exec(out1);
  assert.ok(m, out1);
  const second = await spawnServer(['--data-dir', dataDir], env);
  t.onTestFinished(async () => {
    await second.stop();
  });
  assert.doesNotMatch(second.stdout(), /password/);
  const login = await fetch(`${second.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: m[1] }),
  });
  assert.equal(login.status, 200);
});
