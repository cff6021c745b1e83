// API of the bad-rating follow-ups (10.1.3 "1、5、15"): GET /api/followups?site=&state=open|all
// for any signed-in role of the site; POST /api/followups/:id { action: respond|complex|resolve, note }
// or { action: callback, note, outcome, satisfied, at } (回访, the 2025 standard 6.1.5) for admin and
// hall (the people who answer the citizen) of the follow-up's site, recording who did it and when,
// also in the audit trail.
import { Type } from '@sinclair/typebox';
import { SITE_ID_PATTERN } from '@hallmon/firmware-config';
import { API, CALLBACK_OUTCOMES, FOLLOWUP_ACTIONS } from '@hallmon/contract';
import type { ApiApp, ApiContext, ExtraRoutes } from '../api/context.ts';
import { principalOf, requireAuth } from '../api/auth-hook.ts';
import { canRead, denySite } from '../api/scope.ts';
import { sendError } from '../api/errors.ts';
import { CAN_FOLLOW_UP } from '../auth/roles.ts';
import type { FollowupTracker } from './tracker.ts';

const ListQuery = Type.Object(
  {
    site: Type.String({ pattern: SITE_ID_PATTERN }),
    state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all')])),
  },
  { additionalProperties: false },
);
const ActionBody = Type.Object(
  {
    action: Type.Union(FOLLOWUP_ACTIONS.map((a) => Type.Literal(a))),
    note: Type.String({ maxLength: 1000 }),
    /** callback only: how the call went, whether the resident was satisfied, when it was made. */
    outcome: Type.Optional(Type.Union(CALLBACK_OUTCOMES.map((o) => Type.Literal(o)))),
    satisfied: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
    at: Type.Optional(Type.String({ maxLength: 40, pattern: '^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(Z|[+-]\\d{2}:?\\d{2})$' })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });

export function followupRoutes(tracker: FollowupTracker): ExtraRoutes {
  return async (app: ApiApp, ctx: ApiContext): Promise<void> => {
    app.get(
      '/api/followups',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: ListQuery, response: API['GET /api/followups'].response },
      },
      async (request, reply) => {
        const { site, state } = request.query;
        const denied = denySite(ctx, principalOf(request), site, reply);
        if (denied) return denied;
        return tracker.list(site, state !== 'all');
      },
    );

    app.post(
      '/api/followups/:id',
      {
        preHandler: requireAuth(ctx.auth, CAN_FOLLOW_UP),
        schema: { params: IdParams, body: ActionBody, response: API['POST /api/followups/:id'].response },
      },
      async (request, reply) => {
        const { id } = request.params;
        const { action, note, outcome, satisfied, at } = request.body;
        if (action !== 'callback' && (outcome !== undefined || satisfied !== undefined || at !== undefined))
          return sendError(reply, 400, `body: outcome, satisfied and at belong to a callback, not to "${action}"`);
        const atMs = at === undefined ? undefined : Date.parse(at);
        if (atMs !== undefined && !Number.isFinite(atMs))
          return sendError(reply, 400, `body/at: "${at}" is not a time; use ISO 8601 with an offset`);
        const p = principalOf(request);
        const site = await tracker.siteOf(id);
        const unknown = () =>
          sendError(reply, 404, `no follow-up "${id}": take the id from GET /api/followups?site=...`);
        if (site === undefined || !canRead(p, site)) return unknown();
        const res = await tracker.act(
          id,
          {
            action,
            note,
            ...(outcome !== undefined ? { outcome } : {}),
            ...(satisfied !== undefined ? { satisfied } : {}),
            ...(atMs !== undefined ? { at: atMs } : {}),
          },
          p.username,
        );
        if (res === undefined) return unknown();
        if (res === 'resolved')
          return sendError(
            reply,
            409,
            `follow-up "${id}" is already resolved; only a callback (action "callback") can still be recorded`,
          );
        if ('problem' in res) return sendError(reply, 400, res.problem);
        await ctx.audit.record({
          actor: p.username,
          action: 'followup',
          site,
          target: id,
          ip: request.ip,
          detail: {
            step: action,
            note,
            ...(action === 'callback' ? { outcome: outcome ?? null, satisfied: satisfied ?? null } : {}),
          },
        });
        ctx.log.info({ id, action, user: p.username }, 'follow-up step recorded');
        return res;
      },
    );
  };
}
