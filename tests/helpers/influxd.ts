// A real InfluxDB 1.x (Debian's influxd) for tests and benchmarks: generated config in a temp dir,
// HTTP and RPC on free loopback ports, usage reporting off, quiet logs. Ready once /ping answers 204;
// stop() kills it and removes its data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { tempDir } from './tmp.ts';
import { waitFor } from './wait.ts';

export interface TestInfluxd {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  dir: string;
  /** The influxd process id (benchmarks read its CPU time from /proc). */
  pid: number;
  /** host:port of its RPC service (what `influxd backup -host` talks to). */
  rpc: string;
  /** Stops the process and keeps its data: the store is down until restart(). */
  halt(): Promise<void>;
  /** Starts it again on the same ports and data. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface InfluxdOptions {
  /** Extra lines for the [data] section (e.g. the benchmark's shortened compaction delays). */
  dataSettings?: string[];
  /** Extra lines for the [http] section (e.g. `auth-enabled = true`). */
  httpSettings?: string[];
  /**
   * Keep the data in this folder (created if missing) and leave it there on stop(), so a benchmark
   * can reuse a filled influxd. Default: a temp dir removed on stop().
   */
  keepDir?: string;
}

export async function startInfluxd(opts: InfluxdOptions = {}): Promise<TestInfluxd> {
  const tmp = opts.keepDir !== undefined ? keptDir(opts.keepDir) : tempDir('hallmon-influxd-');
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const d = (p: string) => JSON.stringify(join(tmp.path, p));
  const conf = join(tmp.path, 'influxdb.conf');
  writeFileSync(
    conf,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = ${d('meta')}`,
      '  logging-enabled = false',
      '[data]',
      `  dir = ${d('data')}`,
      `  wal-dir = ${d('wal')}`,
      '  query-log-enabled = false',
      ...(opts.dataSettings ?? []).map((l) => `  ${l}`),
      '[monitor]',
      '  store-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '  pprof-enabled = false',
      ...(opts.httpSettings ?? []).map((l) => `  ${l}`),
      '[logging]',
      '  level = "warn"',
      '  suppress-logo = true',
      '[continuous_queries]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  const stderr: string[] = [];
  let proc: ChildProcess | undefined;
  const url = `http://127.0.0.1:${httpPort}`;
  const halt = async () => {
    const p = proc;
    if (p && p.exitCode === null && p.signalCode === null) {
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGTERM');
        setTimeout(() => p.kill('SIGKILL'), 10_000).unref();
      });
    }
  };
  const launch = async () => {
    const p: ChildProcess = spawn('influxd', ['run', '-config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    proc = p;
    p.stderr?.on('data', (b: Buffer) => {
      if (stderr.length < 50) stderr.push(b.toString());
    });
    await waitFor(
      async () => {
        if (p.exitCode !== null) throw new Error(`influxd exited: ${stderr.join('')}`);
        const res = await fetch(`${url}/ping`).catch(() => undefined);
        return res?.status === 204;
      },
      `influxd on ${httpPort}`,
      30_000,
      100,
    );
  };
  const stop = async () => {
    await halt();
    tmp.remove();
  };
  try {
    await launch();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    dir: tmp.path,
    get pid() {
      return proc?.pid ?? 0;
    },
    rpc: `127.0.0.1:${rpcPort}`,
    halt,
    restart: async () => {
      await halt();
      await launch();
    },
    stop,
  };
}

function keptDir(path: string): { path: string; remove(): void } {
  mkdirSync(path, { recursive: true });
  return { path, remove: () => undefined };
}
