// Replays STORED data through the same RuleEngine the edge runs live, so evidence and live alarms
// give the same answer. A year cannot be replayed second by second in seconds, so it is replayed
// from the 1-minute rollups: climate as one reading per minute (the minute mean: with 1-min data
// that is the raw reading), noise as the minute's energy LAeq with dur = 60 s, stamped at the
// minute's last second so that a 5-min LAeq window of minute readings is exactly the energy mean of
// those five minutes. The engine keeps per-sensor state only, so each sensor is fed on its own (its
// metrics merged in time order) and the watermark moves once at the end: same records, less work.
import type { Metric } from '@hallmon/firmware-config';
import type { RuleEngine, Transition } from '@hallmon/rules';

export const NOISE_MINUTE_DUR_S = 60;
/** Noise minutes are stamped at their last second (bucket + 59 s): inside the minute's opening hours. */
export const NOISE_STAMP_OFFSET_MS = 59_000;

/** Open alarms by id: raises without their clear, which become excursions cut at the period end. */
export class OpenAlarms {
  readonly open = new Map<string, Transition>();
  take(ts: Transition[]): void {
    for (const t of ts) {
      if (t.type === 'raise') this.open.set(t.alarm.id, t);
      else this.open.delete(t.alarm.id);
    }
  }
}

export function stampOf(metric: Metric, bucket: number): number {
  return metric === 'noise_laeq' ? bucket + NOISE_STAMP_OFFSET_MS : bucket;
}

/** A minute series as columns (Store.readMinuteValues): bucket starts and the values to feed. */
export interface MinuteColumns {
  metric: Metric;
  ts: Float64Array;
  value: Float64Array;
}

/**
 * Feeds one sensor's minute columns (all its metrics, merged by time) to the engine: a k-way merge
 * over a handful of metrics, without a point object or an ISO timestamp string per reading
 * (engine.ingestAt takes the epoch ms).
 */
export function feedColumns(engine: RuleEngine, sensor: string, series: MinuteColumns[], open: OpenAlarms): number {
  const n = series.length;
  const idx = new Int32Array(n);
  const len = series.map((s) => s.ts.length);
  const offset = series.map((s) => stampOf(s.metric, 0));
  const dur = series.map((s) => (s.metric === 'noise_laeq' ? NOISE_MINUTE_DUR_S : undefined));
  let fed = 0;
  for (;;) {
    let best = -1;
    let bestTs = Infinity;
    for (let i = 0; i < n; i++) {
      const j = idx[i]!;
      if (j >= len[i]!) continue;
      const ts = series[i]!.ts[j]! + offset[i]!;
      if (ts < bestTs || (ts === bestTs && series[i]!.metric < series[best]!.metric)) {
        best = i;
        bestTs = ts;
      }
    }
    if (best < 0) break;
    const s = series[best]!;
    const value = s.value[idx[best]!++]!;
    if (!Number.isFinite(value)) continue;
    const t = engine.ingestAt(sensor, s.metric, bestTs, value, dur[best]);
    if (t.length) open.take(t);
    fed++;
  }
  return fed;
}
