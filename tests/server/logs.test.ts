// Logs (docs/operations.md, "Logs"): JSON lines, rotating files, the level changed while running,
// and never a secret. The real `hallmon server` and `hallmon edge` run at debug level into rotating
// files while the test does what puts secrets on the move: the admin password, a wrong password, a
// new user's password, tokens, gateway passwords (right and wrong) and the edge's uplink password.
// No line of any file or of stderr may carry one of them. Then the level moves without a restart:
// SIGUSR2 switches the server to debug and back, PUT /api/log-level sets it.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { scrubSecrets } from '@hallmon/firmware-config';
import { ADMIN_PASSWORD, DEMO_GATEWAY, spawnServer } from '../helpers/server-process.ts';
import { runHallmon, REPO } from '../helpers/edge-process.ts';
import { freePort } from '../helpers/ports.ts';
import { tempDir } from '../helpers/tmp.ts';
import { waitFor } from '../helpers/wait.ts';

test('the scrubber replaces every kind of secret and leaves the rest of the line', () => {
  const cases: Array<[string, string]> = [
    ['{"password":"hunter2-long","user":"a"}', '{"password":"[redacted]","user":"a"}'],
    ['{"x":{"brokerPassword":"p\\"q"}}', '{"x":{"brokerPassword":"[redacted]"}}'],
    ['{"msg":"mqtt://gw:s3cret@host:1883 down"}', '{"msg":"mqtt://gw:[redacted]@host:1883 down"}'],
    [
      '{"url":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123&x=1"}',
      '{"url":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=[redacted]&x=1"}',
    ],
    ['{"h":"Bearer abc.def-ghi"}', '{"h":"Bearer [redacted]"}'],
    ['{"m":"token eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"}', '{"m":"token [redacted]"}'],
    ['{"msg":"site demo stored 12 readings"}', '{"msg":"site demo stored 12 readings"}'],
  ];
  for (const [line, want] of cases) assert.equal(scrubSecrets(line), want);
});

function logText(dir: string): string {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log') && f !== 'current.log')
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('');
}

test('no secret reaches a log line of the server or the edge, at debug level, in rotating files', async (t) => {
  const dir = tempDir('hallmon-logs-');
  t.onTestFinished(() => dir.remove());
  const logs = join(dir.path, 'logs');
  const server = await spawnServer(
    [
      '--data-dir',
      join(dir.path, 'data'),
      '--log-level',
      'debug',
      '--log-file',
      join(logs, 'server'),
      '--log-rotate',
      '2k',
      '--log-keep',
      '50',
    ],
    { HALLMON_LOG_LEVEL: 'debug' },
  );
  t.onTestFinished(async () => {
    await server.stop();
  });
  const secrets = [
    ADMIN_PASSWORD,
    DEMO_GATEWAY.password,
    'wrong-but-secret-pw-123',
    'new-user-secret-pw-456',
    'bad-gw-secret-789',
  ];

  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  assert.equal((await post('/api/login', { username: 'admin', password: 'wrong-but-secret-pw-123' })).status, 401);
  const { token } = (await (await post('/api/login', { username: 'admin', password: ADMIN_PASSWORD })).json()) as {
    token: string;
  };
  secrets.push(token);
  const created = await post(
    '/api/users',
    { username: 'li', password: 'new-user-secret-pw-456', role: 'hall', sites: ['demo'] },
    token,
  );
  assert.equal(created.status, 201);
  // Enough requests (each logged at debug) for the 2 KB files to rotate several times.
  for (let i = 0; i < 20; i++)
    await fetch(`${server.url}/api/sites`, { headers: { authorization: `Bearer ${token}` } });
  const bad = await mqtt
    .connectAsync(server.mqttUrl, { username: 'demo-gateway', password: 'bad-gw-secret-789', reconnectPeriod: 0 })
    .then(
      (c) => c.endAsync(),
      () => 'refused',
    );
  assert.equal(bad, 'refused');

  // The edge, at debug, connecting with the gateway's password in its config.
  const edgeLogs = join(dir.path, 'edge-logs');
  const health = await freePort();
  const cfg = join(dir.path, 'edge.json');
  writeFileSync(
    cfg,
    JSON.stringify({
      site: 'demo',
      siteConfig: join(REPO, 'tests', 'fixtures', 'edge', 'site-demo.json'),
      uplink: { url: server.mqttUrl, ...DEMO_GATEWAY },
      dataDir: join(dir.path, 'edge-data'),
      mqttDevices: { port: 0, host: '127.0.0.1' },
    }),
  );
  const edge = runHallmon(
    [
      'edge',
      '--config',
      cfg,
      '--health-port',
      String(health),
      '--log-level',
      'debug',
      '--log-file',
      join(edgeLogs, 'edge'),
    ],
    { HALLMON_LOG_LEVEL: 'debug' },
  );
  t.onTestFinished(async () => {
    await edge.stop();
  });
  await waitFor(
    async () => {
      if (edge.proc.exitCode !== null) throw new Error(`edge exited: ${edge.stderr()}`);
      const h = (await (await fetch(`http://127.0.0.1:${health}/health`)).json()) as { uplink: { connected: boolean } };
      return h.uplink.connected;
    },
    'the edge connected',
    60_000,
    200,
  );
  await edge.stop();
  await server.stop();

  const text = logText(logs) + logText(edgeLogs) + edge.stderr();
  const lines = text.split('\n').filter(Boolean);
  assert.ok(lines.length > 20, `${lines.length} log lines`);
  for (const l of lines.filter((x) => x.startsWith('{'))) JSON.parse(l); // JSON lines
  assert.ok(
    lines.some((l) => l.includes('"level":20')),
    'debug lines were written',
  );
  assert.ok(lines.some((l) => /failed login/.test(l)));
  assert.ok(lines.some((l) => /edge agent for site demo started/.test(l)));
  for (const s of secrets)
    assert.ok(
      !text.includes(s),
      `a secret (${s.slice(0, 4)}…) appears in a log line: ${lines.find((l) => l.includes(s))}`,
    );
  // 2 KB files: the server's log rotated into numbered files.
  assert.ok(
    readdirSync(logs).filter((f) => /^server\.\d+\.log$/.test(f)).length >= 2,
    readdirSync(logs)
      .map((f) => `${f} ${readFileSync(join(logs, f)).length}`)
      .join(', '),
  );
});

test('SIGUSR2 switches the server to debug and back; PUT /api/log-level sets the level', async (t) => {
  const dir = tempDir('hallmon-loglevel-');
  t.onTestFinished(() => dir.remove());
  const logs = join(dir.path, 'logs');
  const server = await spawnServer(['--data-dir', join(dir.path, 'data'), '--log-file', join(logs, 'server')], {
    HALLMON_LOG_LEVEL: 'info',
  });
  t.onTestFinished(async () => {
    await server.stop();
  });
  const pid = await waitFor(() => /"pid":(\d+)/.exec(logText(logs))?.[1], 'a first log line');
  const requestLines = () =>
    logText(logs)
      .split('\n')
      .filter((l) => l.includes('"component":"http"')).length;
  await fetch(`${server.url}/api/sites`);
  assert.equal(requestLines(), 0, 'at info, requests are not logged');

  process.kill(Number(pid), 'SIGUSR2');
  await waitFor(() => /log level now debug/.test(logText(logs)), 'the switch to debug logged');
  await fetch(`${server.url}/api/sites`);
  await waitFor(() => requestLines() > 0, 'requests logged at debug');

  process.kill(Number(pid), 'SIGUSR2');
  await waitFor(() => /log level now info/.test(logText(logs)), 'the switch back to info logged');

  const login = (await (
    await fetch(`${server.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    })
  ).json()) as { token: string };
  const auth = { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' };
  const put = await fetch(`${server.url}/api/log-level`, { method: 'PUT', headers: auth, body: '{"level":"debug"}' });
  assert.equal(put.status, 200);
  assert.deepEqual(await (await fetch(`${server.url}/api/log-level`, { headers: auth })).json(), { level: 'debug' });
  const before = requestLines();
  await fetch(`${server.url}/api/sites`);
  await waitFor(() => requestLines() > before, 'requests logged again at debug');
  const audit = (await (await fetch(`${server.url}/api/audit`, { headers: auth })).json()) as { action: string }[];
  assert.ok(
    audit.some((a) => a.action === 'log-level'),
    'the change is in the audit trail',
  );
});
