// A real pseudo-terminal pair made by socat: one end for the device simulator, one for the edge.
// socat's link= option gives stable paths, so a pair can be killed (the "USB adapter unplugged")
// and started again on the same paths.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

export interface PtyPair {
  /** The device side (simulator). */
  device: string;
  /** The host side (edge). */
  host: string;
  /** Kills socat: both paths vanish, like an unplugged adapter. */
  unplug(): Promise<void>;
  /** Starts socat again on the same paths. */
  plug(): Promise<void>;
  close(): Promise<void>;
}

export async function ptyPair(dir: string, name = 'bus'): Promise<PtyPair> {
  const device = join(dir, `${name}-dev`);
  const host = join(dir, `${name}-host`);
  let proc: ChildProcess | undefined;
  const start = async () => {
    // No -d0: socat 1.7.4 (Debian 12) rejects it; the default level logs only errors and warnings.
    proc = spawn('socat', [`pty,raw,echo=0,link=${device}`, `pty,raw,echo=0,link=${host}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr?.resume();
    await waitFor(() => existsSync(device) && existsSync(host), `socat pty pair ${name}`, 10_000);
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
    await waitFor(() => !existsSync(device) && !existsSync(host), 'pty links removed', 5_000).catch(() => undefined);
  };
  await start();
  return { device, host, unplug: stop, plug: start, close: stop };
}
