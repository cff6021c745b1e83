// socket.io on the API's port (server/src/live/socketio.ts): what clients send and receive. The
// messages are the HTTP shapes: `reading` = a GET /api/latest row, `event` = a GET /api/events row,
// `status` = a GET /api/status row, `alarm` = a GET /api/alarms row.
import { Type, type Static } from '@sinclair/typebox';
import { Reading } from './readings.ts';
import { DeviceEvent, StatusChange } from './events.ts';
import { Alarm } from './alarms.ts';

/** Every server-to-client message by event name. */
export const LIVE_MESSAGES = { reading: Reading, event: DeviceEvent, status: StatusChange, alarm: Alarm } as const;
export type LiveMessageName = keyof typeof LIVE_MESSAGES;

export interface ServerToClientEvents {
  reading(m: Reading): void;
  event(m: DeviceEvent): void;
  status(m: StatusChange): void;
  alarm(m: Alarm): void;
}

/** `subscribe` / `unsubscribe` take `{ site }` (or the bare site id). */
export const SubscribeRequest = Type.Union([Type.Object({ site: Type.String() }), Type.String()]);

export const SubscribeAck = Type.Union([
  Type.Object({ ok: Type.Literal(true), site: Type.String() }),
  Type.Object({ ok: Type.Literal(false), error: Type.String() }),
]);
export type SubscribeAck = Static<typeof SubscribeAck>;

export interface ClientToServerEvents {
  subscribe(msg: unknown, ack?: (a: SubscribeAck) => void): void;
  unsubscribe(msg: unknown): void;
}

/** The handshake: `io(url, { auth: { token } })`; a bad token fails with a message containing "unauthorized". */
export interface LiveHandshakeAuth {
  token: string;
}
