// Real MQTT brokers for tests: an in-process aedes (the same broker the product embeds) or
// Debian's mosquitto as a child process, each on a free loopback port.
import { createServer, Socket, type Server } from 'node:net';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { freePort } from './ports.ts';
import { waitFor } from './wait.ts';

export interface TestBroker {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startAedes(port?: number): Promise<TestBroker & { broker: Aedes }> {
  const p = port ?? (await freePort());
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server: Server = createServer({ noDelay: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    broker.handle(s);
  });
  await new Promise<void>((resolve) => server.listen(p, '127.0.0.1', resolve));
  return {
    url: `mqtt://127.0.0.1:${p}`,
    port: p,
    broker,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
    },
  };
}

/** Debian's mosquitto 2 (MQTT 5, shared subscriptions); `extra` adds lines to its config. */
export async function startMosquitto(dir: string, port?: number, extra: string[] = []): Promise<TestBroker> {
  const p = port ?? (await freePort());
  const conf = join(dir, `mosquitto-${p}.conf`);
  writeFileSync(
    conf,
    [`listener ${p} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', ...extra, ''].join(
      '\n',
    ),
  );
  const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.resume();
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const s = new Socket();
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
        s.connect(p, '127.0.0.1');
      }),
    `mosquitto on ${p}`,
    10_000,
  );
  return {
    url: `mqtt://127.0.0.1:${p}`,
    port: p,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}
