// followup-rate: a rate of the bad-rating follow-ups against its target (limits.min, %): replies on
// time (the 2025 standard 6.1.3), fixes completed in time (6.1.4), satisfied callbacks (6.1.5) and
// real-name bad ratings answered (DB31/T 862-2021 10.1.4 "实名差评回复率应达到100%"). They are
// computed from what people recorded on the server (who answered, fixed and called back, and when),
// not from the devices' stream, so a rule engine keeps no state for them: the server's follow-up
// records judge them (server/src/followups/rates.ts), and live engines leave the kind out.
import type { RuleDef } from '@hallmon/firmware-config/core';
import type { Bound } from '../types.ts';
import { BaseRule } from './base.ts';
import type { RuleKindSpec } from './spec.ts';

/** Bound like every rule, so the evidence sees the clause's rule; its figures come from the records. */
export class FollowupRateRule extends BaseRule<Record<string, never>> {
  constructor(b: Bound) {
    super(b, {});
  }

  time(): void {}
}

/** The target of a followup-rate rule, % (the catalogue loader checks every such rule names one). */
export const rateTarget = (rule: Pick<RuleDef, 'limits'>): number => rule.limits?.min ?? 100;

export const followupRateKind: RuleKindSpec<'followup-rate'> = {
  kind: 'followup-rate',
  scope: 'zone',
  create: (b) => new FollowupRateRule(b),
  reads: () => [],
  liveBy: 'followup-tracker',
  evidence: { basis: 'followup-rates', openAtEnd: 'none', monthlyLimit: rateTarget },
};
