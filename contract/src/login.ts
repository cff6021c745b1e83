// POST /api/login: a bearer token (12 h) and who it is for.
import { Type, type Static } from '@sinclair/typebox';
import { Role } from './roles.ts';

export const LoginAnswer = Type.Object({ token: Type.String(), role: Role, username: Type.String() });
export type LoginAnswer = Static<typeof LoginAnswer>;
