// GET /api/audit?from=&to=&site=&actor=: the audit trail (audit/audit-log.ts). An admin reads all
// of it; anyone else the entries of its sites and its own (its logins, its password changes), never
// another person's server-wide entries. The newest AUDIT_LIMIT entries of the range, oldest first.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SITE_ID_PATTERN } from '@hallmon/firmware-config';
import { API, may } from '@hallmon/contract';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { sendError } from './errors.ts';
import { QueryTime, queryTime } from './query-time.ts';
import { denySite, visibleSites } from './scope.ts';
import { auditJson } from './wire-json.ts';

export const AUDIT_LIMIT = 10_000;

const AuditQuery = Type.Object(
  {
    from: Type.Optional(QueryTime),
    to: Type.Optional(QueryTime),
    site: Type.Optional(Type.String({ pattern: SITE_ID_PATTERN })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  },
  { additionalProperties: false },
);

export function auditRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/audit',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: AuditQuery, response: API['GET /api/audit'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const p = principalOf(request);
        const from = q.from === undefined ? undefined : queryTime(q.from);
        const to = q.to === undefined ? undefined : queryTime(q.to);
        if (from === null) return sendError(reply, 400, `querystring/from is not a valid time: "${q.from}"`);
        if (to === null) return sendError(reply, 400, `querystring/to is not a valid time: "${q.to}"`);
        if (q.site !== undefined) {
          const denied = denySite(ctx, p, q.site, reply);
          if (denied) return denied;
        }
        const all = may(p.role, 'users');
        const rows = await ctx.audit.list({
          from,
          to,
          actor: q.actor,
          limit: AUDIT_LIMIT,
          ...(q.site !== undefined
            ? { sites: [q.site], global: false }
            : all
              ? {}
              : { sites: visibleSites(ctx, p), global: false, orActor: p.username }),
        });
        return rows.map(auditJson);
      },
    );
  };
}
