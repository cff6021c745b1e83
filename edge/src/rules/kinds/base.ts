// Common plumbing of the rule kinds: a stable key and plain-JSON state that snapshot/restore copy.
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
