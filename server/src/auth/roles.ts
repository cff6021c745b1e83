// The roles people sign in with and what each may do. assessor (the third-party assessment's
// reviewer) reads everything and changes nothing.
export const ROLES = ['admin', 'netadmin', 'hall', 'assessor'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may acknowledge alarms. */
export const CAN_ACK: ReadonlySet<Role> = new Set(['admin', 'netadmin', 'hall']);

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
