// What the pack asks of the rule kinds (@hallmon/rules kinds/index.ts) about the catalogue's rules:
// the spec of the kind of a rule named in a record or an alarm, and what a clause is judged on.
// Records and alarms name their rule by id; the catalogue says which kind that rule is.
import type { ClauseCatalogue, RuleDef } from '@hallmon/firmware-config';
import { ruleKind, type KindEvidence, type RuleKindSpec } from '@hallmon/rules';

export type Basis = KindEvidence['basis'];
type ClauseDef = ClauseCatalogue['clauses'][number];

export interface CatalogueKinds {
  /** The spec of the kind of a catalogue rule, by rule id; undefined for a rule not in the catalogue. */
  ofRule(id: string): RuleKindSpec | undefined;
  /** Whether a catalogue rule (by id) is judged on `basis`. */
  isOn(id: string, basis: Basis): boolean;
  /** The catalogue's rules judged on `basis`, in catalogue order. */
  rulesOn(basis: Basis): RuleDef[];
}

export function catalogueKinds(catalogue: ClauseCatalogue): CatalogueKinds {
  const rules = catalogue.clauses.flatMap((c) => c.rules);
  const byId = new Map(rules.map((r) => [r.id, ruleKind(r.kind)] as const));
  return {
    ofRule: (id) => byId.get(id),
    isOn: (id, basis) => byId.get(id)?.evidence.basis === basis,
    rulesOn: (basis) => rules.filter((r) => ruleKind(r.kind).evidence.basis === basis),
  };
}

/** What the rules of a clause are judged on. */
export function basesOf(c: ClauseDef): Set<Basis> {
  return new Set(c.rules.map((r) => ruleKind(r.kind).evidence.basis));
}
