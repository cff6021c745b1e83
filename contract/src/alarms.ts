// An alarm as the API, socket.io `alarm`, the generic webhook body and the evidence pack show it
// (server/src/api/wire-json.ts alarmJson): every property present, null when not known.
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable, SeverityName } from './common.ts';

export const AlarmState = Type.Union([Type.Literal('raised'), Type.Literal('cleared')]);

export const Alarm = Type.Object({
  /** Stable: the raise and the clear of one excursion share it (`${site}:${rule}:${sensor}:${startMs}`). */
  id: Type.String(),
  site: Type.String(),
  clause: Type.String(),
  rule: Type.String(),
  sensor: Type.String(),
  severity: SeverityName,
  /** raised while active, cleared once over. */
  state: AlarmState,
  startedAt: IsoTime,
  clearedAt: Nullable(IsoTime),
  peak: Nullable(Type.Number()),
  limit: Nullable(Type.Number()),
  message: Nullable(Type.String()),
  ackedBy: Nullable(Type.String()),
  ackedAt: Nullable(IsoTime),
  ackNote: Nullable(Type.String()),
  /** Time of the newest record (raise or clear) of this alarm. */
  ts: IsoTime,
});
export type Alarm = Static<typeof Alarm>;

export const AlarmList = Type.Array(Alarm);

/** The evidence pack's alarm-acknowledgement rows: the alarm's acknowledgement facts. */
export const ALARM_ACK_KEYS = [
  'id',
  'clause',
  'rule',
  'sensor',
  'severity',
  'startedAt',
  'clearedAt',
  'ackedBy',
  'ackedAt',
  'ackNote',
] as const satisfies readonly (keyof Alarm)[];
export const AlarmAck = Type.Pick(Alarm, ALARM_ACK_KEYS);
export type AlarmAck = Static<typeof AlarmAck>;
