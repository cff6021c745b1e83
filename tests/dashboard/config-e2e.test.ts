/// <reference lib="dom" />
// 设备管理 end to end in real Chromium (playwright-core driving Debian's /usr/bin/chromium) against a
// hall whose edge is configured by the server (tests/config/remote-hall.ts: socat pty bus with
// simulated slaves, the hallmon server and hallmon edge processes): an admin sees the edge running
// the site's version, is told which field is wrong when a slave address is taken, adds the
// transmitter with the right address, and sees its first reading in the commissioning check.
// Screenshots go to test-artifacts/dashboard/ for a person to look at; no console or page error may
// occur on the way.
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { tempDir } from '../helpers/tmp.ts';
import { REPO } from '../helpers/edge-process.ts';
import { ADMIN_PASSWORD } from '../helpers/server-process.ts';
import { ensureDashboardBuilt, openBrowser } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';
import { startRemoteHall, TRUTH, type RemoteHall } from '../config/remote-hall.ts';

const SHOTS = join(REPO, 'test-artifacts', 'dashboard');

describe('设备管理 in Chromium: an admin adds a device on the page and sees its first reading', () => {
  let hall: RemoteHall;
  let page: Page;
  let problems: string[] = [];
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    ensureDashboardBuilt();
    mkdirSync(SHOTS, { recursive: true });
    const dir = tempDir('hallmon-cfg-e2e-');
    cleanups.push(() => dir.remove());
    hall = await startRemoteHall(dir.path);
    cleanups.push(() => hall.stop());
    await hall.edgeRuns(1);
    const browser = await openBrowser({ width: 1280, height: 900 });
    cleanups.push(() => browser.close());
    page = browser.page;
    problems = browser.problems;
  }, 300_000);

  afterAll(async () => {
    const errors: unknown[] = [];
    for (const undo of cleanups.reverse()) {
      try {
        await undo();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw new AggregateError(errors, 'config e2e clean-up failed');
  });

  test('the admin opens 设备管理 and sees the edge running the site’s version', async () => {
    await page.goto(hall.server.url);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-device-admin').click();
    const edge = page.getByTestId('edge-state');
    await waitFor(async () => (await edge.getAttribute('data-state')) === 'applied', 'the edge state', 30_000);
    assert.equal(await edge.getAttribute('data-running'), '1');
    assert.match(await edge.innerText(), /edge 正在运行 v1 · 已同步/);
    assert.equal(await page.locator('[data-testid="cfg-device-row"][data-device="mr-th-1"]').count(), 1);
  });

  test('a taken slave address is refused with the field named', async () => {
    await page.getByTestId('cfg-add-device').click();
    await page.getByTestId('dev-zone').selectOption('machine-room');
    await page.getByTestId('dev-profile').selectOption('th-modbus-f03');
    // The register map of the picked profile is shown.
    assert.match(await page.getByTestId('dev-register-map').innerText(), /humidity[\s\S]*0x03[\s\S]*temperature/);
    await page.getByTestId('dev-id').fill('mr-th-3');
    await page.getByTestId('dev-name').fill('机房第三路温湿度');
    await page.getByTestId('dev-bus').selectOption('bus-1');
    await page.getByTestId('dev-unit').fill('1');
    await page.getByTestId('dev-submit').click();
    const alert = page.locator('.field-bad small[role="alert"]');
    await alert.waitFor({ timeout: 15_000 });
    assert.match(await alert.innerText(), /slave address 1 is already used on bus "bus-1" by "mr-th-1"/);
    assert.equal((await hall.site()).version.version, 1, 'nothing was saved');
    await page.screenshot({ path: join(SHOTS, 'config-device-refused.png'), fullPage: true });
  });

  test('with the right address the device is added and its first reading shows in the commissioning check', async () => {
    await page.getByTestId('dev-unit').fill('5');
    await page.getByTestId('dev-submit').click();
    await page.getByTestId('cfg-notice').waitFor({ timeout: 15_000 });
    assert.match(await page.getByTestId('cfg-notice').innerText(), /已保存为 v2/);
    const check = page.locator('[data-testid="commissioning"][data-device="mr-th-3"]');
    await check.waitFor({ timeout: 15_000 });
    await waitFor(
      async () => (await check.getAttribute('data-state')) === 'ok',
      'the commissioning check to pass',
      60_000,
      250,
    );
    const reading = check.locator('[data-testid="commissioning-reading"][data-metric="temperature"]').first();
    await reading.waitFor({ timeout: 15_000 });
    assert.equal(await reading.getByTestId('commissioning-value').innerText(), String(TRUTH['mr-th-3']!.temperature));
    assert.match(await check.getByTestId('commissioning-state').innerText(), /首批读数正常/);
    // The new device is in the table, on bus-1 at unit 5, and the edge runs version 2.
    const row = page.locator('[data-testid="cfg-device-row"][data-device="mr-th-3"]');
    assert.match(await row.innerText(), /总线 bus-1 · 地址 5/);
    await waitFor(
      async () => (await page.getByTestId('edge-state').getAttribute('data-running')) === '2',
      'the edge state to show version 2',
      30_000,
      250,
    );
    await page.screenshot({ path: join(SHOTS, 'config-device-added.png'), fullPage: true });
  });

  test('站点设置 shows the version history with the change', async () => {
    await page.getByTestId('nav-site-settings').click();
    const v2 = page.locator('[data-testid="cfg-version"][data-version="2"]');
    await v2.waitFor({ timeout: 15_000 });
    assert.match(await v2.innerText(), /devices \+mr-th-3/);
    await page.screenshot({ path: join(SHOTS, 'config-site-settings.png'), fullPage: true });
  });

  test('no console or page errors on the way', () => {
    // A refused save answers 400: the browser logs the failed request itself; that is the test's point.
    assert.deepEqual(
      problems.filter((p) => !/status of 400/.test(p)),
      [],
    );
  });
});
