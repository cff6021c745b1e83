// Sound level arithmetic, the one copy that the rules, the stores' rollups, the evidence and the
// dashboard all use. Levels combine as energy, not as numbers (IEC 61672-1, GB/T 3785.1):
// LAeq = 10·log10(Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ), so a hall alternating 90 and 60 dB(A) each second has
// LAeq 87 dB(A), not 75. The percentile levels Ln are the levels exceeded n % of the time (L10 the
// loud peaks, L90 the background), reported beside LAeq.

/** Noise intervals default to 1 s: a noise_laeq reading integrates over its own interval, default 1 s. */
export const DEFAULT_NOISE_DUR_S = 1;

/** Histogram bin width: 0.5 dB keeps L10/L50/L90 well inside a class 2 meter's tolerance. */
export const HIST_BIN_DB = 0.5;

export interface Level {
  /** dB(A) over the interval. */
  level: number;
  /** Interval length, seconds. */
  dur: number;
}

/** Relative sound energy of a level: 10^(L/10). */
export function energy(level: number): number {
  return Math.pow(10, level / 10);
}

/** Sound energy of one interval: dur·10^(L/10). */
export function noiseEnergy(level: number, durS: number): number {
  return durS * Math.pow(10, level / 10);
}

/** The level of a relative energy, 10·log10(e); NaN when there is no energy. */
export function levelOf(e: number): number {
  return e > 0 ? 10 * Math.log10(e) : NaN;
}

/** LAeq = 10·log10(Σ dur·10^(L/10) / Σ dur), or undefined without time or energy. */
export function laeqFromEnergy(e: number, durSum: number): number | undefined {
  if (!(durSum > 0) || !(e > 0)) return undefined;
  return 10 * Math.log10(e / durSum);
}

/** Energy-mean level of time-weighted levels, or null for no time at all. */
export function laeq(levels: Iterable<Level>): number | null {
  let e = 0;
  let t = 0;
  for (const l of levels) {
    if (!Number.isFinite(l.level) || !(l.dur > 0)) continue;
    e += l.dur * energy(l.level);
    t += l.dur;
  }
  return t > 0 ? 10 * Math.log10(e / t) : null;
}

/** The level exceeded `n` % of the time (time-weighted), or null for no data. */
export function percentileLevel(levels: Level[], n: number): number | null {
  const total = levels.reduce((a, l) => a + l.dur, 0);
  if (!(total > 0)) return null;
  const sorted = [...levels].sort((a, b) => b.level - a.level);
  const target = (n / 100) * total;
  let acc = 0;
  for (const l of sorted) {
    acc += l.dur;
    if (acc > target) return l.level;
  }
  return sorted[sorted.length - 1]!.level;
}

export interface NoiseStats {
  laeq: number;
  l10: number;
  l50: number;
  l90: number;
  lmax: number;
  durationS: number;
}

/** LAeq with L10, L50, L90 and Lmax, as the evidence pack reports them; null for no data. */
export function noiseStats(levels: Level[]): NoiseStats | null {
  const eq = laeq(levels);
  if (eq === null) return null;
  return {
    laeq: eq,
    l10: percentileLevel(levels, 10)!,
    l50: percentileLevel(levels, 50)!,
    l90: percentileLevel(levels, 90)!,
    lmax: Math.max(...levels.map((l) => l.level)),
    durationS: levels.reduce((a, l) => a + l.dur, 0),
  };
}

/** Histogram bin index of a level (bin k holds levels rounding to k·HIST_BIN_DB). */
export function histBin(level: number): number {
  return Math.round(level / HIST_BIN_DB);
}

export function binLevel(bin: number): number {
  return bin * HIST_BIN_DB;
}

/** Noise level histogram: bin level (dB) -> seconds spent at that level, ascending by level. */
export interface NoiseHistogram {
  binDb: number;
  bins: Array<{ level: number; seconds: number }>;
  totalSeconds: number;
}

/**
 * Ln from a time-weighted histogram: the level exceeded n % of the time, i.e. the (100 − n)th
 * percentile of the time distribution. Lets the stores answer L10/L50/L90 from rollups.
 */
export function exceedanceLevel(h: NoiseHistogram, n: number): number | undefined {
  if (!(h.totalSeconds > 0)) return undefined;
  const target = h.totalSeconds * (1 - n / 100);
  let acc = 0;
  for (const b of h.bins) {
    acc += b.seconds;
    if (acc >= target - 1e-9) return b.level;
  }
  return h.bins.at(-1)?.level;
}

/** One live reading for a rolling window: its time (epoch ms), level and interval (default 1 s). */
export interface LevelSample {
  ts: number;
  level: number;
  dur?: number;
}

/**
 * A sliding LAeq window over live readings keyed by timestamp (a reading seen twice, from a history
 * request and the live feed, counts once). The window ends at the newest reading, so a stalled feed
 * shows the last known LAeq instead of decaying towards nothing.
 */
export class RollingLaeq {
  private readonly samples = new Map<number, Level>();
  private newest = -Infinity;

  constructor(readonly windowS: number) {}

  push(s: LevelSample): void {
    if (!Number.isFinite(s.ts) || !Number.isFinite(s.level)) return;
    this.samples.set(s.ts, { level: s.level, dur: s.dur ?? DEFAULT_NOISE_DUR_S });
    if (s.ts > this.newest) {
      this.newest = s.ts;
      const cutoff = this.newest - this.windowS * 1000;
      for (const ts of this.samples.keys()) if (ts <= cutoff) this.samples.delete(ts);
    }
  }

  /** LAeq over the window, or null before any reading. */
  value(): number | null {
    return laeq(this.samples.values());
  }

  /** Seconds of signal in the window (so a page can say "2 of 5 min" while it fills). */
  coveredS(): number {
    let total = 0;
    for (const s of this.samples.values()) total += s.dur;
    return total;
  }

  get size(): number {
    return this.samples.size;
  }
}

/**
 * The rolling windows a hall manager reads (LAeq over 1, 5, 15 and 60 min with L10/L50/L90/Lmax),
 * the same on the dashboard (live) and in GET /api/noise (from the store).
 */
export const NOISE_WINDOWS_S = [60, 300, 900, 3600] as const;

export interface NoiseWindow extends NoiseStats {
  windowS: number;
  /** The window is (end − windowS, end]: readings stamped in it count. */
  end: number;
}

/**
 * LAeq, L10, L50, L90 and Lmax of the readings stamped in (end − windowS, end]: energy mean and
 * time-weighted exceedance levels (percentileLevel), exactly, from the readings themselves (not the
 * 0.5 dB histograms of the rollups). null when none falls in the window.
 */
export function noiseWindow(samples: Iterable<LevelSample>, end: number, windowS: number): NoiseWindow | null {
  const from = end - windowS * 1000;
  const levels: Level[] = [];
  for (const s of samples)
    if (s.ts > from && s.ts <= end && Number.isFinite(s.level))
      levels.push({ level: s.level, dur: s.dur ?? DEFAULT_NOISE_DUR_S });
  const st = noiseStats(levels);
  return st ? { ...st, windowS, end } : null;
}

/**
 * Live noise of one sensor for the rolling windows: keeps an hour of readings keyed by timestamp (a
 * reading seen twice, from a history request and the live feed, counts once); every window ends at
 * the newest reading, so a stalled feed shows the last known levels instead of decaying.
 */
export class RollingNoise {
  private readonly samples = new Map<number, LevelSample>();
  private newest = -Infinity;

  constructor(readonly keepS: number = NOISE_WINDOWS_S[NOISE_WINDOWS_S.length - 1]!) {}

  push(s: LevelSample): void {
    if (!Number.isFinite(s.ts) || !Number.isFinite(s.level)) return;
    this.samples.set(s.ts, s);
    if (s.ts > this.newest) {
      this.newest = s.ts;
      const cutoff = this.newest - this.keepS * 1000;
      for (const ts of this.samples.keys()) if (ts <= cutoff) this.samples.delete(ts);
    }
  }

  /** The stats of a window ending at the newest reading, or null before any reading. */
  window(windowS: number): NoiseWindow | null {
    return Number.isFinite(this.newest) ? noiseWindow(this.samples.values(), this.newest, windowS) : null;
  }

  get size(): number {
    return this.samples.size;
  }
}
