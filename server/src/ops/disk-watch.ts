// Watches the free space of the server's data dir (docs/operations.md, "Disk space"): every minute a
// statfs; below 15 % free a warning alarm, below 5 % a critical one (rule disk-space, sensor
// server-data-dir, clause system) for every site the server holds, since every site's data is at
// risk; cleared when space is back. /api/health reports the disk as failing while critical, and
// /metrics carries the figures.
import {
  DEFAULT_DISK_THRESHOLDS,
  describeDisk,
  diskLevel,
  diskSpace,
  LevelAlarm,
  type AlarmLevel,
  type DiskSpace,
  type DiskThresholds,
  type Logger,
  type StatFs,
} from '@hallmon/firmware-config';
import { alarmFromRecord } from '../api/wire-json.ts';
import type { StoredAlarm } from '../store/store.ts';

export interface DiskWatchOptions {
  dir: string;
  sites: Iterable<string>;
  publish: (site: string, alarms: StoredAlarm[]) => void;
  log: Logger;
  thresholds?: DiskThresholds;
  everyMs?: number;
  /** statfs (tests hand in a disk that fills). */
  statfs?: StatFs;
  now?: () => number;
}

export interface DiskState extends DiskSpace {
  level: AlarmLevel;
}

export class DiskWatch {
  private readonly alarms: Map<string, LevelAlarm>;
  private timer: NodeJS.Timeout | undefined;
  private last: DiskState | undefined;
  private readonly thresholds: DiskThresholds;

  constructor(private readonly opts: DiskWatchOptions) {
    this.thresholds = opts.thresholds ?? DEFAULT_DISK_THRESHOLDS;
    this.alarms = new Map(
      [...opts.sites].map((site) => [site, new LevelAlarm({ site, rule: 'disk-space', sensor: 'server-data-dir' })]),
    );
  }

  /** The last measurement, or undefined before the first. */
  get state(): DiskState | undefined {
    return this.last;
  }

  start(): void {
    this.check();
    this.timer = setInterval(() => this.check(), this.opts.everyMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Measures now; raises or clears alarms when the level moved. */
  check(): DiskState | undefined {
    let d: DiskSpace;
    try {
      d = diskSpace(this.opts.dir, this.opts.statfs);
    } catch (err) {
      this.opts.log.warn(
        { err: (err as Error).message, dir: this.opts.dir },
        'cannot read the free space of the data dir',
      );
      return this.last;
    }
    const level = diskLevel(d, this.thresholds);
    const prev = this.last?.level ?? 'ok';
    this.last = { ...d, level };
    const now = (this.opts.now ?? Date.now)();
    const limit = level === 'critical' ? this.thresholds.critical : this.thresholds.warning;
    const usedPct = (1 - d.free) * 100;
    const message = `data dir disk: ${describeDisk(d)}; free space or move --data-dir before it fills`;
    if (level !== prev) {
      const log = level === 'ok' ? this.opts.log.info.bind(this.opts.log) : this.opts.log.warn.bind(this.opts.log);
      log({ level, freeBytes: d.freeBytes, dir: d.path }, message);
    }
    for (const [site, alarm] of this.alarms) {
      const records = alarm.update(level, now, usedPct, Math.round((1 - limit) * 100), message);
      const stored = records.map(alarmFromRecord).filter((a): a is StoredAlarm => a !== null);
      if (stored.length) this.opts.publish(site, stored);
    }
    return this.last;
  }
}
