// The one way alarms made on the server (server-side rules, self-tests) travel, the same as edge
// alarms arriving over MQTT: store (durable) -> live push (socket.io) -> lifecycle (notifications).
import type { Logger } from '@hallmon/firmware-config';
import type { LiveSink } from '../ingest/pipeline.ts';
import type { StoredAlarm } from '../store/store.ts';
import type { AlarmState } from '../state/state.ts';
import type { AlarmLifecycle } from './lifecycle.ts';
import type { DeliveryOutcome } from '../notify/notifier.ts';

export class AlarmHub {
  constructor(
    private readonly store: AlarmState,
    private readonly live: () => LiveSink | undefined,
    private readonly lifecycle: AlarmLifecycle,
    private readonly log: Logger,
  ) {}

  /** Stores, pushes and notifies; resolves once the notices are delivered or have failed. */
  async publish(site: string, alarms: StoredAlarm[]): Promise<DeliveryOutcome[]> {
    if (!alarms.length) return [];
    await this.store.writeAlarms(alarms);
    this.live()?.alarms(site, alarms);
    return this.lifecycle.handle(alarms);
  }

  /** Fire-and-forget variant for timers: failures are logged, never thrown. */
  submit(site: string, alarms: StoredAlarm[]): void {
    this.publish(site, alarms).catch((err) =>
      this.log.error({ err: (err as Error).message, site }, 'could not store a server-side alarm'),
    );
  }
}
