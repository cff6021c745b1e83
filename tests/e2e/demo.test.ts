// `hallmon demo` (what npm start runs) on free ports: it prints the URL and the login, readings from
// the simulated serial devices reach the API through the real edge, and Ctrl-C stops everything
// (server, edge child, socat pseudo-terminals) with exit code 0.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { tempDir } from '../helpers/tmp.ts';
import { freePort } from '../helpers/ports.ts';
import { runHallmon } from '../helpers/edge-process.ts';
import { waitFor } from '../helpers/wait.ts';
import { api, rawPoints } from './harness.ts';

function processesMentioning(text: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(text) && !l.includes('ps -eo'));
}

test('hallmon demo runs the whole product and stops cleanly', async (t) => {
  const dir = tempDir('hallmon-demo-');
  t.onTestFinished(() => dir.remove());
  const [http, mqtt, device] = [await freePort(), await freePort(), await freePort()];
  const demo = runHallmon(
    [
      'demo',
      '--http-port',
      String(http),
      '--mqtt-port',
      String(mqtt),
      '--device-port',
      String(device),
      '--data-dir',
      dir.path,
    ],
    { HALLMON_LOG_LEVEL: 'warn', HALLMON_ADMIN_PASSWORD: '' },
  );
  t.onTestFinished(async () => {
    await demo.stop('SIGKILL');
  });
  const login = await waitFor(
    () => {
      if (demo.proc.exitCode !== null)
        throw new Error(`demo exited (${demo.proc.exitCode}): ${demo.stderr().slice(-2000)}`);
      return /login\s+admin \/ (\S+)/.exec(demo.stdout())?.[1];
    },
    'the demo to print its login',
    120_000,
  );
  assert.match(demo.stdout(), new RegExp(`http://127\\.0\\.0\\.1:${http}`));
  const a = await api(`http://127.0.0.1:${http}`, login);
  for (const [sensor, metric] of [
    ['mr-th-1', 'temperature'],
    ['hall-slm-1', 'noise_laeq'],
  ] as const)
    await waitFor(
      async () => (await rawPoints(a, sensor, metric)).length > 0,
      `${sensor}/${metric} readings through the edge`,
      60_000,
    );
  const sites = await a.get<{ id: string }[]>('/api/sites');
  assert.deepEqual(sites.map((s) => s.id).sort(), ['demo', 'qingpu-xiayang', 'qingpu-zhujiajiao']);
  // The two edge-less halls: their simulated third-party gateways publish straight to the server.
  for (const site of ['qingpu-xiayang', 'qingpu-zhujiajiao'])
    await waitFor(
      async () => {
        const rows = await a.get<{ site: string; sensor: string; metric: string }[]>(`/api/latest?site=${site}`);
        const has = (sensor: string, metric: string) =>
          rows.some((r) => r.site === site && r.sensor === sensor && r.metric === metric);
        return has('hall-noise-1', 'noise_laeq') && has('mr-th-1', 'temperature');
      },
      `${site} noise and machine-room readings`,
      60_000,
    );
  assert.match(demo.stdout(), /xiayang-gateway \/ xiayang-gateway-secret/);

  demo.proc.kill('SIGINT');
  assert.equal(await demo.exited, 0);
  assert.match(demo.stdout(), /hallmon demo stopped/);
  assert.deepEqual(processesMentioning(dir.path), [], 'no edge or socat process left behind');
});
