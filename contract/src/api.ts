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
import { Followup, FollowupList } from './followups.ts';
import { DeliveryList, Selftest, SelftestList } from './alarm-path.ts';

/** Statuses every token-checked GET can answer besides 200: bad query, no/bad token, unknown site, failure. */
const READ = errors(400, 401, 404, 500);
/** A POST with a JSON body adds the body parser's refusals and the role check. */
const WRITE = errors(400, 401, 403, 404, 413, 415, 500);

export const API = {
  'GET /api/health': { response: { 200: Health, ...errors(500) } },
  'POST /api/login': { response: { 200: LoginAnswer, ...errors(400, 401, 413, 415, 429, 500) } },
  'GET /api/sites': { response: { 200: SiteList, ...errors(401, 500) } },
  'GET /api/readings': { response: { 200: ReadingsAnswer, ...READ } },
  'GET /api/latest': { response: { 200: LatestList, ...READ } },
  'GET /api/alarms': { response: { 200: AlarmList, ...READ } },
  'POST /api/alarms/:id/ack': { response: { 200: Alarm, ...WRITE } },
  'GET /api/alarms/:id/notifications': { response: { 200: DeliveryList, ...READ } },
  'GET /api/notifications': { response: { 200: DeliveryList, ...READ } },
  'GET /api/events': { response: { 200: EventList, ...READ } },
  'GET /api/status': { response: { 200: StatusList, ...READ } },
  'GET /api/devices': { response: { 200: DeviceList, ...READ } },
  'GET /api/marks': { response: { 200: MarksAnswer, ...READ } },
  'GET /api/followups': { response: { 200: FollowupList, ...READ } },
  'POST /api/followups/:id': { response: { 200: Followup, ...WRITE, ...errors(409) } },
  'GET /api/selftest': { response: { 200: SelftestList, ...READ } },
  'POST /api/selftest': { response: { 200: Selftest, ...errors(400, 401, 403, 404, 409, 500) } },
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
      ...READ,
    },
  },
} as const satisfies Record<
  string,
  { response: Record<number, TSchema | { content: Record<string, { schema: TSchema }> }> }
>;

export type ApiRoute = keyof typeof API;

/** The JSON a route answers with status 200. */
export type Answer<R extends ApiRoute> = (typeof API)[R]['response'] extends { 200: infer S }
  ? S extends TSchema
    ? Static<S>
    : S extends { content: { 'application/json': { schema: infer J extends TSchema } } }
      ? Static<J>
      : never
  : never;
