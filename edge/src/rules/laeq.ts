// Sound level arithmetic. LAeq is the energy mean, not the arithmetic mean (IEC 61672-1,
// GB/T 3785.1): LAeq = 10·log10(Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ). Percentile levels LN are the levels
// exceeded N % of the time, reported beside LAeq in evidence (BRIEF "Noise").

export interface Level {
  /** dB(A) over the interval. */
  level: number;
  /** Interval length, seconds. */
  dur: number;
}

export function energy(level: number): number {
  return Math.pow(10, level / 10);
}

/** Energy-mean level of time-weighted levels, or null for no time at all. */
export function laeq(levels: Level[]): number | null {
  let e = 0;
  let t = 0;
  for (const l of levels) {
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
