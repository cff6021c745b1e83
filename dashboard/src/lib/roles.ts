// Who sees which page (BRIEF "Who uses what"): the network administrator works the machine and
// archive rooms, the hall manager the hall and its queues; both handle alarms and devices. The
// assessor reads everything and changes nothing (the server answers 403 to its acks as well).

export const ROLES = ['admin', 'netadmin', 'hall', 'assessor'] as const;
export type Role = (typeof ROLES)[number];

export const PAGES = ['overview', 'hall', 'queues', 'rooms', 'alarms', 'devices', 'big', 'evidence'] as const;
export type Page = (typeof PAGES)[number];

const BY_ROLE: Record<Role, readonly Page[]> = {
  admin: PAGES,
  netadmin: ['rooms', 'alarms', 'devices', 'evidence'],
  hall: ['hall', 'queues', 'alarms', 'devices', 'big', 'evidence'],
  assessor: PAGES,
};

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function pagesFor(role: Role): readonly Page[] {
  return BY_ROLE[role];
}

export function canView(role: Role, page: Page): boolean {
  return BY_ROLE[role].includes(page);
}

/** Acknowledging an alarm changes the record; the assessor only reads. */
export function canAck(role: Role): boolean {
  return role !== 'assessor';
}

/** Where a role lands after login. */
export function homePage(role: Role): Page {
  return BY_ROLE[role][0] ?? 'alarms';
}
