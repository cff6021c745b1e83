// POST /api/digests takes the day digests halls publish (one record or up to 1,000), without a
// token: a record is taken when its Ed25519 signature holds and its key is the one the site first
// signed with (trust on first use), for a site this server knows; a day already published with
// another chain is refused (409) and kept as a conflict. GET /api/digests?site=&from=&to= gives
// them back (and the conflicts) to the accounts covering the sites, as `hallmon evidence verify
// --published` reads them (docs/evidence.md "Signatures and published digests"). A batch with some
// records refused answers 200 and lists them; one with every record refused answers 409 (or 400
// when no signature held).
import { Type } from '@sinclair/typebox';
import { API, PublishedDigest } from '@hallmon/contract';
import { SITE_ID_PATTERN, isValid } from '@hallmon/firmware-config';
import type { ApiApp, ApiContext, ExtraRoutes } from '../api/context.ts';
import { principalOf, requireAuth } from '../api/auth-hook.ts';
import { selectSites } from '../api/scope.ts';
import { sendError } from '../api/errors.ts';
import type { DigestStore } from './digest-store.ts';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const ListQuery = Type.Object(
  { site: Type.Optional(Type.String({ pattern: SITE_ID_PATTERN })), from: Type.Optional(Day), to: Type.Optional(Day) },
  { additionalProperties: false },
);

export function digestRoutes(digests: DigestStore, now: () => number): ExtraRoutes {
  return async (app: ApiApp, ctx: ApiContext): Promise<void> => {
    app.post(
      '/api/digests',
      { bodyLimit: 1024 * 1024, schema: { response: API['POST /api/digests'].response } },
      async (request, reply) => {
        const body: unknown = request.body;
        const items = Array.isArray(body) ? body : [body];
        if (items.length === 0 || items.length > 1000)
          return sendError(reply, 400, 'body: send one day digest or an array of 1 to 1000');
        const bad = items.findIndex((x) => !isValid(PublishedDigest, x));
        if (bad >= 0)
          return sendError(
            reply,
            400,
            `body${Array.isArray(body) ? `/${bad}` : ''}: not a hallmon-day-digest/1 record (site, day, digests, chain, keyId, publicKey, signature)`,
          );
        const records = items as PublishedDigest[];
        const unknown = records.find((r) => !ctx.sites.has(r.site));
        if (unknown)
          return sendError(reply, 404, `unknown site "${unknown.site}": this server does not keep its digests`);
        let accepted = 0;
        let unchanged = 0;
        const refused: Array<{ site: string; day: string; reason: string }> = [];
        let conflict = false;
        for (const r of records) {
          const o = digests.take(r, now());
          if (o.ok) o.fresh ? accepted++ : unchanged++;
          else {
            refused.push({ site: r.site, day: r.day, reason: o.reason });
            conflict ||= o.conflict;
          }
        }
        if (refused.length)
          ctx.log.warn(
            { refused },
            'published day digests refused: a hall sent a day that differs from what it published',
          );
        // Nothing taken: a plain refusal; otherwise the answer lists what was refused beside what was taken.
        if (refused.length === records.length) {
          const first = refused[0]!;
          return sendError(
            reply,
            conflict ? 409 : 400,
            `${refused.length} digest(s) refused; ${first.site} ${first.day}: ${first.reason}`,
          );
        }
        return { accepted, unchanged, refused };
      },
    );

    app.get(
      '/api/digests',
      {
        preHandler: requireAuth(ctx.auth),
        schema: { querystring: ListQuery, response: API['GET /api/digests'].response },
      },
      async (request, reply) => {
        const q = request.query;
        const sites = selectSites(ctx, principalOf(request), q.site, reply);
        if (!Array.isArray(sites)) return sites;
        const from = q.from ?? '0000-01-01';
        const to = q.to ?? '9999-12-31';
        return {
          digests: digests.list(sites, from, to),
          conflicts: digests
            .conflicts(sites, from, to)
            .map((c) => ({ record: c.record, receivedAt: new Date(c.receivedAt).toISOString(), reason: c.reason })),
        };
      },
    );
  };
}
