// Runs the real `hallmon edge` as a child process for the demo, so the demo exercises the same
// process boundary as a hall (the edge can be killed and restarted on its own), and waits until
// its health endpoint answers before the demo says it is ready. The demo's edge is configured by
// the server: it is given only the server's address, its site and its gateway credential.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@hallmon/firmware-config';

const HALLMON_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'hallmon.js');

export interface EdgeChild {
  pid: number;
  healthUrl: string;
  /** Resolves with the exit code or signal when the edge exits. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
}

export interface EdgeChildOptions {
  /** The server's MQTT address, e.g. mqtt://127.0.0.1:1883. */
  server: string;
  site: string;
  username: string;
  password: string;
  dataDir: string;
}

export async function startEdgeChild(o: EdgeChildOptions, log: Logger): Promise<EdgeChild> {
  const healthPort = await freePort();
  const proc = spawn(
    process.execPath,
    [
      HALLMON_BIN,
      'edge',
      '--server',
      o.server,
      '--site',
      o.site,
      '--username',
      o.username,
      '--data-dir',
      o.dataDir,
      '--health-port',
      String(healthPort),
    ],
    {
      // The password goes by the environment, not the command line (ps shows arguments).
      env: {
        ...process.env,
        HALLMON_PASSWORD: o.password,
        HALLMON_LOG_LEVEL: process.env.HALLMON_LOG_LEVEL ?? 'warn',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  let stopping = false;
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const healthUrl = `http://127.0.0.1:${healthPort}/health`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(healthUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(
        `the edge agent exited during start-up (${String(proc.exitCode ?? proc.signalCode)}); its messages are above`,
      );
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`the edge agent did not answer on ${healthUrl} within 60 s`);
    }
    await sleep(200);
  }
  log.info({ pid: proc.pid, healthUrl }, 'edge agent started');
  return {
    pid: proc.pid ?? -1,
    healthUrl,
    // A stop we asked for is not news; an exit on its own is what callers wait for.
    exited: exited.then((c) => (stopping ? new Promise<never>(() => undefined) : c)),
    stop: async () => {
      stopping = true;
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
