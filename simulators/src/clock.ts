// A simulated clock for live simulators: starts at a chosen instant (now, or a scenario's --at)
// and runs at `speed` times real time, so an afternoon's incident can be watched in minutes.
import { realClock, type Clock } from './signal.ts';

export interface SimClockOptions {
  /** Simulated time at the moment the clock is created, epoch ms (default: real now). */
  start?: number;
  /** 1 = real time, N = N times faster (default 1). */
  speed?: number;
  /** The real clock it follows (tests may pass their own). */
  real?: Clock;
}

export class SimClock implements Clock {
  readonly speed: number;
  readonly start: number;
  private readonly real: Clock;
  private readonly realStart: number;

  constructor(opts: SimClockOptions = {}) {
    this.real = opts.real ?? realClock;
    this.speed = opts.speed ?? 1;
    if (!(this.speed > 0) || !Number.isFinite(this.speed))
      throw new RangeError(`clock speed must be a positive number (got ${this.speed})`);
    this.realStart = this.real.now();
    this.start = opts.start ?? this.realStart;
  }

  now(): number {
    return Math.floor(this.start + (this.real.now() - this.realStart) * this.speed);
  }

  /** Real milliseconds until the simulated clock reaches `simMs` (0 when already past). */
  realDelayUntil(simMs: number): number {
    return Math.max(0, (simMs - this.now()) / this.speed);
  }
}
