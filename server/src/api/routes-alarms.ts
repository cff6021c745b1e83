// GET /api/alarms and POST /api/alarms/:id/ack (docs/contract.md). Lists hold only the account's sites;
// an alarm of another site is 404. Acknowledging needs admin, netadmin or hall, and the alarm's zone must
// be the role's (contract roles.ts ACK_ZONES: the hall manager answers the hall, the network
// administrator the machine and archive rooms); every acknowledgement goes to the audit trail.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SITE_ID_PATTERN } from '@hallmon/firmware-config';
import { API } from '@hallmon/contract';
import { mayAckZone } from '@hallmon/contract';
import { CAN_ACK } from '../auth/roles.ts';
import { zoneKinds } from '../notify/routing.ts';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { canRead, selectSites } from './scope.ts';
import { sendError } from './errors.ts';
import { QueryTime, queryTime } from './query-time.ts';
import { alarmJson } from './wire-json.ts';

const AlarmsQuery = Type.Object(
  {
    site: Type.Optional(Type.String({ pattern: SITE_ID_PATTERN })),
    state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('all')])),
    from: Type.Optional(QueryTime),
    to: Type.Optional(QueryTime),
  },
  { additionalProperties: false },
);

const AckParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const AckBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });

export function alarmRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/alarms',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: AlarmsQuery, response: API['GET /api/alarms'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const p = principalOf(request);
        const sites = selectSites(ctx, p, q.site, reply);
        if (!Array.isArray(sites)) return sites;
        const from = q.from === undefined ? undefined : queryTime(q.from);
        const to = q.to === undefined ? undefined : queryTime(q.to);
        if (from === null) return sendError(reply, 400, `querystring/from is not a valid time: "${q.from}"`);
        if (to === null) return sendError(reply, 400, `querystring/to is not a valid time: "${q.to}"`);
        const rows = await ctx.store.readAlarms({ site: q.site, state: q.state ?? 'all', from, to });
        return (q.site === undefined ? rows.filter((a) => canRead(p, a.site)) : rows).map(alarmJson);
      },
    );

    app.post(
      '/api/alarms/:id/ack',
      {
        preHandler: requireAuth(ctx.auth, CAN_ACK),
        schema: { params: AckParams, body: Type.Optional(AckBody), response: API['POST /api/alarms/:id/ack'].response },
      },
      async (request, reply) => {
        const { id } = request.params;
        const p = principalOf(request);
        const existing = await ctx.store.getAlarm(id);
        if (!existing || !canRead(p, existing.site)) return sendError(reply, 404, `no alarm with id "${id}"`);
        const site = ctx.sites.get(existing.site);
        const zone = site ? zoneKinds(site).get(existing.sensor) : undefined;
        if (!mayAckZone(p.role, zone))
          return sendError(
            reply,
            403,
            `role "${p.role}" may not acknowledge alarms of ${zone === undefined ? 'the self-test' : `the ${zone} zone`}`,
          );
        const note = request.body?.note ?? '';
        const acked = await ctx.store.ackAlarm(id, p.username, note, Date.now());
        if (!acked) return sendError(reply, 404, `no alarm with id "${id}"`);
        await ctx.audit.record({
          actor: p.username,
          action: 'alarm-ack',
          site: existing.site,
          target: id,
          ip: request.ip,
          detail: { clause: existing.clause, sensor: existing.sensor, severity: existing.severity, note },
        });
        ctx.log.info({ alarm: id, user: p.username }, 'alarm acknowledged');
        ctx.alarmChanged?.(acked);
        return alarmJson(acked);
      },
    );
  };
}
