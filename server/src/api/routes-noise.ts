// GET /api/noise?site=&sensor=&window=1m|5m|15m|60m[&to=]: the hall manager's rolling noise windows
// (LAeq over 1, 5, 15 and 60 min with L10/L50/L90/Lmax) of one noise sensor, from its stored raw
// readings through the rules package's noiseWindow (energy mean, IEC 61672-1; time-weighted
// exceedance levels), the same math the dashboard runs on the live feed. Every window ends at `to`
// when given, else at the sensor's newest reading, so a quiet feed shows its last known levels.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ID_PATTERN, SITE_ID_PATTERN, toIso } from '@hallmon/firmware-config';
import { API, NOISE_WINDOW_NAMES, NoiseWindowName, type NoiseWindowStats } from '@hallmon/contract';
import { noiseWindow, NOISE_WINDOWS_S } from '@hallmon/rules';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { denySite } from './scope.ts';
import { sendError } from './errors.ts';
import { QueryTime, queryTime } from './query-time.ts';

const NoiseQuery = Type.Object(
  {
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    sensor: Type.String({ pattern: ID_PATTERN }),
    window: Type.Optional(NoiseWindowName),
    to: Type.Optional(QueryTime),
  },
  { additionalProperties: false },
);

const SECONDS: Record<(typeof NOISE_WINDOW_NAMES)[number], number> = {
  '1m': NOISE_WINDOWS_S[0],
  '5m': NOISE_WINDOWS_S[1],
  '15m': NOISE_WINDOWS_S[2],
  '60m': NOISE_WINDOWS_S[3],
};
const LONGEST_MS = Math.max(...NOISE_WINDOWS_S) * 1000;
/** Without `to`, the newest reading is looked for this far back. */
const LOOK_BACK_MS = 86_400_000;

export function noiseRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/noise',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: NoiseQuery, response: API['GET /api/noise'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const denied = denySite(ctx, principalOf(request), q.site, reply);
        if (denied) return denied;
        const index = ctx.siteIndex.get(q.site)!;
        if (!index.metrics.get(q.sensor)?.has('noise_laeq'))
          return sendError(reply, 404, `site "${q.site}" has no noise sensor "${q.sensor}"`);
        let end: number | null;
        if (q.to !== undefined) {
          end = queryTime(q.to);
          if (end === null) return sendError(reply, 400, `querystring/to is not a valid time: "${q.to}"`);
        } else {
          const newest = (await (ctx.latest?.latest(q.site) ?? ctx.store.readLatest(q.site))).find(
            (r) => r.sensor === q.sensor && r.metric === 'noise_laeq',
          );
          end = newest && newest.ts > Date.now() - LOOK_BACK_MS ? newest.ts : null;
        }
        const names = q.window ? [q.window] : [...NOISE_WINDOW_NAMES];
        const raw =
          end === null
            ? []
            : await ctx.store.readRaw({
                site: q.site,
                sensor: q.sensor,
                metric: 'noise_laeq',
                from: end - LONGEST_MS + 1,
                to: end + 1,
              });
        const samples = raw.filter((r) => r.quality === 'ok').map((r) => ({ ts: r.ts, level: r.value, dur: r.dur }));
        const windows: NoiseWindowStats[] = names.map((w) => {
          const s = SECONDS[w];
          const st = end === null ? null : noiseWindow(samples, end, s);
          const at = end ?? Date.now();
          return {
            window: w,
            windowS: s,
            from: toIso(at - s * 1000),
            to: toIso(at),
            laeq: st ? round2(st.laeq) : null,
            l10: st?.l10 ?? null,
            l50: st?.l50 ?? null,
            l90: st?.l90 ?? null,
            lmax: st?.lmax ?? null,
            coveredS: st?.durationS ?? 0,
          };
        });
        return {
          site: q.site,
          sensor: q.sensor,
          indicative: index.indicative.has(q.sensor),
          end: end === null ? null : toIso(end),
          windows,
        };
      },
    );
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
