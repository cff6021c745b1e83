// Whether the operating system says the hall PC's clock is synchronised (docs/operations.md,
// "Clocks"), for the edge's clock reports: systemd's timedatectl (NTPSynchronized) on Linux, the
// Windows Time service's w32tm on Windows (a PC on its own "Local CMOS Clock" is not synchronised).
// null when the OS cannot tell (no systemd, a container, another platform). Asked at most every
// 5 minutes, in a child process with a 3 s limit: never on the reading path.
import { execFile } from 'node:child_process';

export interface ClockSync {
  synced: boolean | null;
  source: 'timedatectl' | 'w32tm' | 'none';
}

function run(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 3_000, windowsHide: true }, (err, stdout) => resolve(err ? null : String(stdout)));
  });
}

export async function osClockSync(platform = process.platform): Promise<ClockSync> {
  if (platform === 'win32') {
    const out = await run('w32tm', ['/query', '/status']);
    if (out === null) return { synced: null, source: 'none' };
    const source = /^Source:\s*(.+)$/im.exec(out)?.[1]?.trim() ?? '';
    const unsynced = /Local CMOS Clock|Free-running System Clock/i.test(source) || /Leap Indicator:\s*3/i.test(out);
    return { synced: !unsynced && source !== '', source: 'w32tm' };
  }
  if (platform === 'linux') {
    const out = await run('timedatectl', ['show', '--property=NTPSynchronized', '--value']);
    if (out === null) return { synced: null, source: 'none' };
    const v = out.trim();
    return { synced: v === 'yes' ? true : v === 'no' ? false : null, source: 'timedatectl' };
  }
  return { synced: null, source: 'none' };
}

/** The OS answer, asked again when older than `maxAgeMs`. */
export class ClockSyncCache {
  private last: { at: number; value: ClockSync } | undefined;
  private pending: Promise<ClockSync> | undefined;

  constructor(
    private readonly ask: () => Promise<ClockSync> = () => osClockSync(),
    private readonly maxAgeMs = 5 * 60_000,
  ) {}

  async get(): Promise<ClockSync> {
    if (this.last && Date.now() - this.last.at < this.maxAgeMs) return this.last.value;
    this.pending ??= this.ask().finally(() => (this.pending = undefined));
    const value = await this.pending;
    this.last = { at: Date.now(), value };
    return value;
  }
}
