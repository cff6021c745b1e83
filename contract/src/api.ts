// Every /api route with the schema of each status it answers: the server hands `API[key].response`
// to fastify as `schema.response` (which also serialises the answer with it), the dashboard's
// client takes its answer types from the same entry, and the contract test calls each one. An
// error status always carries the ApiError body.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { errors } from './errors.ts';
import { Health } from './health.ts';
import { LoginAnswer } from './login.ts';
import { SiteList } from './sites.ts';
import { LatestList, ReadingsAnswer } from './readings.ts';
import { Alarm, AlarmList } from './alarms.ts';
import { EventList, StatusList } from './events.ts';
import { DeviceList } from './devices.ts';
import { EvidencePack } from './evidence.ts';
import { MarksAnswer } from './marks.ts';
import { NoiseAnswer } from './noise.ts';
import { Followup, FollowupList } from './followups.ts';
import { Visit, VisitList } from './visits.ts';
import { DeliveryList, Selftest, SelftestList } from './alarm-path.ts';
import { Me, User, UserList } from './users.ts';
import { AuditList } from './audit.ts';
import { DistrictView, Scorecard } from './scorecard.ts';
import { ReportList, ReportsAnswer } from './reports.ts';
import { DigestsAccepted, DigestsAnswer } from './digests.ts';
import {
  Commissioning,
  ConfigSite,
  ConfigSiteList,
  ConfigVersion,
  ConfigVersionList,
  CredentialInfo,
  CredentialList,
  NewCredentialAnswer,
  ProfileList,
} from './config.ts';

/** A POST with a JSON body adds the body parser's refusals and the role or site check. */
const WRITE = errors(400, 401, 403, 404, 413, 415, 500);
/** A read of one site's data adds 403: the account does not cover that site. */
const SCOPED = errors(400, 401, 403, 404, 500);
/** A body-less answer (logout, delete). */
const NoContent = Type.Null({ description: 'no body (204)' });
/** /api/config reads (admin only). */
const ADMIN_READ = errors(401, 403, 500);
/** A change to a site's configuration: 404 unknown site, 409 changed meanwhile (baseVersion) or exists. */
const CONFIG_WRITE = { ...WRITE, ...errors(409) };
const PDF = {
  content: {
    'application/pdf': {
      schema: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'PDF bytes' }),
    },
  },
};

export const API = {
  'GET /api/health': { response: { 200: Health, ...errors(500) } },
  'POST /api/login': { response: { 200: LoginAnswer, ...errors(400, 401, 413, 415, 429, 500) } },
  'POST /api/logout': { response: { 204: NoContent, ...errors(401, 500) } },
  'GET /api/me': { response: { 200: Me, ...errors(401, 500) } },
  'POST /api/me/password': { response: { 204: NoContent, ...errors(400, 401, 403, 413, 415, 429, 500) } },
  'GET /api/users': { response: { 200: UserList, ...errors(401, 403, 500) } },
  'POST /api/users': { response: { 201: User, ...WRITE, ...errors(409) } },
  'PATCH /api/users/:username': { response: { 200: User, ...WRITE, ...errors(409) } },
  'DELETE /api/users/:username': { response: { 204: NoContent, ...errors(400, 401, 403, 404, 409, 500) } },
  'GET /api/audit': { response: { 200: AuditList, ...SCOPED } },
  'GET /api/sites': { response: { 200: SiteList, ...errors(401, 500) } },
  'GET /api/readings': { response: { 200: ReadingsAnswer, ...SCOPED } },
  'GET /api/latest': { response: { 200: LatestList, ...SCOPED } },
  'GET /api/alarms': { response: { 200: AlarmList, ...SCOPED } },
  'POST /api/alarms/:id/ack': { response: { 200: Alarm, ...WRITE } },
  'GET /api/alarms/:id/notifications': { response: { 200: DeliveryList, ...SCOPED } },
  'GET /api/notifications': { response: { 200: DeliveryList, ...SCOPED } },
  'GET /api/events': { response: { 200: EventList, ...SCOPED } },
  'GET /api/status': { response: { 200: StatusList, ...SCOPED } },
  'GET /api/devices': { response: { 200: DeviceList, ...SCOPED } },
  'GET /api/marks': { response: { 200: MarksAnswer, ...SCOPED } },
  'GET /api/noise': { response: { 200: NoiseAnswer, ...SCOPED } },
  'GET /api/followups': { response: { 200: FollowupList, ...SCOPED } },
  'POST /api/followups/:id': { response: { 200: Followup, ...WRITE, ...errors(409) } },
  'GET /api/visits': { response: { 200: VisitList, ...SCOPED } },
  'POST /api/visits': { response: { 201: Visit, ...WRITE } },
  'POST /api/visits/:id/out': { response: { 200: Visit, ...WRITE, ...errors(409) } },
  'GET /api/selftest': { response: { 200: SelftestList, ...SCOPED } },
  'POST /api/selftest': { response: { 200: Selftest, ...errors(400, 401, 403, 404, 409, 500) } },
  'GET /api/config/profiles': { response: { 200: ProfileList, ...ADMIN_READ } },
  'GET /api/config/sites': { response: { 200: ConfigSiteList, ...ADMIN_READ } },
  'POST /api/config/sites': { response: { 201: ConfigSite, ...CONFIG_WRITE } },
  'GET /api/config/sites/:site': { response: { 200: ConfigSite, ...SCOPED } },
  'PUT /api/config/sites/:site': { response: { 200: ConfigSite, ...CONFIG_WRITE } },
  'PATCH /api/config/sites/:site': { response: { 200: ConfigSite, ...CONFIG_WRITE } },
  'DELETE /api/config/sites/:site': { response: { 204: NoContent, ...errors(400, 401, 403, 404, 409, 500) } },
  'POST /api/config/sites/:site/zones': { response: { 201: ConfigSite, ...CONFIG_WRITE } },
  'PATCH /api/config/sites/:site/zones/:zone': { response: { 200: ConfigSite, ...CONFIG_WRITE } },
  'DELETE /api/config/sites/:site/zones/:zone': { response: { 200: ConfigSite, ...CONFIG_WRITE } },
  'POST /api/config/sites/:site/devices': { response: { 201: ConfigSite, ...CONFIG_WRITE } },
  'PUT /api/config/sites/:site/devices/:device': { response: { 200: ConfigSite, ...CONFIG_WRITE } },
  'DELETE /api/config/sites/:site/devices/:device': { response: { 200: ConfigSite, ...CONFIG_WRITE } },
  'GET /api/config/sites/:site/versions': { response: { 200: ConfigVersionList, ...SCOPED } },
  'GET /api/config/sites/:site/versions/:version': { response: { 200: ConfigVersion, ...SCOPED } },
  'POST /api/config/sites/:site/rollback': { response: { 200: ConfigSite, ...CONFIG_WRITE } },
  /** The site file as of today's format (JSON or YAML), with its oldest active gateway credential. */
  'GET /api/config/sites/:site/export': {
    response: {
      200: {
        content: {
          'application/json': { schema: Type.Unknown({ description: 'a site file (firmware-config SiteConfig)' }) },
          'application/yaml': { schema: Type.String() },
        },
      },
      ...SCOPED,
    },
  },
  'POST /api/config/import': { response: { 200: ConfigSite, ...CONFIG_WRITE } },
  'GET /api/config/credentials': { response: { 200: CredentialList, ...SCOPED } },
  'POST /api/config/credentials': { response: { 201: NewCredentialAnswer, ...CONFIG_WRITE } },
  'DELETE /api/config/credentials/:id': { response: { 200: CredentialInfo, ...errors(400, 401, 403, 404, 409, 500) } },
  /** A device's printable install sheet (A4, Chinese first), with a QR code of its settings. */
  'POST /api/config/sites/:site/devices/:device/sheet': { response: { 200: PDF, ...WRITE } },
  'GET /api/config/sites/:site/devices/:device/commissioning': { response: { 200: Commissioning, ...SCOPED } },
  /** json: the pack; csv: the clause summary; pdf: the Chinese paper pack (files, not JSON). */
  'GET /api/evidence': {
    response: {
      200: {
        content: {
          'application/json': { schema: EvidencePack },
          'text/csv': { schema: Type.String() },
          'application/pdf': {
            schema: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'PDF bytes' }),
          },
        },
      },
      ...SCOPED,
    },
  },
  'GET /api/scorecard': { response: { 200: Scorecard, ...SCOPED } },
  /** json: every covered centre × every scored clause; pdf: the district PDF. */
  'GET /api/district': {
    response: {
      200: {
        content: {
          'application/json': { schema: DistrictView },
          'application/pdf': {
            schema: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'PDF bytes' }),
          },
        },
      },
      ...errors(400, 401, 500),
    },
  },
  'GET /api/reports': { response: { 200: ReportsAnswer, ...errors(401, 500) } },
  /** 202: the packs queued (they build in the background; GET /api/reports shows their progress). */
  'POST /api/reports': { response: { 202: ReportList, ...WRITE } },
  /** A file of a finished pack, with a token or a signed link (?exp=&sig=). */
  'GET /api/reports/:id/file/*': {
    response: {
      200: {
        content: {
          'application/pdf': {
            schema: Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary', description: 'PDF bytes' }),
          },
          'application/json': { schema: Type.Unknown() },
          'text/csv': { schema: Type.String() },
        },
      },
      ...SCOPED,
    },
  },
  /** No token: the records' Ed25519 signatures and the site's first key authenticate them. */
  'POST /api/digests': { response: { 200: DigestsAccepted, ...errors(400, 404, 409, 413, 415, 500) } },
  'GET /api/digests': { response: { 200: DigestsAnswer, ...SCOPED } },
} as const satisfies Record<
  string,
  { response: Record<number, TSchema | { content: Record<string, { schema: TSchema }> }> }
>;

export type ApiRoute = keyof typeof API;

/** The schema of a route's success: 200, else 201, else 202, else 204. */
type Success<R extends ApiRoute> = (typeof API)[R]['response'] extends { 200: infer S }
  ? S
  : (typeof API)[R]['response'] extends { 201: infer S }
    ? S
    : (typeof API)[R]['response'] extends { 202: infer S }
      ? S
      : (typeof API)[R]['response'] extends { 204: infer S }
        ? S
        : never;

/** The JSON a route answers on success (null for 204). */
export type Answer<R extends ApiRoute> =
  Success<R> extends infer S
    ? S extends TSchema
      ? Static<S>
      : S extends { content: { 'application/json': { schema: infer J extends TSchema } } }
        ? Static<J>
        : never
    : never;
