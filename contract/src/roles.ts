// The roles people sign in with, the rights that go with them and the zones whose alarms each may
// acknowledge, for the server's checks and the dashboard's pages alike. A new role is one entry in
// ROLES plus its rights below (the dashboard's page table is keyed by Role, so the compiler asks for
// its pages too). What a user reads is limited by the sites of the account (users.ts `sites`), not
// by the role. Plain data: the dashboard imports this module on its first page, without TypeBox.
/**
 * admin: everything, users included; district: reads every site of its list and builds evidence,
 * changes nothing; netadmin: machine and archive rooms of its sites; hall: hall manager of its sites;
 * assessor: third-party reviewer, reads its sites until the account expires.
 */
export const ROLES = ['admin', 'district', 'netadmin', 'hall', 'assessor'] as const;
export type Role = (typeof ROLES)[number];

/** What changes the record, and who may do it; everything else any signed-in role may read. */
export const RIGHTS = {
  /** POST /api/alarms/{id}/ack (only alarms of the zones in ACK_ZONES) */
  ack: ['admin', 'netadmin', 'hall'],
  /** POST /api/selftest */
  selftest: ['admin', 'netadmin'],
  /** POST /api/followups/{id} (the people who answer the citizen) */
  followup: ['admin', 'hall'],
  /** /api/users, every account's sites and the whole audit trail */
  users: ['admin'],
  /** POST /api/visits, POST /api/visits/{id}/out: the machine-room entry register (机房登记) */
  visits: ['admin', 'netadmin'],
  /** POST /api/reports: build a scheduled report now */
  reports: ['admin', 'district'],
  /** /api/config: sites, zones, devices, limits, MQTT credentials (docs/contract.md) */
  config: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Right = keyof typeof RIGHTS;

/**
 * Zone kinds (firmware-config ZONE_KINDS) whose alarms a role may acknowledge, '*' for every zone. A
 * hall manager answers the hall and its counter devices, a network administrator the machine and
 * archive rooms. An alarm of no zone (the self-test's TEST alarm) is acknowledged by who may run
 * the self-test.
 */
export const ACK_ZONES: Record<Role, '*' | readonly string[]> = {
  admin: '*',
  district: [],
  netadmin: ['machine-room', 'archive-room'],
  hall: ['hall', 'other'],
  assessor: [],
};

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

export function may(role: Role, right: Right): boolean {
  return (RIGHTS[right] as readonly Role[]).includes(role);
}

/** Whether the role may acknowledge an alarm of a sensor in this zone kind (undefined: no zone). */
export function mayAckZone(role: Role, zoneKind: string | undefined): boolean {
  if (!may(role, 'ack')) return false;
  const zones = ACK_ZONES[role];
  if (zones === '*') return true;
  return zoneKind === undefined ? may(role, 'selftest') : zones.includes(zoneKind);
}

/** The sites of an account: a list of site ids, or '*' for every site the server has. */
export type SiteScope = '*' | readonly string[];

export function inScope(scope: SiteScope, site: string): boolean {
  return scope === '*' || scope.includes(site);
}
