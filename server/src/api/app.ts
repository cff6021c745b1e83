// Builds the HTTP API (fastify 5 + TypeBox type provider) on an HTTP or HTTPS server. Every query
// and body has a schema, every answer the contract's (@hallmon/contract API); failures are JSON
// errors naming the field. The raw server is exposed so socket.io and MQTT over WebSocket share
// the same port.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiContext, ApiApp } from './context.ts';
import { installErrorHandler } from './errors.ts';
import { installStrictResponses } from './strict-responses.ts';
import { marksRoutes } from './routes-marks.ts';
import { publicRoutes } from './routes-public.ts';
import { siteRoutes } from './routes-sites.ts';
import { readingRoutes } from './routes-readings.ts';
import { noiseRoutes } from './routes-noise.ts';
import { alarmRoutes } from './routes-alarms.ts';
import { historyRoutes } from './routes-history.ts';
import { latestRoutes } from './routes-latest.ts';
import { deviceRoutes } from './routes-devices.ts';
import { sessionRoutes } from './routes-session.ts';
import { userRoutes } from './routes-users.ts';
import { auditRoutes } from './routes-audit.ts';
import { evidenceRoutes } from '../evidence/route.ts';
import { scorecardRoutes } from '../scorecard/routes.ts';
import { registerDashboard } from './dashboard.ts';

export interface ApiOptions {
  tls?: { cert: Buffer; key: Buffer };
  /** Check every answer against its contract schema (strict-responses.ts); tests turn it on. */
  strictResponses?: boolean;
}

export async function buildApi(ctx: ApiContext, opts: ApiOptions = {}): Promise<ApiApp> {
  const app = Fastify({
    // pino child of the server logger; request logs only at debug (no per-request info lines).
    loggerInstance: ctx.log.child(
      { component: 'http' },
      { level: ctx.log.level === 'debug' || ctx.log.level === 'trace' ? ctx.log.level : 'warn' },
    ) as FastifyBaseLogger,
    bodyLimit: 64 * 1024,
    forceCloseConnections: true,
    // The HTTPS server is an http.Server in all that fastify uses; the cast keeps one set of types.
    serverFactory: (handler) =>
      opts.tls
        ? (createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) as unknown as HttpServer)
        : createHttpServer(handler),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('principal', null);
  // The contract's response schemas type the handlers (the TypeBox provider) and are checked in
  // strict mode, but the bytes are JSON.stringify's: fast-json-stringify would put required keys
  // before optional ones, drop properties a schema lacks, coerce types (null -> 0 for a number), and
  // it serialises GET /api/readings' [ts, value] tuples ten times slower (200k points: 350 ms vs 37 ms).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandler(app);
  if (opts.strictResponses) installStrictResponses(app);
  await app.register(publicRoutes(ctx));
  await app.register(sessionRoutes(ctx));
  await app.register(userRoutes(ctx));
  await app.register(auditRoutes(ctx));
  await app.register(siteRoutes(ctx));
  await app.register(readingRoutes(ctx));
  await app.register(noiseRoutes(ctx));
  await app.register(alarmRoutes(ctx));
  await app.register(historyRoutes(ctx));
  await app.register(latestRoutes(ctx));
  await app.register(deviceRoutes(ctx));
  await app.register(marksRoutes(ctx));
  await app.register(evidenceRoutes(ctx));
  await app.register(scorecardRoutes(ctx));
  // Routes other parts of the product add (e.g. evidence), with the same context and auth helpers.
  for (const extra of ctx.extraRoutes ?? []) await app.register(async (scope) => extra(scope, ctx));
  await registerDashboard(app, ctx.dashboardDir);
  return app;
}
