// GET /api/noise: the hall's rolling noise windows for one sensor (LAeq over 1, 5, 15 and 60 min with
// L10/L50/L90/Lmax), computed from the stored readings by the rules package's noiseWindow, the same
// math the dashboard runs on the live feed. Readings of an RS-485 transmitter are "indicative".
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.ts';

export const NOISE_WINDOW_NAMES = ['1m', '5m', '15m', '60m'] as const;
export type NoiseWindowName = (typeof NOISE_WINDOW_NAMES)[number];
export const NoiseWindowName = Type.Union(NOISE_WINDOW_NAMES.map((w) => Type.Literal(w)));

export const NoiseWindowStats = Type.Object({
  window: NoiseWindowName,
  windowS: Type.Integer(),
  /** The window is (from, to]: readings stamped in it count. */
  from: IsoTime,
  to: IsoTime,
  /** dB(A); null when no reading fell in the window. */
  laeq: Nullable(Type.Number()),
  l10: Nullable(Type.Number()),
  l50: Nullable(Type.Number()),
  l90: Nullable(Type.Number()),
  lmax: Nullable(Type.Number()),
  /** Seconds of signal in the window (less than windowS while data is missing). */
  coveredS: Type.Number(),
});
export type NoiseWindowStats = Static<typeof NoiseWindowStats>;

export const NoiseAnswer = Type.Object({
  site: Type.String(),
  sensor: Type.String(),
  /** A transmitter's smoothed level, not a certified LAeq (the profile says so). */
  indicative: Type.Boolean(),
  /** Where the windows end: `to` when asked, else the newest reading (null: none in the last day). */
  end: Nullable(IsoTime),
  windows: Type.Array(NoiseWindowStats),
});
export type NoiseAnswer = Static<typeof NoiseAnswer>;
