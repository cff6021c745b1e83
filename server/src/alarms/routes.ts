// API for the alarm lifecycle beyond list and ack (routes-alarms.ts): the self-test
// (POST /api/selftest?site=, admin or netadmin; GET /api/selftest?site=) and the notification
// delivery log (GET /api/alarms/:id/notifications, GET /api/notifications?site=&from=&to=).
import { Type } from '@sinclair/typebox';
import { SITE_ID_PATTERN } from '@hallmon/firmware-config';
import type { ApiApp, ApiContext } from '../api/context.ts';
import { requireAuth } from '../api/auth-hook.ts';
import { sendError } from '../api/errors.ts';
import { QueryTime, queryTime } from '../api/query-time.ts';
import type { Role } from '../auth/roles.ts';
import type { DeliveryLog, DeliveryRow } from '../notify/delivery-log.ts';
import type { SelftestLog, SelftestRunner } from '../selftest.ts';

const CAN_SELFTEST: ReadonlySet<Role> = new Set(['admin', 'netadmin']);
const SiteQuery = Type.Object({ site: Type.String({ pattern: SITE_ID_PATTERN }) }, { additionalProperties: false });
const RangeQuery = Type.Object(
  { site: Type.String({ pattern: SITE_ID_PATTERN }), from: Type.Optional(QueryTime), to: Type.Optional(QueryTime) },
  { additionalProperties: false },
);

const rowJson = (r: DeliveryRow) => ({
  alarmId: r.alarmId,
  site: r.site,
  route: r.routeId,
  url: r.url,
  event: r.event,
  reminder: r.reminder,
  status: r.status,
  createdAt: new Date(r.createdAt).toISOString(),
  deliveredAt: r.deliveredAt === null ? null : new Date(r.deliveredAt).toISOString(),
  lastError: r.lastError,
  attempts: r.attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
});

export function lifecycleRoutes(deps: { runner: SelftestRunner; selftests: SelftestLog; deliveries: DeliveryLog }) {
  return async (app: ApiApp, ctx: ApiContext): Promise<void> => {
    app.post('/api/selftest', { preHandler: requireAuth(ctx.signer, CAN_SELFTEST), schema: { querystring: SiteQuery } }, async (request, reply) => {
      const { site } = request.query;
      if (!ctx.sites.has(site)) return sendError(reply, 404, `unknown site "${site}"`);
      if (deps.runner.isRunning(site)) return reply.code(409).send({ error: 'conflict', message: `a self-test of site "${site}" is already running; wait for it to finish` });
      const record = await deps.runner.run(site, 'api', request.user!.sub);
      ctx.log.info({ site, ok: record.ok, user: request.user!.sub }, 'self-test run');
      return record;
    });

    app.get('/api/selftest', { preHandler: requireAuth(ctx.signer), schema: { querystring: SiteQuery } }, async (request, reply) => {
      const { site } = request.query;
      if (!ctx.sites.has(site)) return sendError(reply, 404, `unknown site "${site}"`);
      return deps.selftests.list(site);
    });

    app.get(
      '/api/alarms/:id/notifications',
      { preHandler: requireAuth(ctx.signer), schema: { params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }) } },
      async (request) => deps.deliveries.forAlarm(request.params.id).map(rowJson),
    );

    app.get('/api/notifications', { preHandler: requireAuth(ctx.signer), schema: { querystring: RangeQuery } }, async (request, reply) => {
      const q = request.query;
      if (!ctx.sites.has(q.site)) return sendError(reply, 404, `unknown site "${q.site}"`);
      const from = q.from === undefined ? 0 : queryTime(q.from);
      const to = q.to === undefined ? Date.now() + 1 : queryTime(q.to);
      if (from === null) return sendError(reply, 400, `querystring/from is not a valid time: "${q.from}"`);
      if (to === null) return sendError(reply, 400, `querystring/to is not a valid time: "${q.to}"`);
      return deps.deliveries.forSite(q.site, from, to).map(rowJson);
    });
  };
}
