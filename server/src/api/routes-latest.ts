// GET /api/latest?site=: the newest reading of every (sensor, metric), so the overview cards and
// the hall and room pages show values at once instead of waiting for the next live message.
// Served from the in-memory LatestValues the ingest live path feeds.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SITE_ID_PATTERN } from '@hallmon/firmware-config';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { selectSites } from './scope.ts';
import { API } from '@hallmon/contract';
import { readingJson } from './wire-json.ts';
import type { StoredReading } from '../store/store.ts';

export const SiteFilter = Type.Object(
  { site: Type.Optional(Type.String({ pattern: SITE_ID_PATTERN })) },
  { additionalProperties: false },
);

export function latestRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  // Without the live map (an API built on its own, e.g. in tests) every request asks the store.
  const read = (site: string): Promise<StoredReading[]> =>
    ctx.latest ? ctx.latest.latest(site) : ctx.store.readLatest(site);
  return async (app) => {
    app.get(
      '/api/latest',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: SiteFilter, response: API['GET /api/latest'].response },
      },
      async (request, reply) => {
        const sites = selectSites(ctx, principalOf(request), request.query.site, reply);
        if (!Array.isArray(sites)) return sites;
        const rows = (await Promise.all(sites.map(read))).flat();
        rows.sort((a, b) => cmp(a.site, b.site) || cmp(a.sensor, b.sensor) || cmp(a.metric, b.metric));
        return rows.map(readingJson);
      },
    );
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
