// /api/config (docs/contract.md "Site configuration"), admin only: sites, zones and devices, site
// settings (limits, opening hours, seasons, the edge's buses), versions with roll back, export and
// import of site files, MQTT credentials, install sheets and the commissioning check. Every change
// goes through the ConfigEditor (checked like a site file, stored as a new version, written to the
// audit trail) and is applied at once (LiveConfig.refresh: rules rebound, ingest's site index, the
// site's edge gets its part). A refused config answers 400 with every problem and its field.
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import {
  ConfigError,
  effectiveProfile,
  formatDataFile,
  ID_PATTERN,
  loadRoomRanges,
  parseDataText,
  SITE_ID_PATTERN,
  toIso,
  type DeviceProfile,
  type RoomRanges,
  type SiteConfig,
  type SiteDevice,
} from '@hallmon/firmware-config';
import {
  API,
  SITE_SETTINGS,
  type SiteSettings,
  ZoneKindName,
  type ConfigSite,
  type ConfigVersionInfo,
  type CredentialInfo,
  type EdgeSync,
} from '@hallmon/contract';
import type { ApiApp, ApiContext, ExtraRoutes } from '../api/context.ts';
import { principalOf, requireAuth } from '../api/auth-hook.ts';
import { sendError } from '../api/errors.ts';
import { rolesWith } from '../auth/roles.ts';
import { EditorError, type ConfigEditor } from './config-editor.ts';
import { VersionConflict, type Credential, type SiteVersion } from './config-store.ts';
import type { LiveConfig } from './live-config.ts';
import { installSheet } from './install-sheet.ts';
import { commissioning } from './commissioning.ts';

export interface ConfigRoutesOptions {
  editor: ConfigEditor;
  live: LiveConfig;
  profiles: ReadonlyMap<string, DeviceProfile>;
  /** Whether a gateway username has a connection to the embedded broker (null: not known). */
  connected(username: string): boolean | null;
  ranges?: RoomRanges;
}

const CAN_CONFIG = rolesWith('config');
const Note = Type.Optional(Type.String({ maxLength: 500 }));
const BaseVersion = Type.Optional(Type.Integer({ minimum: 1 }));
/** The config inside a body is checked in full by the editor, every problem named; here only the envelope. */
const AnyObject = Type.Object({}, { additionalProperties: true });
const SiteParams = Type.Object({ site: Type.String({ pattern: SITE_ID_PATTERN }) });
const ZoneParams = Type.Object({
  site: Type.String({ pattern: SITE_ID_PATTERN }),
  zone: Type.String({ pattern: ID_PATTERN }),
});
const DeviceParams = Type.Object({
  site: Type.String({ pattern: SITE_ID_PATTERN }),
  device: Type.String({ pattern: ID_PATTERN }),
});
const VersionParams = Type.Object({
  site: Type.String({ pattern: SITE_ID_PATTERN }),
  version: Type.Integer({ minimum: 1 }),
});
const ChangeQuery = Type.Object({ baseVersion: BaseVersion }, { additionalProperties: false });

function versionInfo(v: SiteVersion): ConfigVersionInfo {
  return {
    version: v.version,
    ts: toIso(v.ts),
    actor: v.actor,
    change: v.action,
    note: v.note,
    summary: v.summary,
    previous: v.previous,
    deleted: v.deleted,
  };
}

function deviceIndex(site: SiteConfig, id: string): { zi: number; di: number } | undefined {
  for (let zi = 0; zi < site.zones.length; zi++) {
    const di = site.zones[zi]!.devices.findIndex((d) => d.id === id);
    if (di >= 0) return { zi, di };
  }
  return undefined;
}

export function configRoutes(o: ConfigRoutesOptions): ExtraRoutes {
  const { editor, live } = o;
  const ranges = o.ranges ?? loadRoomRanges();

  const edgeSync = (id: string): EdgeSync => {
    const s = live.edgeState(id);
    if (!s)
      return { mode: null, state: null, running: null, received: null, inSync: false, error: null, reportedAt: null };
    return {
      mode: s.mode,
      state: s.state,
      running: s.running,
      received: s.received,
      inSync: s.mode === 'remote' && s.digest !== null && s.digest === live.message(id)?.digest,
      error: s.error ?? null,
      reportedAt: toIso(s.seenAt),
    };
  };
  const siteJson = (v: SiteVersion): ConfigSite => ({
    id: v.site,
    version: versionInfo(v),
    config: v.config,
    digest: live.message(v.site)?.digest ?? '',
    edge: edgeSync(v.site),
  });
  const credentialJson = (c: Credential): CredentialInfo => ({
    id: c.id,
    site: c.site,
    device: c.device,
    username: c.username,
    createdAt: toIso(c.createdAt),
    createdBy: c.createdBy,
    note: c.note,
    revokedAt: c.revokedAt === null ? null : toIso(c.revokedAt),
    revokedBy: c.revokedBy,
    connected: c.device === null && c.revokedAt === null ? o.connected(c.username) : null,
  });

  /**
   * The answer to a refused change. `mapPath` turns a path into the resulting site config into one
   * into the request body where it can (a device's own fields), else it is named as /config/...
   */
  const refuse = (reply: FastifyReply, err: unknown, mapPath: (p: string) => string = (p) => `/config${p}`) => {
    if (err instanceof ConfigError) {
      const problems = err.problems.map((p) => ({
        path: mapPath(p.path === '/' ? '' : p.path) || '/',
        message: p.message,
      }));
      return sendError(reply, 400, problems.map((p) => `body${p.path}: ${p.message}`).join('\n'), problems);
    }
    if (err instanceof VersionConflict) return sendError(reply, 409, err.message);
    if (err instanceof EditorError) {
      const status = { exists: 409, unknown: 404, invalid: 400, conflict: 409 }[err.code];
      return sendError(reply, status, err.message);
    }
    throw err;
  };
  /** Applies what was stored and answers the site as it is now. */
  const applied = async (v: SiteVersion): Promise<ConfigSite> => {
    await live.refresh();
    return siteJson(v);
  };
  const who = (request: { ip: string }, actor: string) => ({ actor, ip: request.ip });

  return async (app: ApiApp, _ctx: ApiContext) => {
    const ctx = _ctx;
    const pre = requireAuth(ctx.auth, CAN_CONFIG);

    app.get(
      '/api/config/profiles',
      { preHandler: pre, schema: { response: API['GET /api/config/profiles'].response } },
      async () => [...o.profiles.values()],
    );

    app.get(
      '/api/config/sites',
      { preHandler: pre, schema: { response: API['GET /api/config/sites'].response } },
      async () =>
        [...(await editor.store.latest()).values()]
          .filter((v) => !v.deleted)
          .map((v) => ({
            id: v.site,
            name: v.config.name,
            version: v.version,
            updatedAt: toIso(v.ts),
            updatedBy: v.actor,
            zones: v.config.zones.length,
            devices: v.config.zones.reduce((n, z) => n + z.devices.length, 0),
            edge: edgeSync(v.site),
          })),
    );

    app.post(
      '/api/config/sites',
      {
        preHandler: pre,
        schema: {
          body: Type.Object({ config: AnyObject, note: Note }, { additionalProperties: false }),
          response: API['POST /api/config/sites'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        try {
          const v = await editor.create(request.body.config, w.actor, { note: request.body.note ?? null, ip: w.ip });
          return reply.code(201).send(await applied(v));
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    app.get(
      '/api/config/sites/:site',
      { preHandler: pre, schema: { params: SiteParams, response: API['GET /api/config/sites/:site'].response } },
      async (request, reply) => {
        try {
          return siteJson(await editor.live(request.params.site));
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    app.put(
      '/api/config/sites/:site',
      {
        preHandler: pre,
        schema: {
          params: SiteParams,
          body: Type.Object(
            { config: AnyObject, baseVersion: BaseVersion, note: Note },
            { additionalProperties: false },
          ),
          response: API['PUT /api/config/sites/:site'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        const b = request.body;
        try {
          const v = await editor.replace(request.params.site, b.config, w.actor, {
            note: b.note ?? null,
            expected: b.baseVersion ?? null,
            ip: w.ip,
          });
          return await applied(v);
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    app.patch(
      '/api/config/sites/:site',
      {
        preHandler: pre,
        schema: {
          params: SiteParams,
          body: Type.Object(
            {
              settings: Type.Object({}, { additionalProperties: true }),
              unset: Type.Optional(Type.Array(Type.Union(SITE_SETTINGS.map((k) => Type.Literal(k))))),
              baseVersion: BaseVersion,
              note: Note,
            },
            { additionalProperties: false },
          ),
          response: API['PATCH /api/config/sites/:site'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        const b = request.body;
        const allowed = new Set<string>(SITE_SETTINGS);
        const bad = Object.keys(b.settings).find((k) => !allowed.has(k));
        if (bad)
          return sendError(
            reply,
            400,
            `body/settings/${bad}: not a site setting this route changes (${SITE_SETTINGS.join(', ')}); zones and devices have their own routes`,
            [{ path: `/settings/${bad}`, message: 'not a site setting' }],
          );
        const settings = b.settings as SiteSettings;
        try {
          const v = await editor.edit(
            request.params.site,
            (site) => {
              Object.assign(site, settings);
              for (const k of b.unset ?? []) delete (site as Partial<SiteConfig>)[k];
            },
            w.actor,
            { note: b.note ?? null, expected: b.baseVersion ?? null, ip: w.ip },
          );
          return await applied(v);
        } catch (err) {
          return refuse(reply, err, (p) => {
            const key = p.split('/')[1] ?? '';
            return allowed.has(key) && key in settings ? `/settings${p}` : `/config${p}`;
          });
        }
      },
    );

    app.delete(
      '/api/config/sites/:site',
      {
        preHandler: pre,
        schema: {
          params: SiteParams,
          querystring: ChangeQuery,
          response: API['DELETE /api/config/sites/:site'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        try {
          await editor.remove(request.params.site, w.actor, { expected: request.query.baseVersion ?? null, ip: w.ip });
        } catch (err) {
          return refuse(reply, err);
        }
        await live.refresh();
        return reply.code(204).send(null);
      },
    );

    // Zones.
    app.post(
      '/api/config/sites/:site/zones',
      {
        preHandler: pre,
        schema: {
          params: SiteParams,
          body: Type.Object(
            {
              zone: Type.Object(
                { id: Type.String({ pattern: ID_PATTERN }), kind: ZoneKindName, name: Type.String({ minLength: 1 }) },
                { additionalProperties: false },
              ),
              baseVersion: BaseVersion,
              note: Note,
            },
            { additionalProperties: false },
          ),
          response: API['POST /api/config/sites/:site/zones'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        const b = request.body;
        let at = -1;
        try {
          const v = await editor.edit(
            request.params.site,
            (site) => {
              if (site.zones.some((z) => z.id === b.zone.id))
                throw new EditorError('exists', `body/zone/id: zone "${b.zone.id}" exists already`);
              at = site.zones.length;
              site.zones.push({ ...b.zone, devices: [] });
            },
            w.actor,
            { note: b.note ?? null, expected: b.baseVersion ?? null, ip: w.ip },
          );
          return reply.code(201).send(await applied(v));
        } catch (err) {
          return refuse(reply, err, (p) =>
            p.startsWith(`/zones/${at}/`) ? p.replace(`/zones/${at}`, '/zone') : `/config${p}`,
          );
        }
      },
    );

    app.patch(
      '/api/config/sites/:site/zones/:zone',
      {
        preHandler: pre,
        schema: {
          params: ZoneParams,
          body: Type.Object(
            {
              zone: Type.Object(
                { kind: Type.Optional(ZoneKindName), name: Type.Optional(Type.String({ minLength: 1 })) },
                { additionalProperties: false },
              ),
              baseVersion: BaseVersion,
              note: Note,
            },
            { additionalProperties: false },
          ),
          response: API['PATCH /api/config/sites/:site/zones/:zone'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        const { site: id, zone } = request.params;
        const b = request.body;
        try {
          const v = await editor.edit(
            id,
            (site) => {
              const z = site.zones.find((x) => x.id === zone);
              if (!z) throw new EditorError('unknown', `site "${id}" has no zone "${zone}"`);
              if (b.zone.kind !== undefined) z.kind = b.zone.kind;
              if (b.zone.name !== undefined) z.name = b.zone.name;
            },
            w.actor,
            { note: b.note ?? null, expected: b.baseVersion ?? null, ip: w.ip },
          );
          return await applied(v);
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    app.delete(
      '/api/config/sites/:site/zones/:zone',
      {
        preHandler: pre,
        schema: {
          params: ZoneParams,
          querystring: ChangeQuery,
          response: API['DELETE /api/config/sites/:site/zones/:zone'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        const { site: id, zone } = request.params;
        try {
          const v = await editor.edit(
            id,
            (site) => {
              const z = site.zones.find((x) => x.id === zone);
              if (!z) throw new EditorError('unknown', `site "${id}" has no zone "${zone}"`);
              if (z.devices.length)
                throw new EditorError(
                  'conflict',
                  `zone "${zone}" still has ${z.devices.length} devices (${z.devices.map((d) => d.id).join(', ')}); move or remove them first`,
                );
              site.zones = site.zones.filter((x) => x.id !== zone);
            },
            w.actor,
            { expected: request.query.baseVersion ?? null, ip: w.ip },
          );
          return await applied(v);
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    // Devices.
    const deviceBody = Type.Object(
      { zone: Type.String({ pattern: ID_PATTERN }), device: AnyObject, baseVersion: BaseVersion, note: Note },
      { additionalProperties: false },
    );
    /** Puts `device` into zone `zone` (replacing `replacing` wherever it was); answers where it went. */
    const placeDevice = (site: SiteConfig, zone: string, device: SiteDevice, replacing?: string) => {
      const z = site.zones.find((x) => x.id === zone);
      if (!z)
        throw new ConfigError([
          {
            file: 'request',
            path: '/zone',
            message: `site "${site.id}" has no zone "${zone}" (zones: ${site.zones.map((x) => x.id).join(', ')})`,
          },
        ]);
      let slot = -1;
      if (replacing !== undefined) {
        const at = deviceIndex(site, replacing);
        if (!at) throw new EditorError('unknown', `site "${site.id}" has no device "${replacing}"`);
        if (site.zones[at.zi] === z) slot = at.di;
        site.zones[at.zi]!.devices.splice(at.di, 1);
      }
      if (slot >= 0) z.devices.splice(slot, 0, device);
      else z.devices.push(device);
    };
    /** Problems at the edited device's own path are named as body/device/...; the rest as /config/... */
    const devicePath = (after: () => SiteConfig | undefined, id: string) => (p: string) => {
      if (p === '/zone') return p;
      const site = after();
      const at = site ? deviceIndex(site, id) : undefined;
      const own = at ? `/zones/${at.zi}/devices/${at.di}` : undefined;
      if (own && (p === own || p.startsWith(`${own}/`))) return `/device${p.slice(own.length)}`;
      return `/config${p}`;
    };

    app.post(
      '/api/config/sites/:site/devices',
      {
        preHandler: pre,
        schema: {
          params: SiteParams,
          body: deviceBody,
          response: API['POST /api/config/sites/:site/devices'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        const b = request.body;
        const device = b.device as SiteDevice;
        let result: SiteConfig | undefined;
        try {
          if (
            typeof device.id === 'string' &&
            (await editor.live(request.params.site)).config.zones.some((z) => z.devices.some((d) => d.id === device.id))
          )
            throw new EditorError('exists', `body/device/id: device "${device.id}" exists already; change it with PUT`);
          const v = await editor.edit(
            request.params.site,
            (site) => {
              placeDevice(site, b.zone, device);
              result = site;
            },
            w.actor,
            { note: b.note ?? null, expected: b.baseVersion ?? null, ip: w.ip },
          );
          return reply.code(201).send(await applied(v));
        } catch (err) {
          return refuse(
            reply,
            err,
            devicePath(() => result, String(device.id)),
          );
        }
      },
    );

    app.put(
      '/api/config/sites/:site/devices/:device',
      {
        preHandler: pre,
        schema: {
          params: DeviceParams,
          body: deviceBody,
          response: API['PUT /api/config/sites/:site/devices/:device'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        const b = request.body;
        const device = b.device as SiteDevice;
        let result: SiteConfig | undefined;
        try {
          const v = await editor.edit(
            request.params.site,
            (site) => {
              placeDevice(site, b.zone, device, request.params.device);
              result = site;
            },
            w.actor,
            { note: b.note ?? null, expected: b.baseVersion ?? null, ip: w.ip },
          );
          return await applied(v);
        } catch (err) {
          return refuse(
            reply,
            err,
            devicePath(() => result, String(device.id)),
          );
        }
      },
    );

    app.delete(
      '/api/config/sites/:site/devices/:device',
      {
        preHandler: pre,
        schema: {
          params: DeviceParams,
          querystring: ChangeQuery,
          response: API['DELETE /api/config/sites/:site/devices/:device'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        const { site: id, device } = request.params;
        try {
          const v = await editor.edit(
            id,
            (site) => {
              const at = deviceIndex(site, device);
              if (!at) throw new EditorError('unknown', `site "${id}" has no device "${device}"`);
              site.zones[at.zi]!.devices.splice(at.di, 1);
            },
            w.actor,
            { expected: request.query.baseVersion ?? null, ip: w.ip },
          );
          return await applied(v);
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    // Versions.
    app.get(
      '/api/config/sites/:site/versions',
      {
        preHandler: pre,
        schema: { params: SiteParams, response: API['GET /api/config/sites/:site/versions'].response },
      },
      async (request, reply) => {
        const history = await editor.store.history(request.params.site);
        if (!history.length) return sendError(reply, 404, `unknown site "${request.params.site}"`);
        return history.reverse().map(versionInfo);
      },
    );

    app.get(
      '/api/config/sites/:site/versions/:version',
      {
        preHandler: pre,
        schema: { params: VersionParams, response: API['GET /api/config/sites/:site/versions/:version'].response },
      },
      async (request, reply) => {
        const v = await editor.store.version(request.params.site, request.params.version);
        if (!v) return sendError(reply, 404, `site "${request.params.site}" has no version ${request.params.version}`);
        return { ...versionInfo(v), config: v.config };
      },
    );

    app.post(
      '/api/config/sites/:site/rollback',
      {
        preHandler: pre,
        schema: {
          params: SiteParams,
          body: Type.Object({ version: Type.Integer({ minimum: 1 }), note: Note }, { additionalProperties: false }),
          response: API['POST /api/config/sites/:site/rollback'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        try {
          const v = await editor.rollback(request.params.site, request.body.version, w.actor, {
            note: request.body.note ?? null,
            ip: w.ip,
          });
          if (v.deleted) {
            await live.refresh();
            return sendError(
              reply,
              409,
              `version ${request.body.version} is a removal: site "${v.site}" is removed now`,
            );
          }
          return await applied(v);
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    // Files.
    app.get(
      '/api/config/sites/:site/export',
      {
        preHandler: pre,
        schema: {
          params: SiteParams,
          querystring: Type.Object(
            {
              format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('yaml')])),
              version: Type.Optional(Type.Integer({ minimum: 1 })),
            },
            { additionalProperties: false },
          ),
          response: API['GET /api/config/sites/:site/export'].response,
        },
      },
      async (request, reply) => {
        const { site: id } = request.params;
        const v = request.query.version
          ? await editor.store.version(id, request.query.version)
          : await editor.store.current(id);
        if (!v || (v.deleted && !request.query.version)) return sendError(reply, 404, `unknown site "${id}"`);
        // The oldest active gateway credential makes the file usable for a fresh install, as today's are.
        const gw = (await editor.store.credentials({ site: id, active: true }))
          .filter((c) => c.device === null)
          .sort((a, b) => a.createdAt - b.createdAt)[0];
        const file = {
          ...v.config,
          ...(gw ? { gateway: { username: gw.username, passwordHash: gw.passwordHash } } : {}),
        };
        const format = request.query.format ?? 'json';
        return reply
          .type(format === 'yaml' ? 'application/yaml; charset=utf-8' : 'application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="${id}.${format}"`)
          .send(formatDataFile(file, format));
      },
    );

    app.post(
      '/api/config/import',
      {
        preHandler: pre,
        schema: {
          body: Type.Object(
            { text: Type.String({ minLength: 2, maxLength: 60_000 }), note: Note },
            { additionalProperties: false },
          ),
          response: API['POST /api/config/import'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        try {
          const value = parseDataText(request.body.text, 'body/text');
          const v = await editor.import(value, 'imported file', w.actor, 'import', {
            note: request.body.note ?? null,
            ip: w.ip,
          });
          const id = (value as { id: string }).id;
          return await applied(v ?? (await editor.live(id)));
        } catch (err) {
          return refuse(reply, err, (p) => `/text${p}`);
        }
      },
    );

    // Credentials.
    app.get(
      '/api/config/credentials',
      {
        preHandler: pre,
        schema: {
          querystring: Type.Object(
            { site: Type.Optional(Type.String({ pattern: SITE_ID_PATTERN })), all: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
          response: API['GET /api/config/credentials'].response,
        },
      },
      async (request) =>
        (
          await editor.store.credentials({
            ...(request.query.site ? { site: request.query.site } : {}),
            active: request.query.all !== true,
          })
        ).map(credentialJson),
    );

    app.post(
      '/api/config/credentials',
      {
        preHandler: pre,
        schema: {
          body: Type.Object(
            {
              site: Type.String({ pattern: SITE_ID_PATTERN }),
              device: Type.Optional(Type.String({ pattern: ID_PATTERN })),
              username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
              note: Note,
            },
            { additionalProperties: false },
          ),
          response: API['POST /api/config/credentials'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        const b = request.body;
        try {
          const { credential, password } = await editor.newCredential(
            {
              site: b.site,
              ...(b.device !== undefined ? { device: b.device } : {}),
              ...(b.username !== undefined ? { username: b.username } : {}),
              ...(b.note !== undefined ? { note: b.note } : {}),
            },
            w.actor,
            w.ip,
          );
          await live.refresh();
          return reply.code(201).send({ credential: credentialJson(credential), password });
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    app.delete(
      '/api/config/credentials/:id',
      {
        preHandler: pre,
        schema: {
          params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) }),
          response: API['DELETE /api/config/credentials/:id'].response,
        },
      },
      async (request, reply) => {
        const w = who(request, principalOf(request).username);
        try {
          const c = await editor.revoke(request.params.id, w.actor, w.ip);
          // Applied now: the gateway's connections are closed, the edge drops a device's.
          await live.refresh();
          return credentialJson(c);
        } catch (err) {
          return refuse(reply, err);
        }
      },
    );

    // A device's install sheet and commissioning check.
    const deviceOf = async (id: string, device: string) => {
      const v = await editor.live(id);
      const at = deviceIndex(v.config, device);
      if (!at) throw new EditorError('unknown', `site "${id}" has no device "${device}"`);
      const zone = v.config.zones[at.zi]!;
      const d = zone.devices[at.di]!;
      const model = o.profiles.get(d.profile);
      if (!model) throw new EditorError('invalid', `device "${device}" names unknown profile "${d.profile}"`);
      // A DI module's sheet and check are about the channels its config wires.
      return { v, zone, d, profile: effectiveProfile(model, d) };
    };

    app.post(
      '/api/config/sites/:site/devices/:device/sheet',
      {
        preHandler: pre,
        schema: {
          params: DeviceParams,
          body: Type.Object(
            { password: Type.Optional(Type.String({ maxLength: 200 })) },
            { additionalProperties: false },
          ),
          response: API['POST /api/config/sites/:site/devices/:device/sheet'].response,
        },
      },
      async (request, reply) => {
        const { site: id, device } = request.params;
        let found;
        try {
          found = await deviceOf(id, device);
        } catch (err) {
          return refuse(reply, err);
        }
        const { v, zone, d, profile } = found;
        const broker = v.config.edge?.mqttDevices;
        const pdf = await installSheet({
          site: v.config,
          zone,
          device: d,
          profile,
          version: v.version,
          ...(profile.transport === 'mqtt' && broker
            ? {
                mqtt: {
                  host: broker.advertisedHost ?? (broker.host && broker.host !== '0.0.0.0' ? broker.host : null),
                  port: broker.port,
                  username: d.id,
                  ...(request.body?.password ? { password: request.body.password } : {}),
                },
              }
            : {}),
          generatedAt: toIso(Date.now()),
        });
        return reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="install-${id}-${device}.pdf"`)
          .send(pdf);
      },
    );

    app.get(
      '/api/config/sites/:site/devices/:device/commissioning',
      {
        preHandler: pre,
        schema: {
          params: DeviceParams,
          response: API['GET /api/config/sites/:site/devices/:device/commissioning'].response,
        },
      },
      async (request, reply) => {
        const { site: id, device } = request.params;
        let found;
        try {
          found = await deviceOf(id, device);
        } catch (err) {
          return refuse(reply, err);
        }
        return commissioning({
          store: ctx.store,
          site: id,
          device: found.d,
          zoneKind: found.zone.kind,
          profile: found.profile,
          history: await editor.store.history(id),
          ranges,
          now: Date.now(),
        });
      },
    );
  };
}
