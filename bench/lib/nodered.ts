// Node-RED 4 for the side-by-side benchmark only, never a dependency of the product: installed with
// npm into a folder outside the repo (default <tmp>/hallmon-bench-nodered, reused between runs since
// sqlite3 compiles from source for minutes), then run as a child process on a free loopback port with
// a generated settings file and flow, editor and admin API off, no outside traffic.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../tests/helpers/ports.ts';
import { waitFor } from '../../tests/helpers/wait.ts';

export const NODE_RED_PACKAGES = ['node-red@4', 'node-red-node-sqlite'];

function installedVersion(dir: string, pkg: string): string | undefined {
  const p = join(dir, 'node_modules', pkg, 'package.json');
  if (!existsSync(p)) return undefined;
  const v: unknown = JSON.parse(readFileSync(p, 'utf8')).version;
  return typeof v === 'string' ? v : undefined;
}

/** Installs node-red@4 and node-red-node-sqlite into `dir` unless they are there and load. */
export function ensureNodeRed(
  dir: string,
  reinstall: boolean,
  say: (s: string) => void,
): { nodeRed: string; sqliteNode: string; installSeconds?: number } {
  const ready = () => {
    const nodeRed = installedVersion(dir, 'node-red');
    const sqliteNode = installedVersion(dir, 'node-red-node-sqlite');
    if (!nodeRed?.startsWith('4.') || !sqliteNode) return undefined;
    // sqlite3's native addon must really load (it is compiled from source here).
    const probe = spawnSync(process.execPath, ['-e', "require('sqlite3')"], { cwd: dir, encoding: 'utf8' });
    return probe.status === 0 ? { nodeRed, sqliteNode } : undefined;
  };
  const have = reinstall ? undefined : ready();
  if (have) return have;
  say(`installing ${NODE_RED_PACKAGES.join(' ')} into ${dir} (sqlite3 compiles from source: several minutes)`);
  const t0 = Date.now();
  // cwd and --prefix outside the repo: nothing touches the repo's package.json or node_modules.
  const r = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', ...NODE_RED_PACKAGES], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    shell: false,
  });
  if (r.status !== 0)
    throw new Error(
      `npm install of ${NODE_RED_PACKAGES.join(' ')} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-4000)}`,
    );
  const after = ready();
  if (!after)
    throw new Error(
      `node-red or sqlite3 installed into ${dir} but does not load; npm said:\n${(r.stderr ?? '').slice(-4000)}`,
    );
  return { ...after, installSeconds: Math.round((Date.now() - t0) / 1000) };
}

export interface RunningNodeRed {
  url: string;
  pid: number;
  /** Peak resident memory so far (VmHWM), bytes. */
  peakRss(): number;
  stop(): Promise<void>;
}

/** Starts Node-RED from `installDir` with `flows` in `userDir` (a fresh temp folder). */
export async function startNodeRed(installDir: string, userDir: string, flows: unknown[]): Promise<RunningNodeRed> {
  const port = await freePort();
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows, null, 1));
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false, // no editor, no admin API: only the flow's own http-in endpoints
    httpNodeRoot: '/',
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    diagnostics: { enabled: false },
    runtimeState: { enabled: false },
    telemetry: { enabled: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
    functionExternalModules: false,
    // node-red-node-sqlite lives in the install folder's node_modules, not in userDir.
    nodesDir: [join(installDir, 'node_modules', 'node-red-node-sqlite')],
  };
  writeFileSync(join(userDir, 'settings.js'), `module.exports = ${JSON.stringify(settings, null, 1)};\n`);
  const proc: ChildProcess = spawn(
    process.execPath,
    [
      join(installDir, 'node_modules', 'node-red', 'red.js'),
      '--userDir',
      userDir,
      '--settings',
      join(userDir, 'settings.js'),
    ],
    { cwd: userDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false' } },
  );
  let log = '';
  const keep = (b: Buffer) => (log = (log + b.toString()).slice(-8000));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 15_000).unref();
      });
    }
  };
  try {
    await waitFor(
      async () => {
        // Node-RED keeps running when a flow fails to start; its log says why.
        const failed = /\[error\]|Error: /.exec(log);
        if (failed) throw new Error(`node-red did not start the flow:\n${log}`);
        if (proc.exitCode !== null) throw new Error(`node-red exited with ${proc.exitCode}:\n${log}`);
        // A flow that failed to start leaves requests unanswered: never wait on one for long.
        const res = await fetch(`${url}/sql?q=${encodeURIComponent('SELECT 1 AS one')}`, {
          signal: AbortSignal.timeout(3_000),
        }).catch(() => undefined);
        return res?.status === 200;
      },
      `node-red on ${port}`,
      90_000,
      250,
    );
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\nnode-red log:\n${log}`, { cause: e });
  }
  return {
    url,
    pid: proc.pid!,
    peakRss: () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
        return m ? Number(m[1]) * 1024 : NaN;
      } catch {
        return NaN;
      }
    },
    stop,
  };
}
