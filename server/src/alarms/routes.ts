// API for the alarm lifecycle beyond list and ack (routes-alarms.ts): the self-test
// (POST /api/selftest?site=, admin or netadmin; GET /api/selftest?site=) and the notification
// delivery log (GET /api/alarms/:id/notifications, GET /api/notifications?site=&from=&to=).
import { Type } from '@sinclair/typebox';
import { SITE_ID_PATTERN } from '@hallmon/firmware-config';
import { API } from '@hallmon/contract';
import type { ApiApp, ApiContext } from '../api/context.ts';
import { principalOf, requireAuth } from '../api/auth-hook.ts';
import { canRead, denySite } from '../api/scope.ts';
import { sendError } from '../api/errors.ts';
import { QueryTime, queryTime } from '../api/query-time.ts';
import { CAN_SELFTEST } from '../auth/roles.ts';
import { deliveryJson } from '../api/wire-json.ts';
import type { DeliveryState } from '../state/state.ts';
import type { SelftestLog, SelftestRunner } from '../selftest.ts';

const SiteQuery = Type.Object({ site: Type.String({ pattern: SITE_ID_PATTERN }) }, { additionalProperties: false });
const RangeQuery = Type.Object(
  { site: Type.String({ pattern: SITE_ID_PATTERN }), from: Type.Optional(QueryTime), to: Type.Optional(QueryTime) },
  { additionalProperties: false },
);

export function lifecycleRoutes(deps: { runner: SelftestRunner; selftests: SelftestLog; deliveries: DeliveryState }) {
  return async (app: ApiApp, ctx: ApiContext): Promise<void> => {
    app.post(
      '/api/selftest',
      {
        preHandler: requireAuth(ctx.auth, CAN_SELFTEST),
        schema: { querystring: SiteQuery, response: API['POST /api/selftest'].response },
      },
      async (request, reply) => {
        const { site } = request.query;
        const p = principalOf(request);
        const denied = denySite(ctx, p, site, reply);
        if (denied) return denied;
        if (deps.runner.isRunning(site))
          return sendError(reply, 409, `a self-test of site "${site}" is already running; wait for it to finish`);
        const record = await deps.runner.run(site, 'api', p.username);
        await ctx.audit.record({
          actor: p.username,
          action: 'selftest',
          site,
          target: record.id,
          ip: request.ip,
          ok: record.ok,
        });
        ctx.log.info({ site, ok: record.ok, user: p.username }, 'self-test run');
        return record;
      },
    );

    app.get(
      '/api/selftest',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: SiteQuery, response: API['GET /api/selftest'].response },
      },
      async (request, reply) => {
        const denied = denySite(ctx, principalOf(request), request.query.site, reply);
        if (denied) return denied;
        return deps.selftests.list(request.query.site);
      },
    );

    app.get(
      '/api/alarms/:id/notifications',
      {
        preHandler: requireAuth(ctx.auth),
        schema: {
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
          response: API['GET /api/alarms/:id/notifications'].response,
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const alarm = await ctx.store.getAlarm(id);
        const rows = await deps.deliveries.forAlarm(id);
        // The alarm's site decides (a self-test's TEST alarm is in the store too); rows of an alarm
        // the store no longer has are judged by their own site.
        const site = alarm?.site ?? rows[0]?.site;
        if (site !== undefined && !canRead(principalOf(request), site))
          return sendError(reply, 404, `no alarm with id "${id}"`);
        return rows.map(deliveryJson);
      },
    );

    app.get(
      '/api/notifications',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: RangeQuery, response: API['GET /api/notifications'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const denied = denySite(ctx, principalOf(request), q.site, reply);
        if (denied) return denied;
        const from = q.from === undefined ? 0 : queryTime(q.from);
        const to = q.to === undefined ? Date.now() + 1 : queryTime(q.to);
        if (from === null) return sendError(reply, 400, `querystring/from is not a valid time: "${q.from}"`);
        if (to === null) return sendError(reply, 400, `querystring/to is not a valid time: "${q.to}"`);
        return (await deps.deliveries.forSite(q.site, from, to)).map(deliveryJson);
      },
    );
  };
}
