// What drives a simulated device: a value for each metric at an event time, and the fault the
// device shows at that time. Scenarios produce these; the protocol simulators (Modbus slaves,
// ASCII meters, MQTT devices) only encode them on the wire.
import type { Metric } from '@hallmon/firmware-config';

/** The engineering value a sensor would measure at `tMs`, or undefined when it has none. */
export type ValueSource = (metric: Metric, tMs: number) => number | undefined;

/**
 * How a device misbehaves at a moment:
 * - none: answers normally;
 * - silent: does not answer at all (a dead slave, an unplugged meter);
 * - crc: answers with a corrupted CRC (line noise on RS-485);
 * - exception: answers with a Modbus exception (illegal data address);
 * - garbage: an ASCII meter sends unparseable lines.
 */
export type FaultMode = 'none' | 'silent' | 'crc' | 'exception' | 'garbage';
export type FaultSource = (tMs: number) => FaultMode;

/** Time for simulators: real time, or a scenario's simulated clock. */
export interface Clock {
  now(): number;
}
export const realClock: Clock = { now: () => Date.now() };
