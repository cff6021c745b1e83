// Debian's mosquitto for the Node-RED side-by-side, on a free loopback port. Unlike the test helper
// it lifts the per-client queue limit (default 1,000 QoS 1 messages, above which mosquitto drops
// them for a subscriber that falls behind) and sets TCP_NODELAY, so what is measured is Node-RED.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../tests/helpers/ports.ts';
import { waitFor } from '../../tests/helpers/wait.ts';

export async function startBenchMosquitto(dir: string): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'max_queued_messages 0',
      'set_tcp_nodelay true',
      'log_dest stderr',
      '',
    ].join('\n'),
  );
  const proc = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  proc.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  try {
    await waitFor(
      () => {
        if (proc.exitCode !== null) throw new Error(`mosquitto exited: ${err}`);
        return new Promise<boolean>((resolve) => {
          const s = new Socket();
          s.once('connect', () => (s.destroy(), resolve(true)));
          s.once('error', () => resolve(false));
          s.connect(port, '127.0.0.1');
        });
      },
      `mosquitto on ${port}`,
      10_000,
      50,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `mqtt://127.0.0.1:${port}`, port, stop };
}
