// Real Chromium for the dashboard tests: Debian's /usr/bin/chromium driven by playwright-core, with
// a fresh profile and the flags that keep it off the network (no background traffic, no QUIC, no
// updates), headless. Console errors and page errors are collected, so a test can say none occurred.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from './edge-process.ts';
import { tempDir } from './tmp.ts';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The tests serve dashboard/dist: build it when a test runs without `npm test` having built it. */
export function ensureDashboardBuilt(): void {
  if (existsSync(join(REPO, 'dashboard', 'dist', 'index.html'))) return;
  execFileSync('npm', ['run', '-w', '@hallmon/dashboard', 'build'], { cwd: REPO, stdio: 'inherit' });
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  problems: string[];
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

export async function openBrowser(viewport = { width: 1280, height: 800 }): Promise<Browser> {
  const profile = tempDir('hallmon-chromium-');
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile.path, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
    });
  } catch (err) {
    profile.remove();
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return {
    context,
    page,
    problems,
    close: async () => {
      try {
        await context.close();
      } finally {
        profile.remove();
      }
    },
  };
}
