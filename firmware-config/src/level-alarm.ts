// Alarms about the running system itself (docs/alarms.md, "System alarms"): disk space, the edge's
// outbox budget, an edge clock that is off. They use the clause id `system` (no assessment clause:
// they warn that evidence is at risk) and travel like every other alarm. A LevelAlarm turns a level
// measured now and then (ok, warning, critical) into raise and clear records: one alarm per episode
// and severity, with a stable id, so a repeated check never raises twice.
import { toIso, type AlarmRecord, type Severity } from './schemas/wire.ts';

export const SYSTEM_CLAUSE = 'system';

export type AlarmLevel = 'ok' | Severity;

export interface LevelAlarmSpec {
  site: string;
  /** disk-space, outbox-budget, clock-skew … */
  rule: string;
  /** What it is about: server-data-dir, edge, … */
  sensor: string;
}

export class LevelAlarm {
  private open: { id: string; severity: Severity; startedAt: number; peak: number } | undefined;

  constructor(private readonly spec: LevelAlarmSpec) {}

  get level(): AlarmLevel {
    return this.open?.severity ?? 'ok';
  }

  /** Takes over an alarm still raised in the store (after a restart), so it is cleared, not raised twice. */
  resume(a: { id: string; severity: Severity; startedAt: number; peak?: number }): void {
    this.open = { id: a.id, severity: a.severity, startedAt: a.startedAt, peak: a.peak ?? 0 };
  }

  /**
   * The records a new measurement makes: none while the level stays; a clear and/or a raise when it
   * moves. `value` is what was measured (its peak is kept), `limit` the threshold it crossed.
   */
  update(level: AlarmLevel, now: number, value: number, limit: number, message: string): AlarmRecord[] {
    const out: AlarmRecord[] = [];
    if (this.open && this.open.severity === level) {
      this.open.peak = Math.max(this.open.peak, value);
      return out;
    }
    if (this.open) {
      out.push(this.record(this.open, 'cleared', now, limit, message));
      this.open = undefined;
    }
    if (level !== 'ok') {
      this.open = {
        id: `${this.spec.site}:${SYSTEM_CLAUSE}:${this.spec.rule}:${this.spec.sensor}:${level}:${now}`,
        severity: level,
        startedAt: now,
        peak: value,
      };
      out.push(this.record(this.open, 'raised', now, limit, message));
    }
    return out;
  }

  private record(
    o: { id: string; severity: Severity; startedAt: number; peak: number },
    state: 'raised' | 'cleared',
    now: number,
    limit: number,
    message: string,
  ): AlarmRecord {
    return {
      id: o.id,
      site: this.spec.site,
      clause: SYSTEM_CLAUSE,
      rule: this.spec.rule,
      sensor: this.spec.sensor,
      severity: o.severity,
      state,
      ts: toIso(now),
      startedAt: toIso(o.startedAt),
      ...(state === 'cleared' ? { clearedAt: toIso(now) } : {}),
      peak: Math.round(o.peak * 100) / 100,
      limit,
      message: message.slice(0, 500),
    };
  }
}
