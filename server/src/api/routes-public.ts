// The two routes that need no token: GET /api/health (status, 503 naming the failing parts,
// version, uptime, store, ingest counters, broker, live-push and disk figures) and POST /api/login. Logins are limited per address and
// username, per address and per username (login-limiter.ts) and every attempt, good or bad, goes
// to the audit trail with the client address (never the password). An unknown username costs the
// same scrypt time as a wrong password and gets the same answer.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { BUILD, toIso, VERSION } from '@hallmon/firmware-config';
import { API } from '@hallmon/contract';
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

const LIMIT_WORDS = {
  pair: (u: string) => `too many login attempts for "${u}" from this address`,
  address: () => 'too many failed logins from this address',
  user: (u: string) => `too many failed logins for "${u}"`,
};

export function publicRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/health', { schema: { response: API['GET /api/health'].response } }, async (_request, reply) => {
      const detail = await ctx.health();
      // 503 tells a load balancer or a service monitor to look; the body says which part and why.
      if (detail.failing.length) reply.code(503);
      return {
        status: detail.failing.length ? ('failing' as const) : ('ok' as const),
        version: VERSION,
        built: BUILD?.builtAt ?? null,
        node: process.version,
        uptimeS: Math.round((Date.now() - startedAt) / 1000),
        store: ctx.store.kind,
        ...detail,
      };
    });

    app.post(
      '/api/login',
      { schema: { body: LoginBody, response: API['POST /api/login'].response } },
      async (request, reply) => {
        const { username, password } = request.body;
        const ip = request.ip;
        const limited = ctx.limiter.attempt(ip, username);
        if (limited.wait > 0) {
          await ctx.audit.record({
            actor: username,
            action: 'login-failed',
            ip,
            ok: false,
            detail: { reason: 'rate-limited', limit: limited.limit ?? null },
          });
          reply.header('retry-after', String(limited.wait));
          return sendError(
            reply,
            429,
            `${LIMIT_WORDS[limited.limit ?? 'pair'](username)}; try again in ${limited.wait} s`,
          );
        }
        const found = await ctx.users.verify(username, password);
        if (!found || found.refused) {
          ctx.limiter.failed(ip, username);
          const reason = found?.refused ?? 'wrong-password';
          await ctx.audit.record({ actor: username, action: 'login-failed', ip, ok: false, detail: { reason } });
          ctx.log.warn({ username, ip, reason }, 'failed login');
          if (found?.refused === 'expired')
            return sendError(
              reply,
              401,
              `the account "${username}" expired on ${toIso(found.user.expires!)}; ask an administrator to extend it`,
            );
          if (found?.refused === 'disabled')
            return sendError(reply, 401, `the account "${username}" is disabled; ask an administrator`);
          return sendError(reply, 401, 'wrong username or password');
        }
        const { user } = found;
        ctx.limiter.reset(ip, username);
        await ctx.users.recordLogin(user.username);
        await ctx.audit.record({ actor: user.username, action: 'login', ip, detail: { role: user.role } });
        return {
          token: ctx.auth.issue(user),
          role: user.role,
          username: user.username,
          sites: user.sites === '*' ? ('*' as const) : [...user.sites],
          name: user.name,
        };
      },
    );
  };
}
