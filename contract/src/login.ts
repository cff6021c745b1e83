// POST /api/login: a bearer token (12 h), who it is for and the sites the account covers.
import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from './roles.ts';

export const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const LoginAnswer = Type.Object({
  token: Type.String(),
  role: RoleName,
  username: Type.String(),
  /** The account's sites ("*": every site). */
  sites: Type.Union([Type.Literal('*'), Type.Array(Type.String())]),
  name: Type.Union([Type.String(), Type.Null()]),
});
export type LoginAnswer = Static<typeof LoginAnswer>;
