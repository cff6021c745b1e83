// GET /api/readings: raw points or 1m/1h/1d aggregates for one sensor metric (docs/contract.md). Ranges are
// bounded so one request cannot pull a year of raw data: raw <= 31 days and a point cap (the answer
// says `truncated`), aggregates <= 400 days. For noise the aggregate point is the energy-mean LAeq,
// not the arithmetic mean (IEC 61672-1: LAeq = 10·log10(Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ)).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Metric, SITE_ID_PATTERN, ID_PATTERN, toIso } from '@hallmon/firmware-config';
import { API, type Point } from '@hallmon/contract';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { denySite } from './scope.ts';
import { sendError } from './errors.ts';
import { QueryTime, queryRange } from './query-time.ts';

export const RAW_MAX_DAYS = 31;
export const AGG_MAX_DAYS = 400;
export const RAW_POINT_CAP = 200_000;

const ReadingsQuery = Type.Object(
  {
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    sensor: Type.String({ pattern: ID_PATTERN }),
    metric: Metric,
    from: QueryTime,
    to: QueryTime,
    step: Type.Optional(Type.Union([Type.Literal('1m'), Type.Literal('1h'), Type.Literal('1d')])),
  },
  { additionalProperties: false },
);

export function readingRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/readings',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: ReadingsQuery, response: API['GET /api/readings'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const maxDays = q.step ? AGG_MAX_DAYS : RAW_MAX_DAYS;
        const range = queryRange(q, maxDays);
        if (typeof range === 'string')
          return sendError(
            reply,
            400,
            range.endsWith(' days') && !q.step ? `${range} for raw data; use step=1m, 1h or 1d` : range,
          );
        const { from, to } = range;
        const denied = denySite(ctx, principalOf(request), q.site, reply);
        if (denied) return denied;
        const index = ctx.siteIndex.get(q.site);
        if (!index) return sendError(reply, 404, `unknown site "${q.site}"`);
        // A device taken out of the config keeps its history (ingest/site-index.ts `retired`).
        const metrics = index.metrics.get(q.sensor) ?? index.retired.get(q.sensor)?.metrics;
        if (!metrics) return sendError(reply, 404, `site "${q.site}" has no sensor "${q.sensor}"`);
        if (!metrics.has(q.metric))
          return sendError(
            reply,
            404,
            `sensor "${q.sensor}" does not measure ${q.metric} (it measures ${[...metrics].join(', ') || 'nothing'})`,
          );
        const base = { site: q.site, sensor: q.sensor, metric: q.metric, from, to };
        if (!q.step) {
          const rows = await ctx.store.readRaw({ ...base, limit: RAW_POINT_CAP + 1 });
          const truncated = rows.length > RAW_POINT_CAP;
          const points = (truncated ? rows.slice(0, RAW_POINT_CAP) : rows).map((r): Point => [toIso(r.ts), r.value]);
          return truncated ? { points, truncated: true, limit: RAW_POINT_CAP } : { points };
        }
        const buckets = await ctx.store.readAggregate({ ...base, step: q.step });
        const noise = q.metric === 'noise_laeq';
        return {
          step: q.step,
          points: buckets.map((b): Point => [toIso(b.ts), noise && b.laeq !== undefined ? b.laeq : b.mean]),
          buckets: buckets.map((b) => ({ ...b, ts: toIso(b.ts) })),
        };
      },
    );
  };
}
