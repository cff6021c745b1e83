// The one error body of the API (server/src/api/errors.ts): `{ error: <code>, message: <what to do> }`.
// Every route lists the statuses it can answer with this body; the code is fixed per status.
import { Type, type Static } from '@sinclair/typebox';

export const ApiError = Type.Object({
  error: Type.String(),
  message: Type.String(),
  /**
   * Every problem of a refused configuration, each with the JSON pointer of its field (into the
   * request body, e.g. /device/unitId, or into the resulting site config, /config/zones/0/id), so a
   * form can mark the field. Only /api/config answers carry it.
   */
  problems: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
});
export type ApiError = Static<typeof ApiError>;

/** The `error` code of each status (500 is `internal`; 409 `conflict`). */
export const ERROR_CODES = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
  500: 'internal',
} as const;
export type ErrorStatus = keyof typeof ERROR_CODES;

/** `{ 401: ApiError, 404: ApiError, ... }` for a route's `schema.response`. */
export function errors<const S extends readonly ErrorStatus[]>(...statuses: S): { [K in S[number]]: typeof ApiError } {
  return Object.fromEntries(statuses.map((s) => [s, ApiError])) as { [K in S[number]]: typeof ApiError };
}
