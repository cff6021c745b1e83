// State inputs (water leak, smoke, door, mains, UPS on battery, AC running) are kept as changes,
// not as a constant stream (docs/contract.md, "State metrics"): of the values a driver reads at the
// poll rate, a state goes on the wire when it differs from the last one sent, when its device
// answers first (start, or back after an outage) and unchanged every STATE_REFRESH_S, so a silent
// state series means a dead input, never a quiet one. A change is flushed at once: the water on the
// floor does not wait for the next outbox tick.
import { isStateMetric, STATE_REFRESH_S, type NormalisedReading } from '@hallmon/firmware-config';

export type StateVerdict = 'send-now' | 'send' | 'hold';

interface Sent {
  value: number;
  at: number;
}

export class StateChanges {
  private readonly sent = new Map<string, Sent>();
  /** State readings held back because nothing changed (for health). */
  held = 0;

  constructor(private readonly refreshMs = STATE_REFRESH_S * 1000) {}

  /**
   * What to do with a reading measured at `ts`: send-now (a state's first value or a change),
   * send (an analogue reading, or a state's periodic refresh), hold (an unchanged state).
   */
  judge(r: NormalisedReading, ts: number): StateVerdict {
    if (!isStateMetric(r.metric)) return 'send';
    const key = `${r.sensor}\u0000${r.metric}`;
    const last = this.sent.get(key);
    if (last === undefined || last.value !== r.value) {
      this.sent.set(key, { value: r.value, at: ts });
      return 'send-now';
    }
    if (ts - last.at >= this.refreshMs || ts < last.at) {
      last.at = ts;
      return 'send';
    }
    this.held++;
    return 'hold';
  }

  /** The device went offline or came back: its next states are sent as first values. */
  forget(device: string): void {
    for (const key of this.sent.keys()) if (key.startsWith(`${device}\u0000`)) this.sent.delete(key);
  }
}
