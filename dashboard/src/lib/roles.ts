// Who sees which page: the network administrator works the machine and archive rooms, the hall
// manager the hall and its queues; both handle alarms and devices. The district office and the
// assessor read every page of their sites and change nothing; only the administrator manages
// people. Everyone reads the audit trail of their own sites and changes their own password. The
// roles and their rights are the contract's (@hallmon/contract roles.ts, the same the server
// checks); the pages are the dashboard's. Which sites a person sees is the server's answer to
// GET /api/sites (the account's sites), not the role's. Only the administrator manages devices
// (设备管理) and site settings (站点设置): the contract's `config` right. The district office starts
// from every centre's scores (区级评估); the scorecard and the report packs are for whoever reads the hall.
import { ROLES, isRole, may, mayAckZone, type Role } from '@hallmon/contract/roles';

export { ROLES, isRole, type Role };

export const PAGES = [
  'overview',
  'hall',
  'queues',
  'rooms',
  'visits',
  'alarms',
  'devices',
  'big',
  'evidence',
  'scorecard',
  'district',
  'reports',
  'audit',
  'users',
  'account',
  'device-admin',
  'site-settings',
] as const;
export type Page = (typeof PAGES)[number];

/** Pages reached from the header's user name rather than the navigation bar. */
export const OFF_NAV: ReadonlySet<Page> = new Set(['account']);

/** Pages that change people or the configuration: the administrator's alone. */
const ADMIN_ONLY: ReadonlySet<Page> = new Set(['users', 'device-admin', 'site-settings']);

/** Every page a reader of a site sees: all but the administrator's. */
const READ_ALL: readonly Page[] = PAGES.filter((p) => !ADMIN_ONLY.has(p));

const BY_ROLE: Record<Role, readonly Page[]> = {
  admin: PAGES,
  district: ['district', ...READ_ALL.filter((p) => p !== 'district')],
  netadmin: ['rooms', 'visits', 'alarms', 'devices', 'evidence', 'audit', 'account'],
  hall: [
    'hall',
    'queues',
    'visits',
    'alarms',
    'devices',
    'big',
    'evidence',
    'scorecard',
    'reports',
    'audit',
    'account',
  ],
  assessor: READ_ALL,
};

export function pagesFor(role: Role): readonly Page[] {
  return BY_ROLE[role];
}

/** The pages of the navigation bar. */
export function navPagesFor(role: Role): readonly Page[] {
  return BY_ROLE[role].filter((p) => !OFF_NAV.has(p));
}

export function canView(role: Role, page: Page): boolean {
  return BY_ROLE[role].includes(page);
}

/** Acknowledging an alarm changes the record: the contract's `ack` right. */
export function canAck(role: Role): boolean {
  return may(role, 'ack');
}

/**
 * Whether the role may acknowledge an alarm raised in a zone of this kind (undefined: no zone, the
 * self-test's alarm): the hall manager the hall and counters, the network administrator the rooms.
 */
export function canAckZone(role: Role, zoneKind: string | undefined): boolean {
  return mayAckZone(role, zoneKind);
}

/** Recording a follow-up step (answered, complex, resolved): the contract's `followup` right. */
export function canFollowUp(role: Role): boolean {
  return may(role, 'followup');
}

/** Writing the machine-room entry register (机房登记): the contract's `visits` right. */
export function canRegisterVisits(role: Role): boolean {
  return may(role, 'visits');
}

/** Managing people: the contract's `users` right. */
export function canManageUsers(role: Role): boolean {
  return may(role, 'users');
}

/** Building a scheduled report now: the contract's `reports` right. */
export function canBuildReports(role: Role): boolean {
  return may(role, 'reports');
}

/** Changing sites, zones, devices and credentials: the contract's `config` right. */
export function canConfigure(role: Role): boolean {
  return may(role, 'config');
}

/** Where a role lands after login. */
export function homePage(role: Role): Page {
  return BY_ROLE[role][0] ?? 'alarms';
}
