// unregistered-entry: a machine-room door opened with no visit in the entry register covering it
// (clause 5.2.2 "非机房工作人员因工作需要进入机房时，先进行登记，由网管陪同方可进入"). The register lives
// on the server (POST /api/visits), so the server's entry register judges it live ("未登记进入机房",
// server/src/visits/) and the evidence pack lists every opening against the register (entries.ts
// holds the matching both use). params.graceS (default 300): a visit registered up to that long
// after the door opened still covers the opening. An engine binds the rule to the door sensors but
// records nothing for it: the visits are not part of the sensor stream.
import type { Out } from '../types.ts';
import { BaseRule } from './base.ts';
import { measures, type RuleKindSpec } from './spec.ts';

export const DEFAULT_ENTRY_GRACE_S = 300;

class JudgedByRegister extends BaseRule<Record<string, never>> {
  time(_t: number, _out: Out): void {}
}

export const unregisteredEntryKind: RuleKindSpec<'unregistered-entry'> = {
  kind: 'unregistered-entry',
  scope: 'device',
  watches: (rule, profile) => measures(profile, rule.metric ?? 'door_open'),
  create: (b) => new JudgedByRegister(b, {}),
  reads: (rule, metrics) => metrics.filter((m) => m === (rule.metric ?? 'door_open')),
  liveBy: 'entry-register',
  evidence: { basis: 'entries', openAtEnd: 'none' },
};
