// The edge's watch over the two things that end store-and-forward (docs/alarms.md, "System
// alarms"): the outbox budget (outboxMaxMB: past it the oldest records are dropped, with a data_gap
// event) and the free space of the data dir's disk (a full disk stops the outbox altogether). Every
// minute: outbox at 80 % of its budget is a warning alarm, at 95 % critical (rule outbox-budget);
// the disk under 15 % free a warning, under 5 % critical (rule disk-space); both on sensor `edge`,
// clause system, through the edge's own alarm stream, so the server and its notifications hear of
// it before data is lost.
import {
  DEFAULT_DISK_THRESHOLDS,
  describeDisk,
  diskLevel,
  diskSpace,
  LevelAlarm,
  type AlarmLevel,
  type AlarmRecord,
  type DiskSpace,
  type DiskThresholds,
  type Logger,
  type StatFs,
} from '@hallmon/firmware-config';
import type { Outbox } from './outbox.ts';

export const OUTBOX_WARNING = 0.8;
export const OUTBOX_CRITICAL = 0.95;

export interface SystemWatchOptions {
  site: string;
  dataDir: string;
  outbox: Outbox;
  push: (alarms: AlarmRecord[]) => void;
  log: Logger;
  everyMs?: number;
  thresholds?: DiskThresholds;
  statfs?: StatFs;
  now?: () => number;
}

export class SystemWatch {
  private readonly outboxAlarm: LevelAlarm;
  private readonly diskAlarm: LevelAlarm;
  private timer: NodeJS.Timeout | undefined;
  private lastDisk: DiskSpace | undefined;

  constructor(private readonly opts: SystemWatchOptions) {
    this.outboxAlarm = new LevelAlarm({ site: opts.site, rule: 'outbox-budget', sensor: 'edge' });
    this.diskAlarm = new LevelAlarm({ site: opts.site, rule: 'disk-space', sensor: 'edge' });
  }

  get disk(): DiskSpace | undefined {
    return this.lastDisk;
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

  check(): void {
    const now = (this.opts.now ?? Date.now)();
    const out: AlarmRecord[] = [];
    if (this.opts.outbox.isOpen) {
      const ob = this.opts.outbox.stats();
      const used = ob.budgetBytes > 0 ? ob.bytes / ob.budgetBytes : 0;
      const level: AlarmLevel = used >= OUTBOX_CRITICAL ? 'critical' : used >= OUTBOX_WARNING ? 'warning' : 'ok';
      const message =
        `outbox at ${Math.round(used * 100)} % of its ${(ob.budgetBytes / 1024 / 1024).toFixed(0)} MB budget ` +
        `(${ob.count} records waiting): the uplink is not keeping up; past 100 % the oldest records are dropped`;
      if (level !== this.outboxAlarm.level && level !== 'ok') this.opts.log.warn({ used, records: ob.count }, message);
      const limit = level === 'critical' ? OUTBOX_CRITICAL : OUTBOX_WARNING;
      out.push(...this.outboxAlarm.update(level, now, used * 100, limit * 100, message));
    }
    try {
      const d = diskSpace(this.opts.dataDir, this.opts.statfs);
      this.lastDisk = d;
      const t = this.opts.thresholds ?? DEFAULT_DISK_THRESHOLDS;
      const level = diskLevel(d, t);
      const message = `edge data dir disk: ${describeDisk(d)}; free space before the outbox cannot be written`;
      if (level !== this.diskAlarm.level && level !== 'ok') this.opts.log.warn({ freeBytes: d.freeBytes }, message);
      const limit = level === 'critical' ? t.critical : t.warning;
      out.push(...this.diskAlarm.update(level, now, (1 - d.free) * 100, Math.round((1 - limit) * 100), message));
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'cannot read the free space of the data dir');
    }
    if (out.length) this.opts.push(out);
  }
}
