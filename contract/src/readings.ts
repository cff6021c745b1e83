// GET /api/readings (raw points or 1m/1h/1d aggregates), GET /api/latest and the socket.io `reading`
// message: one reading shape with UTC ISO times (server/src/api/wire-json.ts readingJson).
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, MetricName, QualityName, Step } from './common.ts';

/** One stored reading: GET /api/latest rows and socket.io `reading`. */
export const Reading = Type.Object({
  site: Type.String(),
  sensor: Type.String(),
  metric: MetricName,
  ts: IsoTime,
  value: Type.Number(),
  quality: QualityName,
  /** Seconds the value integrates over (noise); absent when the reading did not say. */
  dur: Type.Optional(Type.Number()),
});
export type Reading = Static<typeof Reading>;

export const LatestList = Type.Array(Reading);

/** [ts, value]: raw value, or the bucket's mean (noise: its energy-mean LAeq). */
export const Point = Type.Tuple([IsoTime, Type.Number()]);
export type Point = Static<typeof Point>;

export const AggregateBucket = Type.Object({
  ts: IsoTime,
  count: Type.Integer(),
  min: Type.Number(),
  max: Type.Number(),
  mean: Type.Number(),
  /** noise_laeq only: 10·log10(energy / Σ dur). */
  laeq: Type.Optional(Type.Number()),
});
export type AggregateBucket = Static<typeof AggregateBucket>;

/**
 * Raw: `{ points }`, or `{ points, truncated: true, limit }` past the point cap. Aggregates:
 * `{ step, points, buckets }`.
 */
export const ReadingsAnswer = Type.Object({
  step: Type.Optional(Step),
  points: Type.Array(Point),
  buckets: Type.Optional(Type.Array(AggregateBucket)),
  truncated: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer()),
});
export type ReadingsAnswer = Static<typeof ReadingsAnswer>;
