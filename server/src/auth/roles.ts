// The roles people sign in with and what each may do come from the contract (@hallmon/contract
// roles.ts), shared with the dashboard; here they are the sets the route checks take.
import { RIGHTS, type Right, type Role } from '@hallmon/contract';

export { ROLES, isRole, type Role } from '@hallmon/contract';

export function rolesWith(right: Right): ReadonlySet<Role> {
  return new Set<Role>(RIGHTS[right]);
}

/** Roles that may acknowledge alarms. */
export const CAN_ACK = rolesWith('ack');
/** Roles that may run the alarm self-test. */
export const CAN_SELFTEST = rolesWith('selftest');
/** Roles that may record a step of a bad-rating follow-up. */
export const CAN_FOLLOW_UP = rolesWith('followup');
/** Roles that may write the machine-room entry register. */
export const CAN_REGISTER_VISITS = rolesWith('visits');
