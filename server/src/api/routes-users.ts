// Managing people over HTTP, for admins: GET/POST /api/users, PATCH/DELETE /api/users/{username}.
// The account rules live in the user store (auth/users.ts), shared with `hallmon user`; here the
// sites named must be sites this server has. Every change goes to the audit trail; a new password
// or disabling ends the account's tokens (the store raises its token version).
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { API, NewUser, UserPatch, USERNAME_PATTERN, expiryMs, type SiteScope } from '@hallmon/contract';
import type { ApiContext } from './context.ts';
import { principalOf, requireAuth } from './auth-hook.ts';
import { sendError } from './errors.ts';
import { userJson } from './account-json.ts';
import { rolesWith } from '../auth/roles.ts';
import { UserError, type AccountChange } from '../auth/users.ts';

const CAN_MANAGE = rolesWith('users');
const UserParams = Type.Object({ username: Type.String({ pattern: USERNAME_PATTERN }) });
const STATUS = { exists: 409, 'last-admin': 409, invalid: 400, unknown: 404 } as const;

export function userRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const refuse = (reply: FastifyReply, err: unknown) => {
    if (err instanceof UserError) return sendError(reply, STATUS[err.code], err.message);
    throw err;
  };
  /** A message naming the unknown site, or undefined. */
  const unknownSite = (sites: SiteScope | undefined) => {
    const bad = sites === undefined || sites === '*' ? undefined : sites.find((s) => !ctx.sites.has(s));
    return bad === undefined ? undefined : `body/sites: unknown site "${bad}"; GET /api/sites lists the known ones`;
  };
  /** epoch ms, null, undefined (not given), or NaN for a date that does not exist. */
  const expiry = (v: string | null | undefined) => (v === undefined ? undefined : v === null ? null : expiryMs(v));

  return async (app) => {
    app.get(
      '/api/users',
      { preHandler: requireAuth(ctx.auth, CAN_MANAGE), schema: { response: API['GET /api/users'].response } },
      async () => (await ctx.users.list()).map(userJson),
    );

    app.post(
      '/api/users',
      {
        preHandler: requireAuth(ctx.auth, CAN_MANAGE),
        schema: { body: NewUser, response: API['POST /api/users'].response },
      },
      async (request, reply) => {
        const b = request.body;
        const p = principalOf(request);
        const bad = unknownSite(b.sites);
        if (bad) return sendError(reply, 400, bad);
        const expires = expiry(b.expires) ?? null;
        if (Number.isNaN(expires)) return sendError(reply, 400, `body/expires "${b.expires}" is not a real date`);
        try {
          const u = await ctx.users.create({ ...b, expires });
          await ctx.audit.record({
            actor: p.username,
            action: 'user-create',
            target: u.username,
            ip: request.ip,
            detail: { role: u.role, sites: scopeWords(u.sites), expires: b.expires ?? null },
          });
          return reply.code(201).send(userJson(u));
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    app.patch(
      '/api/users/:username',
      {
        preHandler: requireAuth(ctx.auth, CAN_MANAGE),
        schema: { params: UserParams, body: UserPatch, response: API['PATCH /api/users/:username'].response },
      },
      async (request, reply) => {
        const b = request.body;
        const p = principalOf(request);
        const bad = unknownSite(b.sites);
        if (bad) return sendError(reply, 400, bad);
        const expires = expiry(b.expires);
        if (Number.isNaN(expires)) return sendError(reply, 400, `body/expires "${b.expires}" is not a real date`);
        const change: AccountChange = { ...b, expires };
        try {
          const u = await ctx.users.update(request.params.username, change);
          await ctx.audit.record({
            actor: p.username,
            action: 'user-update',
            target: u.username,
            ip: request.ip,
            detail: changeDetail(b),
          });
          return userJson(u);
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    app.delete(
      '/api/users/:username',
      {
        preHandler: requireAuth(ctx.auth, CAN_MANAGE),
        schema: { params: UserParams, response: API['DELETE /api/users/:username'].response },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const { username } = request.params;
        if (username === p.username)
          return sendError(reply, 409, 'an admin cannot remove its own account; another admin can');
        try {
          await ctx.users.remove(username);
        } catch (err) {
          return refuse(reply, err);
        }
        await ctx.audit.record({ actor: p.username, action: 'user-delete', target: username, ip: request.ip });
        return reply.code(204).send(null);
      },
    );
  };
}

export function scopeWords(sites: SiteScope): string {
  return sites === '*' ? '*' : sites.join(',');
}

/** What a change touched, for the trail: the fields, never the password itself. */
function changeDetail(b: UserPatch): Record<string, string | boolean | null> {
  const d: Record<string, string | boolean | null> = {};
  if (b.role !== undefined) d.role = b.role;
  if (b.sites !== undefined) d.sites = scopeWords(b.sites);
  if (b.name !== undefined) d.name = b.name;
  if (b.expires !== undefined) d.expires = b.expires;
  if (b.disabled !== undefined) d.disabled = b.disabled;
  if (b.password !== undefined) d.password = 'changed';
  return d;
}
