// GET /api/marks?site=&sensor=&from=&to=: the rule engine's excursions and gaps of one sensor over a
// chart's range (marks.ts), for every signed-in role. Same time and error rules as /api/readings;
// the range is bounded like aggregates (it replays minute data, a year in about a second).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ID_PATTERN, SITE_ID_PATTERN, loadCatalogue, loadProfiles, shippedCalendar } from '@hallmon/firmware-config';
import { API, MARKS_MAX_DAYS } from '@hallmon/contract';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { denySite } from './scope.ts';
import { sendError } from './errors.ts';
import { QueryTime, queryRange } from './query-time.ts';
import { sensorMarks } from './marks.ts';

const MarksQuery = Type.Object(
  {
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    sensor: Type.String({ pattern: ID_PATTERN }),
    from: QueryTime,
    to: QueryTime,
  },
  { additionalProperties: false },
);

export function marksRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const catalogue = loadCatalogue();
  const profiles = loadProfiles();
  const calendar = shippedCalendar();
  return async (app) => {
    app.get(
      '/api/marks',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: MarksQuery, response: API['GET /api/marks'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const range = queryRange(q, MARKS_MAX_DAYS);
        if (typeof range === 'string') return sendError(reply, 400, range);
        const { from, to } = range;
        const denied = denySite(ctx, principalOf(request), q.site, reply);
        if (denied) return denied;
        const site = ctx.sites.get(q.site);
        const metrics = ctx.siteIndex.get(q.site)?.metrics.get(q.sensor);
        if (!site) return sendError(reply, 404, `unknown site "${q.site}"`);
        if (!metrics || metrics.size === 0)
          return sendError(reply, 404, `site "${q.site}" has no sensor "${q.sensor}"`);
        return sensorMarks({
          store: ctx.store,
          site,
          catalogue,
          profiles,
          calendar,
          sensor: q.sensor,
          metrics: [...metrics],
          from,
          to,
        });
      },
    );
  };
}
