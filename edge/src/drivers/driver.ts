// The one interface every device protocol implements (modbus-rtu, ascii-line, mqtt-devices).
// A driver owns its transport (a serial port, a broker), knows nothing of the outbox or uplink,
// and reports what it saw through the sink: raw samples, counter events, device status, errors.
import type { DeviceEvent, DeviceStatus, Metric, DeviceProfile } from '@hallmon/firmware-config';

/** A value as the device gave it, before calibration and plausibility checks (see normalise.ts). */
export interface RawSample {
  sensor: string;
  metric: Metric;
  value: number;
  /** Event time, epoch ms: when the value was measured (poll time, line arrival, device ts). */
  ts: number;
  /** Seconds the value integrates over (noise), when known. */
  dur?: number;
}

/** Why a read failed; also the counter keys of the health report (HM_ERR_* in errors.ts). */
export type FaultKind = 'timeout' | 'crc-error' | 'exception' | 'disconnected' | 'parse-error' | 'rejected';

export interface DriverSink {
  sample(s: RawSample): void;
  event(e: DeviceEvent): void;
  /** Device reachability changed (first success after failures, or too many failures in a row). */
  status(device: string, status: DeviceStatus, ts: number): void;
  /** One failed read or one rejected input; `device` may be undefined (unknown sender). */
  fault(kind: FaultKind, device: string | undefined, detail: string, ts: number): void;
  /** One successful poll / accepted message of a device (for the `polled` counter). */
  polled(device: string): void;
}

export interface Driver {
  /** For logs and health: e.g. "modbus-rtu /dev/ttyUSB0". */
  readonly name: string;
  /** Opens the transport and starts polling/listening. Must not throw for a missing port: retry with backoff. */
  start(): Promise<void>;
  /** Stops polling and closes the transport; resolves when nothing is pending. */
  stop(): Promise<void>;
}

/** What a driver is given for each device it serves. */
export interface DriverDevice {
  id: string;
  profile: DeviceProfile;
}
