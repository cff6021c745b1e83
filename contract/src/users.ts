// People and their accounts: GET/POST/PATCH/DELETE /api/users (admin), GET /api/me, POST
// /api/me/password. The request bodies are here too, so the dashboard's forms and the server's
// checks read one definition. Passwords: at least PASSWORD_MIN characters and not the username
// (accounts.ts passwordProblem says which rule a password breaks, in the user's terms).
import { Type, type Static } from '@sinclair/typebox';
import { SITE_ID_PATTERN } from '@hallmon/firmware-config/core';
import { IsoTime, Nullable } from './common.ts';
import { RoleName } from './login.ts';
import { RIGHTS } from './roles.ts';
import { PASSWORD_MAX, USERNAME_PATTERN } from './accounts.ts';

export { PASSWORD_MIN, PASSWORD_MAX, USERNAME_PATTERN, passwordProblem, expiryMs } from './accounts.ts';

/** The sites an account covers: a list of site ids, or "*" for every site. */
export const Sites = Type.Union([
  Type.Literal('*'),
  Type.Array(Type.String({ pattern: SITE_ID_PATTERN }), { minItems: 1, maxItems: 500, uniqueItems: true }),
]);

export const RightName = Type.Union(Object.keys(RIGHTS).map((r) => Type.Literal(r as keyof typeof RIGHTS)));

export const User = Type.Object({
  username: Type.String(),
  role: RoleName,
  sites: Sites,
  name: Nullable(Type.String()),
  /** The account stops working at this instant (assessors); null: no expiry. */
  expires: Nullable(IsoTime),
  disabled: Type.Boolean(),
  createdAt: IsoTime,
  passwordChangedAt: IsoTime,
  lastLoginAt: Nullable(IsoTime),
});
export type User = Static<typeof User>;
export const UserList = Type.Array(User);

/** GET /api/me: the signed-in account, what it may do and when its token ends. */
export const Me = Type.Object({
  username: Type.String(),
  role: RoleName,
  sites: Sites,
  name: Nullable(Type.String()),
  expires: Nullable(IsoTime),
  rights: Type.Array(RightName),
  tokenExpires: IsoTime,
});
export type Me = Static<typeof Me>;

const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX });
const Name = Type.String({ minLength: 1, maxLength: 100 });
/** A day (YYYY-MM-DD: the account works through that day, China time, UTC+8) or an instant with its offset. */
const Expires = Type.String({
  minLength: 10,
  maxLength: 40,
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+(Z|[+-]\\d{2}:?\\d{2}))?$',
});

export const NewUser = Type.Object(
  {
    username: Type.String({ pattern: USERNAME_PATTERN }),
    password: Password,
    role: RoleName,
    sites: Sites,
    name: Type.Optional(Name),
    expires: Type.Optional(Nullable(Expires)),
  },
  { additionalProperties: false },
);
export type NewUser = Static<typeof NewUser>;

export const UserPatch = Type.Object(
  {
    role: Type.Optional(RoleName),
    sites: Type.Optional(Sites),
    name: Type.Optional(Nullable(Name)),
    password: Type.Optional(Password),
    disabled: Type.Optional(Type.Boolean()),
    expires: Type.Optional(Nullable(Expires)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UserPatch = Static<typeof UserPatch>;

export const PasswordChange = Type.Object(
  { oldPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export type PasswordChange = Static<typeof PasswordChange>;
