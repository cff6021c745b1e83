// GET /api/scorecard?site=&from=&to= (a centre's scorecard for a period, any role covering the site)
// and GET /api/district?period=month|year&format=json|pdf (every centre the account covers × every
// scored clause; the district role reads all of its list). Both are built by the server's evidence
// line (evidence/service.ts); a district PDF download is recorded in the audit trail.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SITE_ID_PATTERN } from '@hallmon/firmware-config';
import { API } from '@hallmon/contract';
import type { ApiContext } from '../api/context.ts';
import { principalOf, requireAuth } from '../api/auth-hook.ts';
import { denySite, visibleSites } from '../api/scope.ts';
import { sendError } from '../api/errors.ts';
import { PeriodError } from '../evidence/period.ts';
import { PeriodValue } from '../evidence/route.ts';
import { evidenceServiceOf } from '../evidence/service.ts';
import { districtPdf } from './district-pdf.ts';
import { districtView } from './district.ts';

const ScorecardQuery = Type.Object(
  { site: Type.String({ pattern: SITE_ID_PATTERN }), from: PeriodValue, to: PeriodValue },
  { additionalProperties: false },
);
const DistrictQuery = Type.Object(
  {
    period: Type.Optional(Type.Union([Type.Literal('month'), Type.Literal('year')])),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('pdf')])),
  },
  { additionalProperties: false },
);

export function scorecardRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const svc = evidenceServiceOf(ctx);
    app.get(
      '/api/scorecard',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: ScorecardQuery, response: API['GET /api/scorecard'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const denied = denySite(ctx, principalOf(request), q.site, reply);
        if (denied) return denied;
        try {
          return (await svc.build(ctx.sites.get(q.site)!, q.from, q.to)).scorecard;
        } catch (err) {
          if (err instanceof PeriodError || err instanceof RangeError)
            return sendError(reply, 400, `querystring/from..to: ${(err as Error).message}`);
          throw err;
        }
      },
    );

    app.get(
      '/api/district',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: DistrictQuery, response: API['GET /api/district'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const p = principalOf(request);
        const period = q.period ?? 'month';
        const sites = visibleSites(ctx, p).map((id) => ctx.sites.get(id)!);
        const { view, scorecards } = await districtView(svc, sites, period);
        if (q.format !== 'pdf') return view;
        ctx.audit.record({
          actor: p.username,
          action: 'district',
          site: null,
          target: `${view.firstDay}..${view.lastDay}`,
          ip: request.ip,
          detail: { period, sites: sites.length },
        });
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="district-${period}-${view.lastDay}.pdf"`)
          .send(await districtPdf(view, scorecards));
      },
    );
  };
}
