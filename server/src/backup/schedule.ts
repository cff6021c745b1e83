// Scheduled backups of a running server (docs/operations.md, "Backup and restore"): with
// --backup-dir, every --backup-every (default 24 h) it runs `hallmon backup --out-dir DIR --keep N`
// as a child process, so the copy never holds up ingest in the server's own event loop, and keeps
// the newest --backup-keep (default 14). A failure is logged at error with what to check and
// counted in /metrics; the next run is tried at the next interval.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { INSTALL_ROOT, type Logger } from '@hallmon/firmware-config';
import type { InfluxBackupTarget } from './backup.ts';

export interface BackupScheduleOptions {
  dataDir: string;
  dir: string;
  everyMs: number;
  keep: number;
  influx?: InfluxBackupTarget;
  log: Logger;
}

export class BackupSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  lastSuccess: number | null = null;
  failures = 0;

  constructor(private readonly opts: BackupScheduleOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.runOnce(), this.opts.everyMs);
    this.timer.unref();
    this.opts.log.info(
      { dir: this.opts.dir, everyH: this.opts.everyMs / 3_600_000, keep: this.opts.keep },
      'scheduled backups on',
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One backup now (a run already going is not doubled). */
  runOnce(): Promise<void> {
    this.running ??= this.backup().finally(() => (this.running = undefined));
    return this.running;
  }

  private backup(): Promise<void> {
    const o = this.opts;
    const args = [
      join(INSTALL_ROOT, 'bin', 'hallmon.js'),
      'backup',
      '--data-dir',
      o.dataDir,
      '--out-dir',
      o.dir,
      '--keep',
      String(o.keep),
      ...(o.influx ? ['--influx-url', o.influx.url, '--influx-rpc', o.influx.rpc] : []),
      ...(o.influx?.influxd ? ['--influxd', o.influx.influxd] : []),
    ];
    return new Promise((resolve) => {
      let err = '';
      const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      p.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
      p.on('error', (e) => (err += e.message));
      p.on('close', (code) => {
        if (code === 0) {
          this.lastSuccess = Date.now();
          o.log.info({ dir: o.dir }, 'scheduled backup written');
        } else {
          this.failures++;
          o.log.error(
            { code, err: err.trim() },
            `scheduled backup into ${o.dir} failed; check that the folder is writable and has space (hallmon backup --help)`,
          );
        }
        resolve();
      });
    });
  }
}
