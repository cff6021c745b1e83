// The real `hallmon edge` as a child process (node bin/hallmon.js edge ...), for tests that need
// the whole agent: start-up checks, exit codes, kill -9 and restart against the same data folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HALLMON = join(REPO, 'bin', 'hallmon.js');

export interface EdgeProcess {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Sends a signal (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

export function runHallmon(args: string[], env: NodeJS.ProcessEnv = {}, entry = HALLMON): EdgeProcess {
  const proc = spawn(process.execPath, [entry, ...args], {
    cwd: REPO,
    env: { ...process.env, HALLMON_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | string>((resolve) =>
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

/** Runs `hallmon edge ...` to completion (for commands that exit by themselves). */
export async function runEdgeToExit(args: string[], env: NodeJS.ProcessEnv = {}, deadlineMs = 60_000) {
  const p = runHallmon(['edge', ...args], env);
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), deadlineMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
