// GET /api/evidence?site=&from=&to=&format=json|csv|pdf (docs/contract.md, "HTTP"): the evidence pack of a
// site for a period, for every role of an account that covers the site (403 otherwise); each
// download is recorded in the audit trail. json = the whole pack; pdf = the Chinese paper
// pack; csv = the clause summary CSV only (one file per response: the per-clause and minute CSVs
// and the manifest come with `hallmon evidence --out DIR`). The lead registers it in api/app.ts:
//   await app.register(evidenceRoutes(ctx));
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  SITE_ID_PATTERN,
  type WorkingCalendar,
  type ClauseCatalogue,
  type DeviceProfile,
} from '@hallmon/firmware-config';
import type { ApiContext } from '../api/context.ts';
import { principalOf, requireAuth } from '../api/auth-hook.ts';
import { denySite } from '../api/scope.ts';
import { sendError } from '../api/errors.ts';
import { PeriodError } from './period.ts';
import { evidenceServiceOf } from './service.ts';
import { toJson } from './to-json.ts';
import { summaryCsv } from './to-csv.ts';
import { toPdf } from './to-pdf.ts';
import type { EvidencePack } from './types.ts';
import { API, type EvidencePack as EvidencePackJson } from '@hallmon/contract';

export const PeriodValue = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern: '^(\\d{4}-\\d{2}-\\d{2}|\\d{1,16}|\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(Z|[+-]\\d{2}:?\\d{2}))$',
});

const EvidenceQuery = Type.Object(
  {
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    from: PeriodValue,
    to: PeriodValue,
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('pdf')])),
  },
  { additionalProperties: false },
);

// The pack the evidence builds and the contract's EvidencePack schema describe one JSON: each type is
// assignable to the other, so a field added on one side and not the other fails the type check.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const PACK_MATCHES_CONTRACT: Same<EvidencePack, EvidencePackJson> = true;

export interface EvidenceRouteOptions {
  catalogue?: ClauseCatalogue;
  profiles?: Map<string, DeviceProfile>;
  calendar?: WorkingCalendar;
}

export function evidenceRoutes(ctx: ApiContext, o: EvidenceRouteOptions = {}): FastifyPluginAsyncTypebox {
  return async (app) => {
    // One pack at a time per server (the service's line): a year is CPU work; the next waits its turn.
    const svc = evidenceServiceOf(ctx, o);
    app.get(
      '/api/evidence',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: EvidenceQuery, response: API['GET /api/evidence'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const p = principalOf(request);
        const denied = denySite(ctx, p, q.site, reply);
        if (denied) return denied;
        const site = ctx.sites.get(q.site)!;
        const job = svc.build(site, q.from, q.to);
        let pack;
        try {
          pack = await job;
        } catch (err) {
          if (err instanceof PeriodError || err instanceof RangeError)
            return sendError(reply, 400, `querystring/from..to: ${(err as Error).message}`);
          throw err;
        }
        const name = `evidence-${pack.site}-${pack.firstDay}-${pack.lastDay}`;
        const format = q.format ?? 'json';
        await ctx.audit.record({
          actor: p.username,
          action: 'evidence',
          site: site.id,
          target: `${pack.firstDay}..${pack.lastDay}`,
          ip: request.ip,
          detail: { format },
        });
        if (format === 'pdf')
          return reply
            .type('application/pdf')
            .header('content-disposition', `attachment; filename="${name}.pdf"`)
            .send(await toPdf(pack));
        if (format === 'csv')
          return reply
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${name}-summary.csv"`)
            .send(summaryCsv(pack));
        return reply.type('application/json; charset=utf-8').send(toJson(pack));
      },
    );
  };
}
