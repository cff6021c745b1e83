// A real hallmon server for tests: in-process via startServer (temp data dir, free loopback ports,
// a known admin password), plus small HTTP helpers (login, JSON GET) that speak to it over the
// network like any client. Everything is stopped and removed by the returned stop().
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, loadProfiles, loadSites } from '@hallmon/firmware-config';
import { startServer, type StartOptions, type RunningServer } from '@hallmon/server';
import type { Role, SiteScope } from '@hallmon/contract';
import { freePort } from './ports.ts';
import { tempDir } from './tmp.ts';

export const ADMIN_PASSWORD = 'test-admin-password';
export const DEMO_GATEWAY = { username: 'demo-gateway', password: 'demo-gateway-secret' };
export const OTHER_GATEWAY = { username: 'other-gateway', password: 'other-gateway-secret' };
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OTHER_SITE_FILE = join(ROOT, 'tests', 'fixtures', 'server', 'other-site.json');
export const DEMO_SITE_FILE = join(ROOT, 'firmware-config', 'sites', 'demo.json');

export interface TestServer extends RunningServer {
  dataDir: string;
  /** A token for the user (default admin). */
  login(username?: string, password?: string): Promise<string>;
  get<T = unknown>(path: string, token?: string): Promise<{ status: number; body: T }>;
  post<T = unknown>(path: string, body: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** Any method, for PATCH and DELETE. */
  call<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /**
   * Makes an account straight in the user store (assessors get an expiry 30 days on) and returns its
   * password, `${username}-password` unless given.
   */
  addUser(username: string, role: Role, sites?: SiteScope, password?: string): Promise<string>;
}

/** demo + the second fixture site, so wrong-site publishing can be tested. */
export function testSites() {
  return loadSites([DEMO_SITE_FILE, OTHER_SITE_FILE], loadProfiles());
}

export async function startTestServer(extra: Partial<StartOptions> = {}): Promise<TestServer> {
  const dir = tempDir('hallmon-server-');
  // A data dir given in `extra` is the caller's to keep (a restart reuses it); stop() removes the default.
  const dataDir = extra.dataDir ?? join(dir.path, 'data');
  let server: RunningServer;
  try {
    server = await startServer({
      dataDir,
      host: '127.0.0.1',
      httpPort: await freePort(),
      mqttPort: await freePort(),
      sites: testSites(),
      adminPassword: ADMIN_PASSWORD,
      log: createLogger('test-server', process.env.HALLMON_LOG_LEVEL ?? 'warn'),
      print: () => undefined,
      // Every answer checked against its contract schema: a property the schema lacks fails the test.
      strictResponses: true,
      ...extra,
    });
  } catch (err) {
    dir.remove();
    throw err;
  }
  const call = async <T>(method: string, path: string, body: unknown, token?: string) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    ...server,
    dataDir,
    login: async (username = 'admin', password = ADMIN_PASSWORD) => {
      const r = await call<{ token: string }>('POST', '/api/login', { username, password });
      if (r.status !== 200) throw new Error(`login as ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token;
    },
    get: (path, token) => call('GET', path, undefined, token),
    call: (method, path, body, token) => call(method, path, body, token),
    addUser: async (username, role, sites = '*', password = `${username}-password`) => {
      const expires = role === 'assessor' ? Date.now() + 30 * 86_400_000 : null;
      await server.users.create({ username, password, role, sites, expires });
      return password;
    },
    post: (path, body, token) => call('POST', path, body, token),
    stop: async () => {
      try {
        await server.stop();
      } finally {
        dir.remove();
      }
    },
  };
}

export interface ServerProcess {
  url: string;
  mqttUrl: string;
  httpPort: number;
  mqttPort: number;
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  /** Everything it printed on stderr so far (its log lines, unless --log-file). */
  stderr(): string;
  /** The server's process id (its id in a server group contains it). */
  pid: number;
  /** kill -9: the process dies at once, nothing is flushed or handed back. */
  kill9(): Promise<void>;
  /** Whether the process still runs. */
  alive(): boolean;
  /** SIGTERM, then waits for exit; resolves the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `hallmon server` as a child process (bin/hallmon.js, the real CLI, or `bin` of an unpacked
 * release) on free loopback ports with a temp data dir unless --data-dir is given; resolves when
 * /api/health answers.
 */
export async function spawnServer(
  args: string[] = [],
  env: Record<string, string> = {},
  bin = join(ROOT, 'bin', 'hallmon.js'),
): Promise<ServerProcess> {
  const { spawn } = await import('node:child_process');
  const httpPort = await freePort();
  const mqttPort = await freePort();
  const dir = args.includes('--data-dir') ? undefined : tempDir('hallmon-serverproc-');
  const argv = [bin, 'server', '--host', '127.0.0.1', '--http-port', String(httpPort), '--mqtt-port', String(mqttPort)];
  if (dir) argv.push('--data-dir', join(dir.path, 'data'));
  const proc = spawn(process.execPath, [...argv, ...args], {
    env: {
      ...process.env,
      HALLMON_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HALLMON_LOG_LEVEL: process.env.HALLMON_LOG_LEVEL ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    const code = await exited;
    dir?.remove();
    return code;
  };
  try {
    const end = Date.now() + 60_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`hallmon server exited with ${proc.exitCode}: ${err.slice(-2000)}`);
      const ok = await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > end) throw new Error(`hallmon server did not answer on ${url}: ${err.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const kill9 = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    httpPort,
    mqttPort,
    stdout: () => out,
    stderr: () => err,
    pid: proc.pid ?? 0,
    kill9,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    stop,
  };
}
