// Who sees which page: the network administrator works the machine and
// archive rooms, the hall manager the hall and its queues; both handle alarms and devices. The
// assessor reads everything and changes nothing. The roles and their rights are the contract's
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
  'scorecard',
  'district',
  'reports',
] as const;
export type Page = (typeof PAGES)[number];

const BY_ROLE: Record<Role, readonly Page[]> = {
  admin: PAGES,
  // The district office starts from every centre's scores (区级评估) and the packs it receives.
  district: [
    'district',
    'overview',
    'scorecard',
    'reports',
    'hall',
    'queues',
    'rooms',
    'alarms',
    'devices',
    'big',
    'evidence',
  ],
  netadmin: ['rooms', 'alarms', 'devices', 'evidence'],
  hall: ['hall', 'queues', 'alarms', 'devices', 'big', 'evidence', 'scorecard', 'reports'],
  assessor: PAGES,
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

/** Building a scheduled report now: the contract's `reports` right. */
export function canBuildReports(role: Role): boolean {
  return may(role, 'reports');
}

/** Where a role lands after login. */
export function homePage(role: Role): Page {
  return BY_ROLE[role][0] ?? 'alarms';
}
