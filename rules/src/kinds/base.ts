// Common plumbing of the rule kinds: a stable key and plain-JSON state that snapshot/restore copy.
import type { Metric } from '@hallmon/firmware-config/core';
import { Tracker, type TrackerState } from '../excursion.ts';
import type { Bound, Out, RuleInstance } from '../types.ts';

export abstract class BaseRule<S extends object> implements RuleInstance {
  readonly key: string;

  constructor(
    readonly bound: Bound,
    protected s: S,
  ) {
    this.key = `${bound.rule.id}:${bound.sensor}`;
  }

  abstract time(t: number, out: Out): void;

  save(): unknown {
    return structuredClone(this.s);
  }

  /** State comes from this engine's own snapshot (the engine checks site and version first). */
  load(state: unknown): void {
    if (state && typeof state === 'object' && !Array.isArray(state)) this.s = structuredClone(state) as S;
    this.reattach();
  }

  /** Kinds that hand parts of their state to helpers re-point them after load. */
  protected reattach(): void {}
}

/**
 * A kind whose excursions are tracked by one Tracker (range, LAeq window, rate of change, dew point):
 * the tracker works on the `tr` part of the rule's state, so restore re-points it and time passes
 * straight through to it.
 */
export abstract class TrackedRule<S extends { tr: TrackerState }> extends BaseRule<S> {
  protected tr: Tracker;

  constructor(bound: Bound, state: S, metric: Metric | undefined) {
    super(bound, state);
    this.tr = new Tracker(bound, metric, this.s.tr);
  }

  protected override reattach(): void {
    this.tr.s = this.s.tr;
  }

  time(t: number, out: Out): void {
    this.tr.time(t, out);
  }
}
