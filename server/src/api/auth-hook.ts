// Bearer-token checks for /api routes: 401 when the token is missing, forged, expired, signed out
// or older than the account's last password change; 403 when the role may not do this
// (docs/contract.md, "HTTP"). The person found is `request.principal`; which sites it may touch is
// api/scope.ts.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { isPrincipal, type Authenticator, type Principal } from '../auth/authenticator.ts';
import type { Role } from '../auth/roles.ts';
import { sendError } from './errors.ts';

export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

export function requireAuth(auth: Authenticator, roles?: ReadonlySet<Role>): preHandlerAsyncHookHandler {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    const token = bearer(request.headers.authorization);
    if (!token)
      return sendError(
        reply,
        401,
        'log in first: send "Authorization: Bearer <token>" with a token from POST /api/login',
      );
    const p = await auth.principal(token);
    if (!isPrincipal(p)) return sendError(reply, 401, p.refused);
    request.principal = p;
    if (roles && !roles.has(p.role))
      return sendError(reply, 403, `role "${p.role}" may not do this (needs ${[...roles].join(' or ')})`);
  };
}

/** The principal a requireAuth pre-handler found (routes without one have none: a programming error). */
export function principalOf(request: FastifyRequest): Principal {
  const p = request.principal;
  if (!p) throw new Error(`${request.method} ${request.url} has no requireAuth pre-handler`);
  return p;
}
