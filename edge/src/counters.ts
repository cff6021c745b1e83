// The edge agent's counters, in one place so the health endpoint, the logs and the tests read the
// same names: polls per device, errors by fault kind, rejected inputs by reason, outbox traffic.
// Plain integers incremented on hot paths; nothing here allocates per reading.
import type { FaultKind } from './drivers/driver.ts';

export interface DeviceCounters {
  polled: number;
  errors: number;
}

export class EdgeCounters {
  readonly devices = new Map<string, DeviceCounters>();
  readonly errors: Partial<Record<FaultKind, number>> = {};
  readonly rejected: Record<string, number> = {};
  /** Readings accepted into the outbox (acknowledged). */
  readings = 0;
  events = 0;
  alarms = 0;
  /** Records dropped from memory while the outbox could not be written (budget drops: Outbox.stats()). */
  dropped = 0;

  device(id: string): DeviceCounters {
    let c = this.devices.get(id);
    if (!c) this.devices.set(id, (c = { polled: 0, errors: 0 }));
    return c;
  }

  polled(id: string): void {
    this.device(id).polled++;
  }

  error(kind: FaultKind, device: string | undefined): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
    if (device) this.device(device).errors++;
  }

  reject(reason: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
  }

  snapshot() {
    return {
      readings: this.readings,
      events: this.events,
      alarms: this.alarms,
      dropped: this.dropped,
      errors: { ...this.errors },
      rejected: { ...this.rejected },
      polled: Object.fromEntries([...this.devices].map(([id, c]) => [id, c.polled])),
    };
  }
}
