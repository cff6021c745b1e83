// GET /api/events and GET /api/status: counter-device events (ratings, tickets, faults) and device
// online/offline changes for a period, so the hall view can show evaluator use, bad ratings to
// follow up and devices offline. Additions to contract v1 (same auth, time and error rules).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SITE_ID_PATTERN, ID_PATTERN, EVENT_TYPES } from '@hallmon/firmware-config';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { denySite } from './scope.ts';
import { sendError } from './errors.ts';
import { QueryTime, queryRange } from './query-time.ts';
import { API } from '@hallmon/contract';
import { eventJson, statusJson } from './wire-json.ts';

const MAX_DAYS = 31;

const HistoryQuery = Type.Object(
  {
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    from: QueryTime,
    to: QueryTime,
    device: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    type: Type.Optional(Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)))),
  },
  { additionalProperties: false },
);

export function historyRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const range = (q: { from: string; to: string }) => queryRange(q, MAX_DAYS);

    app.get(
      '/api/events',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: HistoryQuery, response: API['GET /api/events'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const r = range(q);
        if (typeof r === 'string') return sendError(reply, 400, r);
        const denied = denySite(ctx, principalOf(request), q.site, reply);
        if (denied) return denied;
        const rows = await ctx.store.readEvents({
          site: q.site,
          ...r,
          device: q.device,
          types: q.type ? [q.type] : undefined,
        });
        return rows.map(eventJson);
      },
    );

    app.get(
      '/api/status',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: Type.Omit(HistoryQuery, ['type']), response: API['GET /api/status'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const r = range(q);
        if (typeof r === 'string') return sendError(reply, 400, r);
        const denied = denySite(ctx, principalOf(request), q.site, reply);
        if (denied) return denied;
        const rows = await ctx.store.readStatus({ site: q.site, ...r, device: q.device });
        return rows.map(statusJson);
      },
    );
  };
}
