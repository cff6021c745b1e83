// Trend ranges for the room pages: 24 h / 7 d / 30 d / custom, read from the aggregate API at 1m for
// up to 2 days (2,880 points) and 1h beyond (a 30-day range is 720 hourly buckets; a custom month at
// 1m would be 43,200 and the chart handles that too, but 1h answers faster and carries min/max).

export type RangeKey = '24h' | '7d' | '30d' | 'custom';
export type Step = '1m' | '1h';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const RANGE_MS: Record<Exclude<RangeKey, 'custom'>, number> = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY };

export function stepFor(fromMs: number, toMs: number): Step {
  return toMs - fromMs <= 2 * DAY ? '1m' : '1h';
}

export const STEP_MS: Record<Step, number> = { '1m': 60_000, '1h': HOUR };

export interface Range {
  from: number;
  to: number;
  step: Step;
}

export function presetRange(key: Exclude<RangeKey, 'custom'>, now: number): Range {
  const from = now - RANGE_MS[key];
  return { from, to: now, step: stepFor(from, now) };
}

/** A custom range, or an error key when it is not usable (the API bounds aggregates at 400 days). */
export function customRange(
  from: number | null,
  to: number | null,
): Range | { error: 'range-invalid' | 'range-too-long' } {
  if (from === null || to === null || !(to > from)) return { error: 'range-invalid' };
  if (to - from > 400 * DAY) return { error: 'range-too-long' };
  return { from, to, step: stepFor(from, to) };
}
