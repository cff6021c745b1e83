// GET /api/health (no token): status, version, uptime, store kind, ingest counters (accepted and
// rejected by reason per stream), the MQTT broker and the live push figures.
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, StoreKind } from './common.ts';

/** Rejection reason (server/src/ingest/reasons.ts, stable names) -> count. */
const Rejected = Type.Record(Type.String(), Type.Integer());

export const StreamCounters = Type.Object({
  messages: Type.Integer(),
  accepted: Type.Integer(),
  duplicates: Type.Integer(),
  rejected: Rejected,
});

export const IngestCounters = Type.Object({
  telemetry: StreamCounters,
  events: StreamCounters,
  alarms: StreamCounters,
  status: StreamCounters,
  /** Messages on topics that name no known site or stream. */
  unrouted: StreamCounters,
  accepted: Type.Integer(),
  rejected: Rejected,
});
export type IngestCounters = Static<typeof IngestCounters>;

export const BrokerHealth = Type.Union([
  Type.Object({
    kind: Type.Literal('external'),
    url: Type.String(),
    connected: Type.Boolean(),
    /** In a server group (docs/cluster.md): the shared-subscription group. */
    shareGroup: Type.Optional(Type.String()),
  }),
  Type.Object({
    kind: Type.Literal('embedded'),
    clients: Type.Integer(),
    mqttPort: Type.Integer(),
    websocket: Nullable(Type.String()),
  }),
]);

export const LiveHealth = Type.Object({
  clients: Type.Integer(),
  sent: Type.Integer(),
  coalesced: Type.Integer(),
  dropped: Type.Integer(),
});
export type LiveHealth = Static<typeof LiveHealth>;

/** What the running server adds to the fixed part. */
export const HealthDetail = Type.Object({
  ingest: IngestCounters,
  broker: BrokerHealth,
  live: Nullable(LiveHealth),
});
export type HealthDetail = Static<typeof HealthDetail>;

export const Health = Type.Composite([
  Type.Object({
    status: Type.Literal('ok'),
    version: Type.String(),
    uptimeS: Type.Integer(),
    store: StoreKind,
  }),
  HealthDetail,
]);
export type Health = Static<typeof Health>;
