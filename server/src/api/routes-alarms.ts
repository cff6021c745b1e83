// GET /api/alarms and POST /api/alarms/:id/ack (docs/contract.md). Acknowledging needs admin, netadmin or
// hall; the assessor role reads only (403).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SITE_ID_PATTERN } from '@hallmon/firmware-config';
import { API } from '@hallmon/contract';
import { CAN_ACK } from '../auth/roles.ts';
import type { ApiContext } from './context.ts';
import { requireAuth } from './auth-hook.ts';
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
        preHandler: requireAuth(ctx.signer),
        schema: { querystring: AlarmsQuery, response: API['GET /api/alarms'].response },
      },
      async (request, reply) => {
        const q = request.query;
        if (q.site && !ctx.sites.has(q.site)) return sendError(reply, 404, `unknown site "${q.site}"`);
        const from = q.from === undefined ? undefined : queryTime(q.from);
        const to = q.to === undefined ? undefined : queryTime(q.to);
        if (from === null) return sendError(reply, 400, `querystring/from is not a valid time: "${q.from}"`);
        if (to === null) return sendError(reply, 400, `querystring/to is not a valid time: "${q.to}"`);
        const rows = await ctx.store.readAlarms({ site: q.site, state: q.state ?? 'all', from, to });
        return rows.map(alarmJson);
      },
    );

    app.post(
      '/api/alarms/:id/ack',
      {
        preHandler: requireAuth(ctx.signer, CAN_ACK),
        schema: { params: AckParams, body: Type.Optional(AckBody), response: API['POST /api/alarms/:id/ack'].response },
      },
      async (request, reply) => {
        const { id } = request.params;
        const existing = await ctx.store.getAlarm(id);
        if (!existing) return sendError(reply, 404, `no alarm with id "${id}"`);
        const user = request.user!.sub;
        const acked = await ctx.store.ackAlarm(id, user, request.body?.note ?? '', Date.now());
        if (!acked) return sendError(reply, 404, `no alarm with id "${id}"`);
        ctx.log.info({ alarm: id, user }, 'alarm acknowledged');
        ctx.alarmChanged?.(acked);
        return alarmJson(acked);
      },
    );
  };
}
