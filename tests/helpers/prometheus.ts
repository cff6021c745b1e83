// Debian's real Prometheus for tests: a generated config scraping the given targets every second,
// its TSDB in a temp folder, the web API on a free loopback port. query() answers an instant query
// (PromQL) and targets() what Prometheus says about each scrape (health, last error), so a test sees
// the metrics exactly as a monitoring system would, parse errors included.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { tempDir } from './tmp.ts';
import { waitFor } from './wait.ts';

export interface ScrapeTarget {
  job: string;
  /** host:port */
  target: string;
  path?: string;
  bearer?: string;
}

export interface TargetState {
  job: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface TestPrometheus {
  url: string;
  targets(): Promise<TargetState[]>;
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: ScrapeTarget[]): Promise<TestPrometheus> {
  const dir = tempDir('hallmon-prometheus-');
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  scrape_timeout: 1s',
    'scrape_configs:',
    ...targets.flatMap((t) => [
      `  - job_name: ${t.job}`,
      `    metrics_path: ${t.path ?? '/metrics'}`,
      ...(t.bearer ? ['    authorization:', `      credentials: ${t.bearer}`] : []),
      '    static_configs:',
      `      - targets: ['${t.target}']`,
    ]),
    '',
  ].join('\n');
  const file = join(dir.path, 'prometheus.yml');
  writeFileSync(file, config);
  const stderr: string[] = [];
  const proc: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir.path, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  proc.stderr?.on('data', (b: Buffer) => {
    if (stderr.length < 50) stderr.push(b.toString());
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
      });
    }
    dir.remove();
  };
  try {
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`prometheus exited: ${stderr.join('')}`);
        return (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200;
      },
      'prometheus ready',
      60_000,
      100,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    targets: async () => {
      const r = (await (await fetch(`${url}/api/v1/targets`)).json()) as {
        data: { activeTargets: Array<{ labels: { job: string }; health: TargetState['health']; lastError: string }> };
      };
      return r.data.activeTargets.map((t) => ({ job: t.labels.job, health: t.health, lastError: t.lastError }));
    },
    query: async (promql) => {
      const r = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as {
        status: string;
        error?: string;
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      if (r.status !== 'success') throw new Error(`prometheus query ${promql}: ${r.error}`);
      return r.data.result.map((x) => ({ metric: x.metric, value: Number(x.value[1]) }));
    },
    stop,
  };
}
