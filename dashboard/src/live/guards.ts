// Live messages are external input: a malformed one is dropped (and counted), never rendered.
import type { Alarm, DeviceEvent, Reading, StatusChange } from '@hallmon/contract';

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const time = (v: unknown): boolean => str(v) && Number.isFinite(Date.parse(v));
const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function isLiveReading(v: unknown): v is Reading {
  return (
    obj(v) &&
    str(v.site) &&
    str(v.sensor) &&
    str(v.metric) &&
    typeof v.value === 'number' &&
    Number.isFinite(v.value) &&
    time(v.ts)
  );
}

export function isLiveEvent(v: unknown): v is DeviceEvent {
  return obj(v) && str(v.site) && str(v.device) && str(v.type) && time(v.ts);
}

export function isLiveStatus(v: unknown): v is StatusChange {
  return obj(v) && str(v.site) && str(v.device) && (v.status === 'online' || v.status === 'offline') && time(v.ts);
}

export function isAlarm(v: unknown): v is Alarm {
  return (
    obj(v) &&
    str(v.id) &&
    str(v.site) &&
    str(v.clause) &&
    str(v.rule) &&
    (v.severity === 'warning' || v.severity === 'critical') &&
    (v.state === 'raised' || v.state === 'cleared') &&
    time(v.startedAt)
  );
}
