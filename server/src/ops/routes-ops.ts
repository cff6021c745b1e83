// Routes for running the server (docs/operations.md): GET /metrics in Prometheus text format (no
// token unless --metrics-token is set, as scrapers expect; counts only, never data or secrets),
// GET and PUT /api/log-level (admins: the level of every logger, at once, without a restart;
// audited), and GET /api/clocks?site= (each edge's clock against the server's, for the devices page).
import { Type } from '@sinclair/typebox';
import { timingSafeEqual } from 'node:crypto';
import { isLogLevel, logLevel, setLogLevel, SITE_ID_PATTERN, toIso } from '@hallmon/firmware-config';
import { API, LogLevelName, type EdgeClock } from '@hallmon/contract';
import type { ApiApp, ApiContext, ExtraRoutes } from '../api/context.ts';
import { principalOf, requireAuth } from '../api/auth-hook.ts';
import { sendError } from '../api/errors.ts';
import { selectSites } from '../api/scope.ts';
import { rolesWith } from '../auth/roles.ts';
import type { ServerMetrics } from './metrics.ts';
import type { ClockMonitor, ClockState } from './clock-monitor.ts';

const ADMINS = rolesWith('users');

const LogLevelBody = Type.Object({ level: LogLevelName }, { additionalProperties: false });
const ClockQuery = Type.Object(
  { site: Type.Optional(Type.String({ pattern: SITE_ID_PATTERN })) },
  { additionalProperties: false },
);

function clockJson(s: ClockState): EdgeClock {
  return {
    site: s.site,
    edge: s.edge,
    offsetS: Math.round(s.offsetMs) / 1000,
    synced: s.synced,
    source: s.source,
    reportedAt: toIso(s.reportedAt),
    level: s.level,
    faultSince: s.faultSince === null ? null : toIso(s.faultSince),
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function opsRoutes(o: { metrics: ServerMetrics; clocks: ClockMonitor; metricsToken?: string }): ExtraRoutes {
  return async (app: ApiApp, ctx: ApiContext): Promise<void> => {
    app.get('/metrics', async (request, reply) => {
      if (o.metricsToken) {
        const auth = request.headers.authorization ?? '';
        if (!auth.startsWith('Bearer ') || !sameSecret(auth.slice(7), o.metricsToken))
          return sendError(reply, 401, 'GET /metrics needs Authorization: Bearer <the --metrics-token>');
      }
      reply.header('content-type', o.metrics.contentType);
      return o.metrics.text();
    });

    app.get(
      '/api/log-level',
      { preHandler: requireAuth(ctx.auth, ADMINS), schema: { response: API['GET /api/log-level'].response } },
      async () => ({ level: logLevel() }),
    );

    app.put(
      '/api/log-level',
      {
        preHandler: requireAuth(ctx.auth, ADMINS),
        schema: { body: LogLevelBody, response: API['PUT /api/log-level'].response },
      },
      async (request, reply) => {
        const { level } = request.body;
        if (!isLogLevel(level)) return sendError(reply, 400, `level: not a log level: ${String(level)}`);
        const before = logLevel();
        setLogLevel(level);
        const who = principalOf(request).username;
        ctx.audit.record({ actor: who, action: 'log-level', ip: request.ip, detail: { from: before, to: level } });
        ctx.log.warn({ from: before, to: level, by: who }, `log level now ${level}`);
        return { level };
      },
    );

    app.get(
      '/api/clocks',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: ClockQuery, response: API['GET /api/clocks'].response },
      },
      async (request, reply) => {
        const sites = selectSites(ctx, principalOf(request), request.query.site, reply);
        if (!Array.isArray(sites)) return sites;
        const allowed = new Set(sites);
        return o.clocks
          .states()
          .filter((s) => allowed.has(s.site))
          .map(clockJson);
      },
    );
  };
}
