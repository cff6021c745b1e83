/// <reference lib="dom" />
// People in real Chromium (playwright-core driving Debian's /usr/bin/chromium) against a real server
// with the three shipped sites: the admin creates a hall manager for one centre on 用户管理; the
// manager signs in, sees that one centre only (site picker, devices, no user management), changes
// their own password on 我的账号 and stays signed in; signing out ends the token on the server; the
// 操作记录 page shows the trail. No console error or page error may occur on the way.
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadProfiles, loadSites } from '@hallmon/firmware-config';
import type { Me } from '@hallmon/contract';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../helpers/server-process.ts';
import { REPO } from '../helpers/edge-process.ts';
import { ensureDashboardBuilt, openBrowser } from '../helpers/browser.ts';
import { waitFor } from '../helpers/wait.ts';

const SHOTS = join(REPO, 'test-artifacts', 'dashboard');

describe('dashboard: an admin creates a hall manager, who sees one site only', () => {
  let server: TestServer;
  let page: Page;
  let problems: string[] = [];
  const cleanups: Array<() => unknown> = [];

  beforeAll(async () => {
    ensureDashboardBuilt();
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer({ sites: loadSites(undefined, loadProfiles()) });
    cleanups.push(() => server.stop());
    const browser = await openBrowser();
    cleanups.push(() => browser.close());
    page = browser.page;
    problems = browser.problems;
    // window.confirm for deletions is answered yes.
    page.on('dialog', (d) => void d.accept());
  }, 300_000);

  afterAll(async () => {
    for (const undo of cleanups.reverse()) await undo();
  });

  async function signIn(username: string, password: string) {
    await page.goto(`${server.url}/#/login`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('logout').waitFor({ timeout: 30_000 });
  }

  test('the admin creates a hall manager for 夏阳 on 用户管理', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('user-add').click();
    await page.getByTestId('user-username').fill('xiayang-mgr');
    await page.getByTestId('user-name').fill('夏阳大厅主管');
    await page.getByTestId('user-role').selectOption('hall');
    await page.getByTestId('user-site-qingpu-xiayang').check();
    await page.getByTestId('user-password-input').fill('xiayang-first-pw');
    await page.getByTestId('user-password-repeat').fill('xiayang-first-pw');
    await page.getByTestId('user-submit').click();
    await waitFor(
      async () => /已创建用户 xiayang-mgr/.test(await page.getByTestId('users-message').innerText()),
      'the created message',
    );
    const row = page.locator('[data-testid="user-row"][data-user="xiayang-mgr"]');
    await row.waitFor();
    assert.match(await row.innerText(), /大厅主管/);
    assert.match(await row.innerText(), /夏阳/);
    await page.screenshot({ path: join(SHOTS, 'users.png'), fullPage: true });
    // The server holds exactly what the page sent.
    const admin = await server.login();
    const users = (await server.get<{ username: string; role: string; sites: unknown }[]>('/api/users', admin)).body;
    const made = users.find((u) => u.username === 'xiayang-mgr');
    assert.equal(made?.role, 'hall');
    assert.deepEqual(made?.sites, ['qingpu-xiayang']);
  });

  test('signing out ends the token on the server', async () => {
    const token = await page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('hallmon.session') ?? '{}') as { token?: string }).token,
    );
    assert.ok(token);
    assert.equal((await server.get('/api/me', token)).status, 200);
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await waitFor(async () => (await server.get('/api/me', token)).status === 401, 'the token to be revoked');
  });

  test('the hall manager signs in and sees the one centre only', async () => {
    await signIn('xiayang-mgr', 'xiayang-first-pw');
    // The hall manager's home is the hall page; no user management in the navigation.
    await page.getByTestId('nav-hall').waitFor();
    assert.equal(await page.getByTestId('nav-users').count(), 0);
    assert.equal(await page.getByTestId('nav-overview').count(), 0);
    // The hall page is 夏阳's, and with one site there is nothing to pick.
    const title = page.locator('#hall-title');
    await waitFor(async () => /夏阳/.test(await title.innerText()), "夏阳's hall page");
    assert.equal(await page.getByTestId('site-picker').count(), 0);
    // Another centre's address shows the manager's own centre, never the other one's.
    await page.goto(`${server.url}/#/hall/demo`);
    await waitFor(async () => /夏阳/.test(await title.innerText()), "夏阳's hall page again");
    assert.doesNotMatch(await title.innerText(), /演示/);
    await page.getByTestId('nav-devices').click();
    await page.getByTestId('device-row').first().waitFor();
    const rows = await page.getByTestId('device-row').count();
    const xiayang = loadSites(undefined, loadProfiles()).get('qingpu-xiayang')!;
    assert.equal(
      rows,
      xiayang.zones.reduce((n, z) => n + z.devices.length, 0),
    );
    // Typing the users page address gives a refusal, not the page.
    await page.goto(`${server.url}/#/users`);
    await page.getByText('当前角色无权查看此页面').waitFor();
    await page.screenshot({ path: join(SHOTS, 'hall-manager.png'), fullPage: true });
  });

  test('修改密码: the manager sets a new password and stays signed in', async () => {
    await page.getByTestId('nav-account').click();
    await page.getByTestId('account-facts').waitFor();
    assert.match(await page.getByTestId('account-sites').innerText(), /夏阳/);
    await page.getByTestId('pw-old').fill('xiayang-first-pw');
    await page.getByTestId('pw-new').fill('xiayang-second-pw');
    await page.getByTestId('pw-repeat').fill('xiayang-second-pw');
    await page.getByTestId('pw-submit').click();
    await waitFor(async () => /密码已修改/.test(await page.getByTestId('pw-result').innerText()), 'the done message');
    // Still signed in, with a token issued after the change.
    const token = await page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('hallmon.session') ?? '{}') as { token?: string }).token,
    );
    const me = await server.get<Me>('/api/me', token);
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.sites, ['qingpu-xiayang']);
    assert.equal(
      (await server.post('/api/login', { username: 'xiayang-mgr', password: 'xiayang-first-pw' })).status,
      401,
    );
  });

  test('操作记录 lists the manager’s own sign-ins and password change, nothing of other centres', async () => {
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-table').waitFor();
    const actions = await page
      .locator('[data-testid="audit-row"]')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-actor')}:${e.getAttribute('data-action')}`));
    assert.ok(actions.includes('xiayang-mgr:login'), actions.join(', '));
    assert.ok(actions.includes('xiayang-mgr:password-change'), actions.join(', '));
    assert.ok(!actions.some((a) => a.startsWith('admin:')), "the admin's sign-ins are not the manager's to read");
    await page.screenshot({ path: join(SHOTS, 'audit.png'), fullPage: true });
  });

  test('no console error or page error on the way', () => {
    assert.deepEqual(problems, []);
  });
});
