// Counter-device events and device status changes: GET /api/events, GET /api/status and the
// socket.io `event` and `status` messages share these shapes (server/src/api/wire-json.ts).
import { Type, type Static } from '@sinclair/typebox';
import { EventTypeName, IsoTime, StatusName } from './common.ts';

/** A stored event with its site; the optional fields are those the event type carries. */
export const DeviceEvent = Type.Object({
  site: Type.String(),
  device: Type.String(),
  type: EventTypeName,
  ts: IsoTime,
  /** rating: 1 (非常不满意) … 5 (非常满意). */
  score: Type.Optional(Type.Integer()),
  window: Type.Optional(Type.String()),
  ticket: Type.Optional(Type.String()),
  /** device_fault: timeout | crc-error | exception | disconnected | parse-error. */
  fault: Type.Optional(Type.String()),
  /** device_fault: failures in the episode; data_gap: records dropped. */
  count: Type.Optional(Type.Integer()),
  /** data_gap, device_fault: the span it covers. */
  start: Type.Optional(IsoTime),
  end: Type.Optional(IsoTime),
  detail: Type.Optional(Type.String()),
});
export type DeviceEvent = Static<typeof DeviceEvent>;

export const EventList = Type.Array(DeviceEvent);

export const StatusChange = Type.Object({
  site: Type.String(),
  device: Type.String(),
  status: StatusName,
  ts: IsoTime,
});
export type StatusChange = Static<typeof StatusChange>;

export const StatusList = Type.Array(StatusChange);
