// GET /api/health (no token): status (503 and the failing parts when the store, the broker or the
// data dir's disk cannot be used), version and build, uptime, store kind, ingest counters (accepted
// and rejected by reason per stream), the MQTT broker, the live push figures and the disk.
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
  /** Edge clock reports (not stored: compared with the server's clock). */
  clock: StreamCounters,
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

export const DiskHealth = Type.Object({
  path: Type.String(),
  freeBytes: Type.Number(),
  totalBytes: Type.Number(),
  /** ok, warning (under 15 % free) or critical (under 5 %). */
  level: Type.Union([Type.Literal('ok'), Type.Literal('warning'), Type.Literal('critical')]),
});

/** A part of the server that cannot do its job now, and why. */
export const FailingPart = Type.Object({
  part: Type.Union([Type.Literal('store'), Type.Literal('state'), Type.Literal('broker'), Type.Literal('disk')]),
  message: Type.String(),
});
export type FailingPart = Static<typeof FailingPart>;

/** What the running server adds to the fixed part. */
export const HealthDetail = Type.Object({
  ingest: IngestCounters,
  broker: BrokerHealth,
  live: Nullable(LiveHealth),
  /** Free space of the data dir's disk; null before the first measurement. */
  disk: Nullable(DiskHealth),
  /** Empty when the status is ok. */
  failing: Type.Array(FailingPart),
});
export type HealthDetail = Static<typeof HealthDetail>;

export const Health = Type.Composite([
  Type.Object({
    /** failing: answered with HTTP 503, the parts in `failing`. */
    status: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
    version: Type.String(),
    /** When the running JavaScript was built (bin/build.js); null when it runs from the TypeScript sources. */
    built: Nullable(Type.String()),
    node: Type.String(),
    uptimeS: Type.Integer(),
    store: StoreKind,
  }),
  HealthDetail,
]);
export type Health = Static<typeof Health>;
