// Who sees which page: the network administrator works the machine and
// archive rooms, the hall manager the hall and its queues; both handle alarms and devices. The
// assessor reads everything and changes nothing. Only the admin manages devices (设备管理) and site
// settings (站点设置): the contract's `config` right. The roles and their rights are the contract's
// (@hallmon/contract roles.ts, the same the server checks); the pages are the dashboard's.
import { ROLES, isRole, may, type Role } from '@hallmon/contract/roles';

export { ROLES, isRole, type Role };

export const PAGES = [
  'overview',
  'hall',
  'queues',
  'rooms',
  'alarms',
  'devices',
  'big',
  'evidence',
  'device-admin',
  'site-settings',
] as const;
export type Page = (typeof PAGES)[number];

/** The pages that read: every role may see some of them. */
const READ_PAGES: readonly Page[] = ['overview', 'hall', 'queues', 'rooms', 'alarms', 'devices', 'big', 'evidence'];

const BY_ROLE: Record<Role, readonly Page[]> = {
  admin: PAGES,
  district: READ_PAGES,
  netadmin: ['rooms', 'alarms', 'devices', 'evidence'],
  hall: ['hall', 'queues', 'alarms', 'devices', 'big', 'evidence'],
  assessor: READ_PAGES,
};

export function pagesFor(role: Role): readonly Page[] {
  return BY_ROLE[role];
}

export function canView(role: Role, page: Page): boolean {
  return BY_ROLE[role].includes(page);
}

/** Acknowledging an alarm changes the record: the contract's `ack` right. */
export function canAck(role: Role): boolean {
  return may(role, 'ack');
}

/** Recording a follow-up step (answered, complex, resolved): the contract's `followup` right. */
export function canFollowUp(role: Role): boolean {
  return may(role, 'followup');
}

/** Changing sites, zones, devices and credentials: the contract's `config` right. */
export function canConfigure(role: Role): boolean {
  return may(role, 'config');
}

/** Where a role lands after login. */
export function homePage(role: Role): Page {
  return BY_ROLE[role][0] ?? 'alarms';
}
