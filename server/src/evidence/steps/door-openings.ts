// The entry register's part of the pack (机房登记, clause 5.2.2 "非机房工作人员因工作需要进入机房时，先进行
// 登记，由网管陪同方可进入"): every opening of a watched door in the period, from the stored door_open
// changes, against the visits people registered (the server's visits.db), matched by the rules
// package's coveringVisit with the rule's grace, the same matching as the live check. Unregistered
// openings come first, then those registered after the fact, then the rest, each in time order.
import { STATE_HOLD_S, toIso } from '@hallmon/firmware-config';
import { coveringVisit, DEFAULT_ENTRY_GRACE_S, doorOpenings, ruleKind } from '@hallmon/rules';
import type { DoorOpening, EvidenceVisit } from '../types.ts';
import type { BuildInputs, EvidenceInput } from './inputs.ts';

/** The door openings per clause (the clauses with an 'entries' rule). */
export async function doorOpeningRows(input: EvidenceInput, b: BuildInputs): Promise<Map<string, DoorOpening[]>> {
  const out = new Map<string, DoorOpening[]>();
  const visits = input.visits ?? [];
  const spans = visits.map((v) => ({ id: v.id, inAt: v.inAt, outAt: v.outAt, createdAt: v.createdAt }));
  const byId = new Map(visits.map((v) => [v.id, v]));
  for (const r of b.engine.rules) {
    const rule = r.bound.rule;
    if (ruleKind(rule.kind).evidence.basis !== 'entries') continue;
    const metric = rule.metric ?? 'door_open';
    const graceMs = (rule.params?.graceS ?? DEFAULT_ENTRY_GRACE_S) * 1000;
    const rows = await input.store.readRaw({
      site: input.site.id,
      sensor: r.bound.sensor,
      metric,
      from: b.from - STATE_HOLD_S * 1000,
      to: b.to,
    });
    const ok = rows.filter((x) => x.quality === 'ok');
    const before = ok.filter((x) => x.ts < b.from).at(-1)?.value ?? null;
    const openings = doorOpenings(
      r.bound.sensor,
      ok.filter((x) => x.ts >= b.from),
      before === null ? null : before >= 0.5 ? 1 : 0,
    );
    const list = out.get(r.bound.clause) ?? [];
    for (const o of openings) {
      const verdict = coveringVisit(o.start, spans, graceMs);
      const v = verdict.visit ? byId.get(verdict.visit.id)! : null;
      list.push({
        sensor: o.sensor,
        start: toIso(o.start),
        end: o.end === null ? null : toIso(o.end),
        durationS: o.end === null ? null : (o.end - o.start) / 1000,
        registered: v !== null,
        late: verdict.late,
        visit: v ? entry(v) : null,
      });
    }
    out.set(r.bound.clause, list);
  }
  const rank = (o: DoorOpening) => (!o.registered ? 0 : o.late ? 1 : 2);
  for (const list of out.values())
    list.sort((a, b) => rank(a) - rank(b) || a.start.localeCompare(b.start) || a.sensor.localeCompare(b.sensor));
  return out;
}

function entry(v: EvidenceVisit): NonNullable<DoorOpening['visit']> {
  return {
    id: v.id,
    visitor: v.visitor,
    organisation: v.organisation,
    reason: v.reason,
    escort: v.escort,
    inAt: toIso(v.inAt),
    outAt: v.outAt === null ? null : toIso(v.outAt),
    createdAt: toIso(v.createdAt),
  };
}
