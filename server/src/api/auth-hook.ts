// Bearer-token checks for /api routes: 401 when the token is missing, forged or expired, 403 when
// the role may not do this (docs/contract.md, "HTTP").
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { TokenSigner } from '../auth/tokens.ts';
import type { Role } from '../auth/roles.ts';
import { sendError } from './errors.ts';

export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

export function requireAuth(signer: TokenSigner, roles?: ReadonlySet<Role>): preHandlerAsyncHookHandler {
  return async function (request: FastifyRequest, reply: FastifyReply) {
    const token = bearer(request.headers.authorization);
    if (!token)
      return sendError(
        reply,
        401,
        'log in first: send "Authorization: Bearer <token>" with a token from POST /api/login',
      );
    const claims = signer.verify(token);
    if (!claims) return sendError(reply, 401, 'the token is invalid or expired: log in again with POST /api/login');
    request.user = claims;
    if (roles && !roles.has(claims.role))
      return sendError(reply, 403, `role "${claims.role}" may not do this (needs ${[...roles].join(' or ')})`);
  };
}
