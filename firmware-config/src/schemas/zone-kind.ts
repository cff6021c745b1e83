// The fixed zone kinds (docs/contract.md "Vocabulary"): they decide which clauses apply to a zone.
// A module of its own so that the site, clause and edge-config schemas can all import it.
import { Type } from '@sinclair/typebox';

export const ZONE_KINDS = ['hall', 'machine-room', 'archive-room', 'other'] as const;
export const ZoneKind = Type.Union(ZONE_KINDS.map((k) => Type.Literal(k)));
export type ZoneKind = (typeof ZONE_KINDS)[number];
