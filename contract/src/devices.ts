// GET /api/devices: every device of the site configs with its status and the fault figures of
// clause 1.2.1 / 2021 rules 三.3 (server/src/api/routes-devices.ts, figures from devices/fault-log.ts).
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable, StatusName } from './common.ts';

export const DeviceRow = Type.Object({
  site: Type.String(),
  id: Type.String(),
  name: Nullable(Type.String()),
  /** Zone id. */
  zone: Type.String(),
  profile: Type.String(),
  window: Nullable(Type.String()),
  /** unknown: never heard of. */
  status: Type.Union([StatusName, Type.Literal('unknown')]),
  lastSeen: Nullable(IsoTime),
  /** device_fault failures this month (site time zone) by fault kind. */
  errors: Type.Record(Type.String(), Type.Integer()),
  faultsThisMonth: Type.Integer(),
  openFaultSince: Nullable(IsoTime),
  /** Working days the most recently ended fault took to repair (official calendar). */
  lastRepairWorkingDays: Nullable(Type.Integer()),
});
export type DeviceRow = Static<typeof DeviceRow>;

export const DeviceList = Type.Array(DeviceRow);
