// The two routes that need no token: GET /api/health (status, version, uptime, store, ingest
// counters, broker and live-push figures) and POST /api/login (rate-limited per IP and username;
// failed attempts are logged without the password).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { API } from '@hallmon/contract';
import { VERSION } from '../version.ts';
import type { ApiContext } from './context.ts';
import { sendError } from './errors.ts';

const startedAt = Date.now();

const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);

export function publicRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/health', { schema: { response: API['GET /api/health'].response } }, async () => ({
      status: 'ok' as const,
      version: VERSION,
      uptimeS: Math.round((Date.now() - startedAt) / 1000),
      store: ctx.store.kind,
      ...ctx.health(),
    }));

    app.post(
      '/api/login',
      { schema: { body: LoginBody, response: API['POST /api/login'].response } },
      async (request, reply) => {
        const { username, password } = request.body;
        const wait = ctx.limiter.attempt(request.ip, username);
        if (wait > 0) {
          reply.header('retry-after', String(wait));
          return sendError(reply, 429, `too many login attempts for "${username}"; try again in ${wait} s`);
        }
        const user = ctx.users.verify(username, password);
        if (!user) {
          ctx.log.warn({ username, ip: request.ip }, 'failed login');
          return sendError(reply, 401, 'wrong username or password');
        }
        ctx.limiter.reset(request.ip, username);
        return { token: ctx.signer.sign(user.username, user.role), role: user.role, username: user.username, sites: '*' as const, name: null };
      },
    );
  };
}
