// Builds the alarm records and evidence records rules emit, so every kind shapes them alike.
// Alarm ids are stable (`${site}:${rule}:${sensor}:${startMs}`): the raise and the clear of one
// excursion carry the same id, and a replay of the same data yields the same ids (contract alarms).
import { toIso } from '@hallmon/firmware-config/core';
import type { Bound, EndReason, Excursion, Out } from './types.ts';
import type { Metric } from '@hallmon/firmware-config/core';

/** Derived values (means, LAeq, dew point) are rounded so that "exactly at the limit" stays exact. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function alarmId(b: Bound, sensor: string, startMs: number): string {
  return `${b.site}:${b.rule.id}:${sensor}:${startMs}`;
}

export interface AlarmFacts {
  sensor?: string;
  startMs: number;
  peak?: number;
  limit?: number;
  message?: string;
}

export function raise(out: Out, b: Bound, atMs: number, f: AlarmFacts): void {
  const sensor = f.sensor ?? b.sensor;
  out.transition({
    type: 'raise',
    atMs,
    alarm: {
      id: alarmId(b, sensor, f.startMs),
      site: b.site,
      clause: b.clause,
      rule: b.rule.id,
      sensor,
      severity: b.rule.severity,
      state: 'raised',
      ts: toIso(atMs),
      startedAt: toIso(f.startMs),
      ...(f.peak !== undefined ? { peak: f.peak } : {}),
      ...(f.limit !== undefined ? { limit: f.limit } : {}),
      ...(f.message ? { message: f.message.slice(0, 500) } : {}),
    },
  });
}

export function clear(out: Out, b: Bound, atMs: number, clearedAt: number, f: AlarmFacts): void {
  const sensor = f.sensor ?? b.sensor;
  out.transition({
    type: 'clear',
    atMs,
    alarm: {
      id: alarmId(b, sensor, f.startMs),
      site: b.site,
      clause: b.clause,
      rule: b.rule.id,
      sensor,
      severity: b.rule.severity,
      state: 'cleared',
      ts: toIso(atMs),
      startedAt: toIso(f.startMs),
      clearedAt: toIso(clearedAt),
      ...(f.peak !== undefined ? { peak: f.peak } : {}),
      ...(f.limit !== undefined ? { limit: f.limit } : {}),
      ...(f.message ? { message: f.message.slice(0, 500) } : {}),
    },
  });
}

export function excursion(
  b: Bound,
  x: {
    sensor?: string;
    metric?: Metric;
    start: number;
    end: number;
    peak: number;
    limit?: number;
    endReason: EndReason;
  },
): Excursion {
  return {
    rule: b.rule.id,
    clause: b.clause,
    sensor: x.sensor ?? b.sensor,
    ...(x.metric ? { metric: x.metric } : {}),
    severity: b.rule.severity,
    start: x.start,
    end: x.end,
    peak: x.peak,
    ...(x.limit !== undefined ? { limit: x.limit } : {}),
    durationS: (x.end - x.start) / 1000,
    endReason: x.endReason,
  };
}
