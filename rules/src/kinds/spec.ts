// What hallmon knows about a rule kind, kept with the kind: how its rule instances are bound and
// made, what the evidence pack needs from it and how it shows there, and what the pack's fast path
// needs to know that an hour cannot hold one of its excursions. Every kind module exports one;
// kinds/index.ts is the registry the binding, the evidence and the server ask by kind.
import type { DeviceProfile, FindingKind, Metric, RuleDef, RuleKind } from '@hallmon/firmware-config/core';
import type { QuietTest } from '../quiet-hours.ts';
import type { Bound, RuleInstance } from '../types.ts';

/** How the evidence pack uses a kind's rules. */
export interface KindEvidence {
  /**
   * What a clause of this kind is judged on in the pack, and so which tables it gets:
   * - 'readings': the sensor series the rule reads: coverage, gaps, daily and monthly min/mean/max;
   * - 'noise': the same, with the noise table (LAeq, L10/L50/L90, Lmax) as its daily and monthly rows;
   * - 'events': the excursions the engine finds in counter events, nothing else (queue targets);
   * - 'rate': the monthly evaluation rate, over opening days;
   * - 'followups': the "1、5、15" deadlines, judged from what people recorded, not from the engine;
   * - 'faults': device faults per device and month; the verdict is on the faults.
   * - 'states': the state inputs (water, smoke, door, mains, UPS, AC), replayed from their stored
   *   changes: coverage of the state series and a table of state events with their acknowledgements;
   *   a state event (a mains cut the UPS carried) is a record, not a failure of the clause;
   * - 'entries': door openings against the entry register (机房登记), judged by the server's register,
   *   not by an engine; an unregistered opening fails the clause;
   * - 'detector': what a detector of the counter events found (its records name their finding),
   *   over the opening days the counter devices reported on; the verdict is on the findings.
   * - 'followup-rates': a rate of the follow-ups (on-time replies, fixes, callbacks) from what people
   *   recorded, against the rule's target.
   */
  readonly basis:
    | 'readings'
    | 'noise'
    | 'events'
    | 'rate'
    | 'followups'
    | 'faults'
    | 'states'
    | 'entries'
    | 'detector'
    | 'followup-rates';
  /**
   * What an alarm of this kind still raised at the period end is: an excursion (cut there), a gap
   * still open, a device fault not yet repaired, or nothing (its own table judges it).
   */
  readonly openAtEnd: 'excursion' | 'gap' | 'fault' | 'none';
  /** The limit the clause's monthly figure is judged against (the evaluation rate, %). */
  monthlyLimit?(rule: Pick<RuleDef, 'limits'>): number;
  /** A detector: what each of its findings means, in Chinese then English (the pack's section lists them). */
  readonly findings?: Partial<Record<FindingKind, { zh: string; en: string }>>;
  /** The PDF draws the rule's limits as lines on its clause's daily min/mean/max chart. */
  readonly limitLines?: boolean;
}

interface KindCommon<K extends RuleKind> {
  readonly kind: K;
  create(bound: Bound): RuleInstance;
  /** The metrics of a sensor the rule reads, of all the sensor measures (`metrics`). */
  reads(rule: RuleDef, metrics: readonly Metric[]): Metric[];
  /** A silence longer than this (ms) is a gap of the sensor and ends its open excursions. */
  silenceMs?(rule: RuleDef): number;
  /**
   * Who judges it live: a rule engine (the edge, or the server for gateway sites), the server's
   * follow-up tracker, where people record the answer and the fix, or the server's entry register,
   * which holds the visits a door opening is checked against (live engines leave both out).
   */
  readonly liveBy: 'engine' | 'followup-tracker' | 'entry-register';
  readonly evidence: KindEvidence;
  /** The evidence fast path's test; without one every hour of a sensor with this rule is replayed. */
  readonly quiet?: QuietTest;
}

/**
 * 'device': one instance per device of the zone that the rule `watches` (its metrics, its class);
 * 'zone': one per zone, fed the events of all the zone's devices (counter statistics).
 */
export type RuleKindSpec<K extends RuleKind = RuleKind> = KindCommon<K> &
  (
    | { readonly scope: 'zone' }
    | { readonly scope: 'device'; watches(rule: RuleDef, profile: DeviceProfile | undefined): boolean }
  );

/** Whether a device profile measures a metric. */
export function measures(profile: DeviceProfile | undefined, metric: Metric | undefined): boolean {
  return metric !== undefined && !!profile?.metrics.some((x) => x.metric === metric);
}

/** A rule of one metric (its `metric`) reads that metric, if the rule names one. */
export const ownMetric = (rule: RuleDef): Metric[] => (rule.metric ? [rule.metric] : []);
