// The alarm path's own records: notice deliveries, webhook and e-mail (GET /api/alarms/{id}/notifications,
// GET /api/notifications) and self-tests (POST and GET /api/selftest).
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.ts';

export const DeliveryAttempt = Type.Object({
  at: IsoTime,
  ok: Type.Boolean(),
  /** HTTP status, when there was an answer. */
  status: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.String()),
});

export const Delivery = Type.Object({
  alarmId: Type.String(),
  site: Type.String(),
  /** Notification route id of the site config. */
  route: Type.String(),
  /** scheme://host/path only: the credential in the query is never stored; mailto:a@b,c@d for e-mail. */
  url: Type.String(),
  /** raised | escalated | cleared | reminder. */
  event: Type.String(),
  /** 0, or n for the n-th reminder. */
  reminder: Type.Integer(),
  /** The route's escalation level the notice went to: 1 first, 2 and on when still unacknowledged. */
  level: Type.Integer(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  createdAt: IsoTime,
  deliveredAt: Nullable(IsoTime),
  lastError: Nullable(Type.String()),
  attempts: Type.Array(DeliveryAttempt),
});
export type Delivery = Static<typeof Delivery>;

export const DeliveryList = Type.Array(Delivery);

export const SelftestDelivery = Type.Object({
  routeId: Type.String(),
  /** The escalation level (a self-test reaches the first levels only). */
  level: Type.Optional(Type.Integer()),
  url: Type.String(),
  delivered: Type.Boolean(),
  /** Epoch ms (as the self-test log stores it). */
  deliveredAt: Type.Optional(Type.Number()),
  attempts: Type.Integer(),
  error: Type.Optional(Type.String()),
  event: Type.Union([Type.Literal('raised'), Type.Literal('cleared')]),
});

export const Selftest = Type.Object({
  id: Type.String(),
  site: Type.String(),
  trigger: Type.Union([Type.Literal('api'), Type.Literal('cli'), Type.Literal('schedule')]),
  user: Nullable(Type.String()),
  alarmId: Type.String(),
  startedAt: IsoTime,
  raisedAt: Nullable(IsoTime),
  clearedAt: Nullable(IsoTime),
  finishedAt: IsoTime,
  ok: Type.Boolean(),
  /** Notification routes the test alarm went to. */
  routes: Type.Array(Type.String()),
  deliveries: Type.Array(SelftestDelivery),
  failures: Type.Array(Type.String()),
});
export type Selftest = Static<typeof Selftest>;

export const SelftestList = Type.Array(Selftest);
