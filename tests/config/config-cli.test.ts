// `hallmon credential` and `hallmon config` as real processes on a running server's data dir: a
// credential made on the command line works on the running server's broker within a poll, and a
// revoked one is disconnected; export writes today's site file format, import stores a changed file
// as a new version that the running server applies, history lists the versions, rollback goes back;
// refused input exits 1 naming the field, usage errors exit 2.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { checkSite, parseDataText } from '@hallmon/firmware-config';
import { ADMIN_PASSWORD, spawnServer } from '../helpers/server-process.ts';
import { HALLMON, REPO } from '../helpers/edge-process.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

function hallmon(args: string[]) {
  const r = spawnSync(process.execPath, [HALLMON, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, HALLMON_LOG_LEVEL: 'warn' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('hallmon credential and hallmon config change a running server', async (t) => {
  const dir = tempDir('hallmon-cfgcli-');
  t.onTestFinished(() => dir.remove());
  const data = join(dir.path, 'server');
  const server = await spawnServer(['--data-dir', data]);
  t.onTestFinished(async () => {
    await server.stop();
  });
  assert.match(server.stdout(), /sites\s+demo v1, qingpu-xiayang v1, qingpu-zhujiajiao v1/);
  const login = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const token = ((await login.json()) as { token: string }).token;
  const siteName = async () => {
    const r = await fetch(`${server.url}/api/sites`, { headers: { authorization: `Bearer ${token}` } });
    return ((await r.json()) as { id: string; name: string }[]).find((s) => s.id === 'demo')?.name;
  };

  // Usage errors exit 2 and say what to type.
  const usage = hallmon(['credential', 'new', '--data-dir', data]);
  assert.equal(usage.code, 2, usage.err);
  assert.match(usage.err, /needs --site S/);
  const noStore = hallmon(['config', 'list', '--data-dir', join(dir.path, 'nowhere')]);
  assert.equal(noStore.code, 2);
  assert.match(noStore.err, /no site configuration in .*nowhere/);

  // A gateway credential made on the command line works on the running server ...
  const made = hallmon(['credential', 'new', '--site', 'demo', '--username', 'demo-edge-2', '--data-dir', data]);
  assert.equal(made.code, 0, made.err);
  const password = /password\s+(\S+)/.exec(made.out)?.[1];
  const id = /\((cred-[0-9a-f]+)\)/.exec(made.out)?.[1];
  assert.ok(password && id, made.out);
  const listed = hallmon(['credential', 'list', '--site', 'demo', '--json', '--data-dir', data]);
  assert.equal(listed.code, 0);
  const list = JSON.parse(listed.out) as { id: string; username: string }[];
  assert.deepEqual(list.map((c) => c.username).sort(), ['demo-edge-2', 'demo-gateway']);
  assert.ok(
    !listed.out.includes(password) && !listed.out.includes('scrypt'),
    'neither the secret nor its hash is listed',
  );
  const client = await waitFor(
    () =>
      mqtt
        .connectAsync(server.mqttUrl, { username: 'demo-edge-2', password, reconnectPeriod: 0 })
        .catch(() => undefined),
    'the server to take the new credential',
    20_000,
    200,
  );
  t.onTestFinished(() => client.endAsync(true));
  // ... and revoking it closes that connection.
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  const revoked = hallmon(['credential', 'revoke', id, '--data-dir', data]);
  assert.equal(revoked.code, 0, revoked.err);
  await closed;
  const again = hallmon(['credential', 'revoke', id, '--data-dir', data]);
  assert.equal(again.code, 1);
  assert.match(again.err, /revoked already/);

  // Export, edit, import: a new version the running server applies.
  const file = join(dir.path, 'demo.yaml');
  const exp = hallmon(['config', 'export', '--site', 'demo', '--format', 'yaml', '--out', file, '--data-dir', data]);
  assert.equal(exp.code, 0, exp.err);
  const text = readFileSync(file, 'utf8');
  assert.equal(checkSite(parseDataText(text, file), file).gateway?.username, 'demo-gateway');
  writeFileSync(file, text.replace(/^name: .*$/m, 'name: 命令行改名的中心'));
  const imp = hallmon(['config', 'import', file, '--note', 'from git', '--data-dir', data]);
  assert.equal(imp.code, 0, imp.err);
  assert.match(imp.out, /site demo: version 2 \(settings name\)/);
  await waitFor(
    async () => (await siteName()) === '命令行改名的中心',
    'the running server to apply the import',
    20_000,
    200,
  );
  const unchanged = hallmon(['config', 'import', file, '--data-dir', data]);
  assert.match(unchanged.out, /no change/);

  // A refused file names the field and exits 1; nothing is stored.
  const bad = join(dir.path, 'bad.yaml');
  writeFileSync(bad, text.replace(/timezone: Asia\/Shanghai/, 'timezone: Mars/Olympus'));
  const refused = hallmon(['config', 'import', bad, '--data-dir', data]);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /bad\.yaml at \/timezone: unknown time zone "Mars\/Olympus"/);

  const history = hallmon(['config', 'history', '--site', 'demo', '--data-dir', data]);
  assert.match(history.out, /^v1 .* system\s+seed/m);
  assert.match(history.out, /^v2 .* cli:\S+\s+import\s+settings name {2}"from git"/m);
  const back = hallmon(['config', 'rollback', '--site', 'demo', '--version', '1', '--data-dir', data]);
  assert.equal(back.code, 0, back.err);
  assert.match(back.out, /version 3 has the content of version 1/);
  await waitFor(
    async () => (await siteName()) === '演示社区事务受理服务中心',
    'the running server to roll back',
    20_000,
    200,
  );
});
