// How the machine room's state inputs read on the 动环 panel: for each state metric, which value is
// the alarm (mains_ok and ac_running alarm at 0, the rest at 1), and whether a reading is still
// current. A state series is kept as its changes with a refresh every 5 min (docs/contract.md "State
// metrics"): a reading older than the hold (15 min) says nothing about now, so it shows as unknown.
import type { Metric } from '@hallmon/firmware-config/core';

/** The state metrics in panel order (mirrors firmware-config STATE_METRICS; that module is not for the bundle). */
export const STATE_ORDER = ['water_leak', 'smoke', 'door_open', 'mains_ok', 'ups_on_battery', 'ac_running'] as const;
export type StateMetric = (typeof STATE_ORDER)[number];

/** The UPS figures shown beside the states. */
export const UPS_FIGURES = ['ups_battery_pct', 'ups_load_pct', 'ups_runtime_min'] as const;

/** A state reading is current for 15 min (three 5-minute refreshes): firmware-config STATE_HOLD_S. */
export const STATE_HOLD_MS = 15 * 60_000;

const ALARM_AT: Record<StateMetric, 0 | 1> = {
  water_leak: 1,
  smoke: 1,
  door_open: 1,
  mains_ok: 0,
  ups_on_battery: 1,
  ac_running: 0,
};

export function isStateMetric(m: Metric): m is StateMetric {
  return (STATE_ORDER as readonly string[]).includes(m);
}

/** alarm: in its alarm state; ok: not; unknown: no reading, or none within the hold. */
export type StateLook = 'ok' | 'alarm' | 'unknown';

export function stateLook(
  metric: StateMetric,
  reading: { value: number; ts: string } | undefined,
  now: number,
): StateLook {
  if (!reading || now - Date.parse(reading.ts) > STATE_HOLD_MS) return 'unknown';
  return reading.value === ALARM_AT[metric] ? 'alarm' : 'ok';
}
