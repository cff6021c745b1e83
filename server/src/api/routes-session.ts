// The signed-in person's own routes: GET /api/me (account, rights, token expiry), POST /api/logout
// (ends this token at once) and POST /api/me/password (old and new password; every token signed
// before stops working, this one included, so the dashboard logs in again). Wrong old passwords
// count against the login limits like failed logins.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { API, PasswordChange } from '@hallmon/contract';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { sendError } from './errors.ts';
import { meJson } from './account-json.ts';
import { UserError } from '../auth/users.ts';

export function sessionRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/me',
      { preHandler: requireAuth(ctx.auth), schema: { response: API['GET /api/me'].response } },
      async (request) => meJson(principalOf(request)),
    );

    app.post(
      '/api/logout',
      { preHandler: requireAuth(ctx.auth), schema: { response: API['POST /api/logout'].response } },
      async (request, reply) => {
        const p = principalOf(request);
        await ctx.users.revoke(p.jti, p.exp * 1000);
        await ctx.audit.record({ actor: p.username, action: 'logout', ip: request.ip });
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/me/password',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { body: PasswordChange, response: API['POST /api/me/password'].response },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const { oldPassword, newPassword } = request.body;
        const limited = ctx.limiter.attempt(request.ip, p.username);
        if (limited.wait > 0) {
          reply.header('retry-after', String(limited.wait));
          return sendError(reply, 429, `too many password attempts; try again in ${limited.wait} s`);
        }
        const found = await ctx.users.verify(p.username, oldPassword);
        if (!found) {
          ctx.limiter.failed(request.ip, p.username);
          await ctx.audit.record({
            actor: p.username,
            action: 'password-change',
            target: p.username,
            ip: request.ip,
            ok: false,
            detail: { reason: 'wrong-old-password' },
          });
          return sendError(reply, 403, 'body/oldPassword is not the current password');
        }
        try {
          await ctx.users.update(p.username, { password: newPassword });
        } catch (err) {
          if (err instanceof UserError) return sendError(reply, 400, `body/newPassword: ${err.message}`);
          throw err;
        }
        await ctx.audit.record({ actor: p.username, action: 'password-change', target: p.username, ip: request.ip });
        ctx.log.info({ user: p.username }, 'password changed; earlier tokens ended');
        return reply.code(204).send(null);
      },
    );
  };
}
