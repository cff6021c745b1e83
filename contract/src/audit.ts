// GET /api/audit: the audit trail, who did what and when (logins, logouts, acknowledgements,
// follow-up steps, machine-room visits, evidence, district and report downloads, self-tests, changes of users). Entries are append-only and
// sealed into each day's hash chain with the site's data (docs/evidence.md "Tamper evidence").
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.ts';
import { AUDIT_ACTIONS } from './accounts.ts';

export { AUDIT_ACTIONS, AUDIT_ACTION_ZH, type AuditAction } from './accounts.ts';
export const AuditActionName = Type.Union(AUDIT_ACTIONS.map((a) => Type.Literal(a)));

export const AuditDetail = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
);
export type AuditDetail = Static<typeof AuditDetail>;

export const AuditEntry = Type.Object({
  /** Increases with every entry; the order of the trail. */
  id: Type.Integer(),
  ts: IsoTime,
  /** The username who acted ("cli:<os user>" for the hallmon user command). */
  actor: Type.String(),
  action: AuditActionName,
  /** The site concerned; null for server-wide actions (logins, user changes). */
  site: Nullable(Type.String()),
  /** What was acted on: an alarm or follow-up id, a username, an evidence period. */
  target: Nullable(Type.String()),
  /** Client address (HTTP); null from the command line. */
  ip: Nullable(Type.String()),
  ok: Type.Boolean(),
  detail: AuditDetail,
});
export type AuditEntry = Static<typeof AuditEntry>;
export const AuditList = Type.Array(AuditEntry);
