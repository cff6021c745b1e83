// Error codes of the edge in one place (fastify's FST_ERR_* style): logs, counters and tests speak
// the same names, and every code carries a hint of what an installer should check on site.
import type { FaultKind } from './drivers/driver.ts';

export const ERR = {
  MODBUS_TIMEOUT: 'HM_ERR_MODBUS_TIMEOUT',
  MODBUS_CRC: 'HM_ERR_MODBUS_CRC',
  MODBUS_EXCEPTION: 'HM_ERR_MODBUS_EXCEPTION',
  SERIAL_OPEN: 'HM_ERR_SERIAL_OPEN',
  SERIAL_DISCONNECTED: 'HM_ERR_SERIAL_DISCONNECTED',
  ASCII_PARSE: 'HM_ERR_ASCII_PARSE',
  DEVICE_OFFLINE: 'HM_ERR_DEVICE_OFFLINE',
  INPUT_REJECTED: 'HM_ERR_INPUT_REJECTED',
  SNMP_TIMEOUT: 'HM_ERR_SNMP_TIMEOUT',
  SNMP_ERROR: 'HM_ERR_SNMP_ERROR',
} as const;
export type ErrCode = (typeof ERR)[keyof typeof ERR];

/** What to check on site, per code (written for the installer reading the log). */
export const HINTS: Record<ErrCode, string> = {
  HM_ERR_MODBUS_TIMEOUT:
    'no reply: check the slave address (unitId), the baud rate/parity against the device, A/B wiring and the device power',
  HM_ERR_MODBUS_CRC:
    'corrupted replies: check the baud rate and parity, cable shielding and length, 120 Ω termination at both bus ends, and that no two devices share a slave address',
  HM_ERR_MODBUS_EXCEPTION:
    'the device refused the read: check that the profile (function code, register addresses) matches this device model',
  HM_ERR_SERIAL_OPEN:
    'cannot open the serial port: check the port path in the edge config, that the USB adapter is plugged in, and permissions (dialout group)',
  HM_ERR_SERIAL_DISCONNECTED:
    'the serial port went away: check the USB adapter and its cable; the edge reopens it by itself',
  HM_ERR_ASCII_PARSE: 'unreadable line: check the baud rate, and that the meter outputs the format its profile expects',
  HM_ERR_DEVICE_OFFLINE: 'the device stopped answering: check its power and cabling',
  HM_ERR_INPUT_REJECTED: 'a message failed validation: check the device firmware and its configuration',
  HM_ERR_SNMP_TIMEOUT:
    'no SNMP answer: check the host and port in the edge config, that the card is on the network, its read community and that it allows this edge',
  HM_ERR_SNMP_ERROR:
    'the SNMP agent refused an object: check that the card speaks the MIB of the profile (UPS-MIB, RFC 1628) and the SNMP version',
};

/** The code a fault kind is logged and counted under. */
export const FAULT_CODES: Record<FaultKind, ErrCode> = {
  timeout: ERR.MODBUS_TIMEOUT,
  'crc-error': ERR.MODBUS_CRC,
  exception: ERR.MODBUS_EXCEPTION,
  disconnected: ERR.SERIAL_DISCONNECTED,
  'parse-error': ERR.ASCII_PARSE,
  rejected: ERR.INPUT_REJECTED,
};

/** Log fields for a code: `{ code, hint }`. */
export function errFields(code: ErrCode): { code: ErrCode; hint: string } {
  return { code, hint: HINTS[code] };
}
