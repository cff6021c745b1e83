// The scheduled reports' API (docs/contract.md): GET /api/reports lists the packs the account may
// read (a site's packs for accounts covering the site, the district's for accounts covering every
// site) with their state and progress; POST /api/reports { plan } builds a plan's latest period now
// (admin, district); GET /api/reports/{id}/file/{name} downloads a file of a finished pack, with a
// token or with the signed link (?exp=&sig=) the routes were sent. Downloads are audited.
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API } from '@hallmon/contract';
import type { ApiApp, ApiContext, ExtraRoutes } from '../api/context.ts';
import { principalOf, requireAuth } from '../api/auth-hook.ts';
import { canRead, visibleSites } from '../api/scope.ts';
import { sendError } from '../api/errors.ts';
import type { Principal } from '../auth/authenticator.ts';
import { rolesWith } from '../auth/roles.ts';
import type { ReportLinks } from './links.ts';
import type { ReportRow } from './report-db.ts';
import type { ReportScheduler } from './scheduler.ts';

const BuildBody = Type.Object({ plan: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const FileParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200 }),
  '*': Type.String({ maxLength: 300 }),
});
const FileQuery = Type.Object(
  {
    exp: Type.Optional(Type.String({ pattern: '^\\d{1,12}$' })),
    sig: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,100}$' })),
  },
  { additionalProperties: false },
);

const TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
};

export function reportRoutes(reports: ReportScheduler, links: ReportLinks, now: () => number): ExtraRoutes {
  return async (app: ApiApp, ctx: ApiContext): Promise<void> => {
    const all = () => [...ctx.sites.keys()];
    /** A site's packs for who covers the site; the district's for who covers every site. */
    const mayRead = (p: Principal, r: Pick<ReportRow, 'scope'>) =>
      r.scope === 'district' ? visibleSites(ctx, p).length === all().length : canRead(p, r.scope);

    app.get(
      '/api/reports',
      { preHandler: requireAuth(ctx.auth), schema: { response: API['GET /api/reports'].response } },
      async (request) => {
        const p = principalOf(request);
        return {
          plans: reports.plans.map((x) => ({
            id: x.id,
            period: x.period,
            scope: x.scope,
            day: x.day,
            at: x.at,
            enabled: x.enabled !== false,
          })),
          reports: reports.list().filter((r) => mayRead(p, r)),
        };
      },
    );

    app.post(
      '/api/reports',
      {
        preHandler: requireAuth(ctx.auth, rolesWith('reports')),
        schema: { body: BuildBody, response: API['POST /api/reports'].response },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const plan = reports.plans.find((x) => x.id === request.body.plan);
        if (!plan)
          return sendError(
            reply,
            400,
            `body/plan: no plan "${request.body.plan}"; the schedule has ${reports.plans.map((x) => x.id).join(', ') || 'none'}`,
          );
        if (plan.scope === 'district' && visibleSites(ctx, p).length !== all().length)
          return sendError(reply, 403, `the account "${p.username}" does not cover every site of the district`);
        const ids = reports.buildNow(plan.id)!;
        ctx.audit.record({
          actor: p.username,
          action: 'report',
          site: null,
          target: plan.id,
          ip: request.ip,
          detail: { step: 'build', packs: ids.length },
        });
        const queued = new Set(ids);
        return reply.code(202).send(reports.list().filter((r) => queued.has(r.id) && mayRead(p, r)));
      },
    );

    app.get(
      '/api/reports/:id/file/*',
      {
        schema: { params: FileParams, querystring: FileQuery, response: API['GET /api/reports/:id/file/*'].response },
      },
      async (request, reply) => {
        const { id } = request.params;
        const name = request.params['*'];
        const r = reports.get(id);
        const q = request.query;
        let actor: string;
        if (q.sig !== undefined || q.exp !== undefined) {
          if (!r || q.sig === undefined || q.exp === undefined || !links.valid(id, name, Number(q.exp), q.sig, now()))
            return sendError(reply, 403, 'this download link is wrong or has expired: open the Reports page instead');
          actor = 'link';
        } else {
          const who = await signedIn(ctx, request, reply);
          if (!who) return reply;
          if (!r || !mayRead(who, r))
            return sendError(reply, 404, `no report "${id}": take the id from GET /api/reports`);
          actor = who.username;
        }
        const file = r.files.find((f) => f.name === name);
        if (r.state !== 'done' || !file)
          return sendError(
            reply,
            404,
            `report "${id}" has no file "${name}"${r.state !== 'done' ? ` (it is ${r.state})` : ''}`,
          );
        ctx.audit.record({
          actor,
          action: 'report',
          site: r.scope === 'district' ? null : r.scope,
          target: `${id}/${name}`,
          ip: request.ip,
          detail: { step: 'download' },
        });
        const base = name.split('/').pop()!;
        return reply
          .type(TYPES[extname(name)] ?? 'application/octet-stream')
          .header('content-disposition', `attachment; filename="${id.replace(/[^A-Za-z0-9_.-]/g, '_')}-${base}"`)
          .send(readFileSync(join(reports.folder(r), name)));
      },
    );
  };
}

/** The principal of a request's token, or undefined once a 401 was sent (requireAuth's checks). */
async function signedIn(ctx: ApiContext, request: FastifyRequest, reply: FastifyReply): Promise<Principal | undefined> {
  await requireAuth(ctx.auth).call(request.server, request, reply);
  return reply.sent ? undefined : (request.principal ?? undefined);
}
