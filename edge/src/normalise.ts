// Turns a driver's raw sample into a reading for the wire: per-sensor calibration, plausibility and
// frozen-sensor flags from the device profile, the metric's unit, UTC ISO time. Implausible values
// are flagged, never dropped: the evidence must show what the sensor said.
import {
  METRIC_UNITS,
  toIso,
  type Calibration,
  type DeviceProfile,
  type Metric,
  type NormalisedReading,
  type ProfileMetric,
  type Quality,
} from '@hallmon/firmware-config';
import type { RawSample } from './drivers/driver.ts';

export interface NormaliserDevice {
  profile: DeviceProfile;
  calibration?: Calibration;
}

interface LastValue {
  value: number;
  /** Event time the value was first seen unchanged. */
  since: number;
}

/** Rounds to 4 decimals: calibration arithmetic must not leak float noise (21.2000000001) onto the wire. */
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/**
 * `devices` may change while the normaliser is in use (a new configuration puts new entries in the
 * same Map); each entry's metric index is built on its first sample.
 */
export function createNormaliser(opts: {
  devices: Map<string, NormaliserDevice>;
}): (s: RawSample) => NormalisedReading {
  const metricIndex = new WeakMap<NormaliserDevice, Map<Metric, ProfileMetric>>();
  const metricsOf = (d: NormaliserDevice) => {
    let m = metricIndex.get(d);
    if (!m) metricIndex.set(d, (m = new Map(d.profile.metrics.map((pm) => [pm.metric, pm]))));
    return m;
  };
  const last = new Map<string, LastValue>();

  return (s) => {
    const device = opts.devices.get(s.sensor);
    if (!device) throw new Error(`normalise: unknown sensor "${s.sensor}" (not in the edge config)`);
    const pm = metricsOf(device).get(s.metric);
    if (!pm)
      throw new Error(`normalise: sensor "${s.sensor}" (profile ${device.profile.id}) has no metric "${s.metric}"`);
    // TypeBox types a Record over a literal union as {}; the schema guarantees this shape.
    const cal = (device.calibration as Partial<Record<Metric, { offset?: number; scale?: number }>> | undefined)?.[
      s.metric
    ];
    const value = round4(s.value * (cal?.scale ?? 1) + (cal?.offset ?? 0));

    // Frozen sensor: the raw value exactly unchanged for longer than the profile allows.
    const key = `${s.sensor}\u0000${s.metric}`;
    const prev = last.get(key);
    let since = s.ts;
    if (prev && prev.value === s.value) since = Math.min(prev.since, s.ts);
    last.set(key, { value: s.value, since });

    let quality: Quality = 'ok';
    if (s.value < pm.plausible.min || s.value > pm.plausible.max) quality = 'out-of-range';
    else if (pm.staleAfterS !== undefined && s.ts - since > pm.staleAfterS * 1000) quality = 'stale';

    const r: NormalisedReading = {
      sensor: s.sensor,
      metric: s.metric,
      value,
      ts: toIso(s.ts),
      quality,
      unit: METRIC_UNITS[s.metric],
    };
    const dur = s.dur ?? (s.metric === 'noise_laeq' ? (pm.intervalS ?? 1) : undefined);
    if (dur !== undefined) r.dur = dur;
    return r;
  };
}
