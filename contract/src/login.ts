// POST /api/login: a bearer token (12 h) and who it is for.
import { Type, type Static } from '@sinclair/typebox';
import { ROLES } from './roles.ts';

export const RoleName = Type.Union(ROLES.map((r) => Type.Literal(r)));

export const LoginAnswer = Type.Object({ token: Type.String(), role: RoleName, username: Type.String() });
export type LoginAnswer = Static<typeof LoginAnswer>;
