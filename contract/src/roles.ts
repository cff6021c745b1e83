// The roles people sign in with and the rights that go with them, for the server's checks and the
// dashboard's pages alike. A new role is one entry in ROLES plus the rights it gets below (the
// dashboard's page table is keyed by Role, so the compiler asks for its pages too). Plain data: the
// dashboard imports this module on its first page, without TypeBox (the schema is login.ts RoleName).
/** admin; netadmin (machine and archive rooms); hall (hall manager); assessor (third-party reviewer: reads only). */
export const ROLES = ['admin', 'netadmin', 'hall', 'assessor'] as const;
export type Role = (typeof ROLES)[number];

/** What changes the record, and who may do it; everything else any signed-in role may read. */
export const RIGHTS = {
  /** POST /api/alarms/{id}/ack */
  ack: ['admin', 'netadmin', 'hall'],
  /** POST /api/selftest */
  selftest: ['admin', 'netadmin'],
  /** POST /api/followups/{id} (the people who answer the citizen) */
  followup: ['admin', 'hall'],
} as const satisfies Record<string, readonly Role[]>;
export type Right = keyof typeof RIGHTS;

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function may(role: Role, right: Right): boolean {
  return (RIGHTS[right] as readonly Role[]).includes(role);
}
