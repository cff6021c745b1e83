// API of the machine-room entry register (机房登记, clause 5.2.2): GET /api/visits?site=&from=&to=
// &state=inside|all for any signed-in role of the site; POST /api/visits (a visitor comes in) and
// POST /api/visits/:id/out (the visitor left) for admin and netadmin of the site, who and when
// recorded, also in the audit trail. A visit written after the door opened still covers it (the
// check clears its "未登记进入机房" alarm), and the entry shows when it was written.
import { Type } from '@sinclair/typebox';
import { MAX_FUTURE_MS, SITE_ID_PATTERN, ID_PATTERN, type LoadedSite } from '@hallmon/firmware-config';
import { API } from '@hallmon/contract';
import type { ApiApp, ApiContext, ExtraRoutes } from '../api/context.ts';
import { principalOf, requireAuth } from '../api/auth-hook.ts';
import { canRead, denySite } from '../api/scope.ts';
import { sendError } from '../api/errors.ts';
import { QueryTime, queryRange, queryTime } from '../api/query-time.ts';
import { visitJson } from '../api/wire-json.ts';
import { CAN_REGISTER_VISITS } from '../auth/roles.ts';
import type { VisitRow } from './db.ts';
import type { VisitState } from '../state/state.ts';

/** How far back a visit may be written after the fact: a week (the register is kept on the day). */
const MAX_BACKDATE_MS = 7 * 86_400_000;
/** The longest range GET /api/visits answers. */
const MAX_LIST_DAYS = 400;

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max });

const ListQuery = Type.Object(
  {
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    from: Type.Optional(QueryTime),
    to: Type.Optional(QueryTime),
    state: Type.Optional(Type.Union([Type.Literal('inside'), Type.Literal('all')])),
  },
  { additionalProperties: false },
);
const NewBody = Type.Object(
  {
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    /** The room; default the site's (first) machine room. */
    zone: Type.Optional(Type.String({ pattern: ID_PATTERN })),
    visitor: Text(100),
    organisation: Text(200),
    reason: Text(500),
    escort: Text(100),
    /** Default now. */
    inAt: Type.Optional(QueryTime),
    outAt: Type.Optional(QueryTime),
  },
  { additionalProperties: false },
);
const OutBody = Type.Object({ outAt: Type.Optional(QueryTime) }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export interface VisitRoutesOptions {
  /** The state backend's register (shared by every server of a group). */
  db: VisitState;
  /** A visit was written (the entry register clears what it covers). */
  added?(v: VisitRow): void;
  clock?: { now(): number };
}

function roomOf(site: LoadedSite, zone: string | undefined): string | undefined {
  if (zone !== undefined) return site.zones.find((z) => z.id === zone && z.kind === 'machine-room')?.id;
  return site.zones.find((z) => z.kind === 'machine-room')?.id;
}

export function visitRoutes(o: VisitRoutesOptions): ExtraRoutes {
  const now = () => (o.clock ?? { now: () => Date.now() }).now();
  return async (app: ApiApp, ctx: ApiContext): Promise<void> => {
    app.get(
      '/api/visits',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: ListQuery, response: API['GET /api/visits'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const denied = denySite(ctx, principalOf(request), q.site, reply);
        if (denied) return denied;
        const t = now();
        const range =
          q.from === undefined && q.to === undefined
            ? { from: t - 30 * 86_400_000, to: t + MAX_FUTURE_MS }
            : queryRange({ from: q.from ?? '0', to: q.to ?? String(t + MAX_FUTURE_MS) }, MAX_LIST_DAYS);
        if (typeof range === 'string') return sendError(reply, 400, range);
        return (await o.db.list(q.site, range.from, range.to, { insideOnly: q.state === 'inside' })).map(visitJson);
      },
    );

    app.post(
      '/api/visits',
      {
        preHandler: requireAuth(ctx.auth, CAN_REGISTER_VISITS),
        schema: { body: NewBody, response: API['POST /api/visits'].response },
      },
      async (request, reply) => {
        const b = request.body;
        const p = principalOf(request);
        const denied = denySite(ctx, p, b.site, reply);
        if (denied) return denied;
        const site = ctx.sites.get(b.site)!;
        const zone = roomOf(site, b.zone);
        if (!zone)
          return sendError(
            reply,
            400,
            b.zone === undefined
              ? `site "${b.site}" has no machine room to register a visit for`
              : `body/zone: "${b.zone}" is not a machine room of site "${b.site}"`,
          );
        const t = now();
        const inAt = b.inAt === undefined ? t : queryTime(b.inAt);
        const outAt = b.outAt === undefined ? null : queryTime(b.outAt);
        if (inAt === null) return sendError(reply, 400, `body/inAt is not a valid time: "${b.inAt}"`);
        if (b.outAt !== undefined && outAt === null)
          return sendError(reply, 400, `body/outAt is not a valid time: "${b.outAt}"`);
        if (inAt > t + MAX_FUTURE_MS) return sendError(reply, 400, 'body/inAt is in the future');
        if (inAt < t - MAX_BACKDATE_MS)
          return sendError(reply, 400, 'body/inAt is more than 7 days ago: a visit is registered on the day');
        if (outAt !== null && (outAt < inAt || outAt > t + MAX_FUTURE_MS))
          return sendError(reply, 400, 'body/outAt must lie between inAt and now');
        const v = await o.db.add({
          site: b.site,
          zone,
          visitor: b.visitor,
          organisation: b.organisation,
          reason: b.reason,
          escort: b.escort,
          inAt,
          outAt,
          createdAt: t,
          createdBy: p.username,
        });
        ctx.audit.record({
          actor: p.username,
          action: 'visit',
          site: b.site,
          target: v.id,
          ip: request.ip,
          detail: {
            step: 'in',
            visitor: v.visitor,
            organisation: v.organisation,
            reason: v.reason,
            escort: v.escort,
            inAt: v.inAt,
            outAt: v.outAt,
          },
        });
        ctx.log.info({ site: b.site, visit: v.id, user: p.username }, 'machine-room visit registered');
        o.added?.(v);
        return reply.code(201).send(visitJson(v));
      },
    );

    app.post(
      '/api/visits/:id/out',
      {
        preHandler: requireAuth(ctx.auth, CAN_REGISTER_VISITS),
        schema: { params: IdParams, body: OutBody, response: API['POST /api/visits/:id/out'].response },
      },
      async (request, reply) => {
        const { id } = request.params;
        const p = principalOf(request);
        const v = await o.db.get(id);
        // Another site's visit answers as if it did not exist (api/scope.ts).
        if (!v || !canRead(p, v.site))
          return sendError(reply, 404, `no visit "${id}": take the id from GET /api/visits?site=...`);
        if (v.outAt !== null)
          return sendError(reply, 409, `visit "${id}" already left at ${new Date(v.outAt).toISOString()}`);
        const t = now();
        const outAt = request.body?.outAt === undefined ? t : queryTime(request.body.outAt);
        if (outAt === null) return sendError(reply, 400, `body/outAt is not a valid time: "${request.body?.outAt}"`);
        if (outAt < v.inAt || outAt > t + MAX_FUTURE_MS)
          return sendError(reply, 400, "body/outAt must lie between the visit's inAt and now");
        if (!(await o.db.out(id, outAt, p.username))) return sendError(reply, 409, `visit "${id}" already left`);
        ctx.audit.record({
          actor: p.username,
          action: 'visit',
          site: v.site,
          target: id,
          ip: request.ip,
          detail: { step: 'out', visitor: v.visitor, outAt },
        });
        return visitJson((await o.db.get(id))!);
      },
    );
  };
}
