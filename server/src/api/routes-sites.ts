// GET /api/sites: the halls this server knows, their zones and what each sensor measures
// (contract shape), plus the counter devices so the dashboard can render everything generically.
// Only the sites the account covers (api/scope.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { API } from '@hallmon/contract';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { canRead } from './scope.ts';

export function siteRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/sites',
      { preHandler: requireAuth(ctx.auth), schema: { response: API['GET /api/sites'].response } },
      async (request) =>
        [...ctx.sites.values()]
          .filter((s) => canRead(principalOf(request), s.id))
          .map((s) => {
            const index = ctx.siteIndex.get(s.id);
            return {
              id: s.id,
              name: s.name,
              nameEn: s.nameEn,
              timezone: s.timezone,
              openingHours: s.openingHours,
              // Absent in the config means the default season (GB/T 18883-2022 summer limits 05-01..09-30).
              summer: s.summer ?? { from: '05-01', to: '09-30' },
              zones: s.zones.map((z) => ({
                id: z.id,
                kind: z.kind,
                name: z.name,
                sensors: z.devices
                  .filter((d) => (index?.metrics.get(d.id)?.size ?? 0) > 0)
                  .map((d) => ({
                    id: d.id,
                    name: d.name,
                    profile: d.profile,
                    metrics: [...(index?.metrics.get(d.id) ?? [])],
                    ...(index?.indicative.has(d.id) ? { indicative: true } : {}),
                    ...(d.inputs
                      ? {
                          inputs: d.inputs.map((ch) => ({
                            channel: ch.channel,
                            metric: ch.metric,
                            contact: ch.contact ?? 'NO',
                            ...(ch.name ? { name: ch.name } : {}),
                          })),
                        }
                      : {}),
                  })),
                devices: z.devices.map((d) => ({ id: d.id, name: d.name, profile: d.profile, window: d.window })),
              })),
            };
          }),
    );
  };
}
