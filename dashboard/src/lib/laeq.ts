// Noise levels combine as energy, not as numbers: LAeq = 10·log10( Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ )
// (IEC 61672-1, GB/T 3785.1). The hall page keeps a rolling LAeq,5min from live 1 s readings so the
// manager sees the quantity clause 1.3.3 is judged on ("不持续高于80分贝"), not a jumpy raw value.

export interface LevelSample {
  /** Epoch ms of the reading. */
  ts: number;
  /** dB(A). */
  level: number;
  /** Seconds the level integrates over (default 1 s, CONTRACT noise_laeq). */
  dur?: number;
}

/** Energy mean of levels weighted by their durations; null when there is nothing to average. */
export function energyMean(samples: Iterable<{ level: number; dur?: number }>): number | null {
  let energy = 0;
  let total = 0;
  for (const s of samples) {
    const d = s.dur ?? 1;
    if (!Number.isFinite(s.level) || !(d > 0)) continue;
    energy += d * 10 ** (s.level / 10);
    total += d;
  }
  return total > 0 ? 10 * Math.log10(energy / total) : null;
}

/**
 * A sliding window of levels keyed by timestamp (a reading seen twice, e.g. from the seed request
 * and the live feed, counts once). The window ends at the newest reading, so a stalled feed shows
 * the last known LAeq rather than decaying towards nothing.
 */
export class RollingLaeq {
  private readonly samples = new Map<number, LevelSample>();
  private newest = -Infinity;

  constructor(readonly windowS: number) {}

  push(s: LevelSample): void {
    if (!Number.isFinite(s.ts) || !Number.isFinite(s.level)) return;
    this.samples.set(s.ts, s);
    if (s.ts > this.newest) {
      this.newest = s.ts;
      this.prune();
    }
  }

  private prune(): void {
    const cutoff = this.newest - this.windowS * 1000;
    for (const ts of this.samples.keys()) if (ts <= cutoff) this.samples.delete(ts);
  }

  /** LAeq over the window, or null before any reading. */
  value(): number | null {
    return energyMean(this.samples.values());
  }

  /** Seconds of signal in the window (so the UI can say "2 of 5 min" while it fills). */
  coveredS(): number {
    let total = 0;
    for (const s of this.samples.values()) total += s.dur ?? 1;
    return total;
  }

  get size(): number {
    return this.samples.size;
  }
}
