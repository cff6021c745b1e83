// Free space of the disk a folder lives on (docs/operations.md, "Disk space"), for the server's data
// dir and the edge's outbox: node's statfs, the space an unprivileged process may use (bavail).
// Warning at 15 % free, critical at 5 % by default: early enough to act before SQLite, InfluxDB or
// the outbox hit a full disk, when writes fail and data would queue in memory.
import { statfsSync } from 'node:fs';
import type { AlarmLevel } from './level-alarm.ts';

export interface DiskSpace {
  path: string;
  freeBytes: number;
  totalBytes: number;
  /** Free share, 0..1. */
  free: number;
}

export interface DiskThresholds {
  /** Free share below which the level is warning (default 0.15). */
  warning: number;
  /** Free share below which it is critical (default 0.05). */
  critical: number;
}

export const DEFAULT_DISK_THRESHOLDS: DiskThresholds = { warning: 0.15, critical: 0.05 };

export type StatFs = (path: string) => { bavail: number; blocks: number; bsize: number };

export function diskSpace(path: string, statfs: StatFs = statfsSync): DiskSpace {
  const s = statfs(path);
  const totalBytes = s.blocks * s.bsize;
  const freeBytes = s.bavail * s.bsize;
  return { path, freeBytes, totalBytes, free: totalBytes > 0 ? freeBytes / totalBytes : 1 };
}

export function diskLevel(d: DiskSpace, t: DiskThresholds = DEFAULT_DISK_THRESHOLDS): AlarmLevel {
  return d.free < t.critical ? 'critical' : d.free < t.warning ? 'warning' : 'ok';
}

const GB = 1024 ** 3;
/** "12.3 GB free of 100.0 GB (12 %)". */
export function describeDisk(d: DiskSpace): string {
  return `${(d.freeBytes / GB).toFixed(1)} GB free of ${(d.totalBytes / GB).toFixed(1)} GB (${Math.round(d.free * 100)} %) at ${d.path}`;
}
