// Which sites a request may touch: the account's sites (api/auth-hook.ts principal), intersected
// with the sites the server has. A site outside the account answers 403 (the district's site list
// is no secret); an alarm, follow-up or notification of another site answers 404 as if it did not
// exist, so ids cannot be probed. Lists without ?site= hold only the account's sites.
import type { FastifyReply } from 'fastify';
import { inScope } from '@hallmon/contract';
import type { Principal } from '../auth/authenticator.ts';
import type { ApiContext } from './context.ts';
import { sendError } from './errors.ts';

export function canRead(p: Principal, site: string): boolean {
  return inScope(p.sites, site);
}

/** The server's sites the principal covers, in the server's order. */
export function visibleSites(ctx: Pick<ApiContext, 'sites'>, p: Principal): string[] {
  return [...ctx.sites.keys()].filter((s) => canRead(p, s));
}

/**
 * Answers 404 for an unknown site or 403 for a site the account does not cover and returns the
 * reply; undefined when the request may go on.
 */
export function denySite(
  ctx: Pick<ApiContext, 'sites'>,
  p: Principal,
  site: string,
  reply: FastifyReply,
): FastifyReply | undefined {
  if (!ctx.sites.has(site)) return sendError(reply, 404, `unknown site "${site}"; GET /api/sites lists the known ones`);
  if (!canRead(p, site)) return sendError(reply, 403, `the account "${p.username}" does not cover site "${site}"`);
  return undefined;
}

/** The sites an optional ?site= filter selects for the principal, or the reply refusing it. */
export function selectSites(
  ctx: Pick<ApiContext, 'sites'>,
  p: Principal,
  site: string | undefined,
  reply: FastifyReply,
): string[] | FastifyReply {
  if (site === undefined) return visibleSites(ctx, p);
  return denySite(ctx, p, site, reply) ?? [site];
}
