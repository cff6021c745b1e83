// Building blocks of the response schemas. Times on the wire are UTC ISO 8601 strings (toIso), never
// epoch ms, so every client parses one format. `Nullable` marks a property that is always present
// and may be null: the server's JSON mappers send null, not a missing property.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { EVENT_TYPES, METRICS, QUALITIES, STATUS_VALUES, ZONE_KINDS } from '@hallmon/firmware-config/core';

/** A UTC instant as toIso writes it (2025-05-01T01:00:00.000Z). */
export const IsoTime = Type.String({ description: 'UTC ISO 8601' });

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const MetricName = Type.Union(METRICS.map((m) => Type.Literal(m)));
export const QualityName = Type.Union(QUALITIES.map((q) => Type.Literal(q)));
export const EventTypeName = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));
export const StatusName = Type.Union(STATUS_VALUES.map((s) => Type.Literal(s)));
export const ZoneKindName = Type.Union(ZONE_KINDS.map((k) => Type.Literal(k)));
export const SeverityName = Type.Union([Type.Literal('warning'), Type.Literal('critical')]);
export const StoreKind = Type.Union([Type.Literal('sqlite'), Type.Literal('influxdb')]);
export const Step = Type.Union([Type.Literal('1m'), Type.Literal('1h'), Type.Literal('1d')]);

/** A clause's verdict in an evidence pack, a scorecard and the district view. */
export const Verdict = Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('insufficient-data')]);
export type Verdict = Static<typeof Verdict>;
