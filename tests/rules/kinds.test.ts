// The rule-kind registry: every kind of the catalogue schema has its spec under its own name, the
// binding creates exactly the instances the specs say (one per watched device, one per zone), the
// metrics a spec reads are ones its sensor measures, the kinds the live engines leave to the
// server's follow-up tracker are those the specs name, and the evidence fast path replays every
// hour of a sensor whose rule's kind has no quiet test.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import {
  deviceProfile,
  loadCatalogue,
  loadProfiles,
  RULE_KINDS,
  shippedCalendar,
  type Metric,
} from '@hallmon/firmware-config';
import {
  findRuleKind,
  kindsJudgedBy,
  kindsNotForEngines,
  ruleKind,
  RuleEngine,
  type HourSummary,
  type RuleInstance,
} from '@hallmon/rules';
import { ActiveHours, suspiciousHours } from '../../server/src/evidence/quiet-hours.ts';
import { siteSchedule } from '../../server/src/evidence/period.ts';
import { at, demoSite, makeEngine } from './fixture.ts';

const catalogue = loadCatalogue();
const profiles = loadProfiles();

test('every kind of the catalogue schema is registered under its own name; unknown names are not', () => {
  for (const k of RULE_KINDS) assert.equal(ruleKind(k).kind, k);
  assert.equal(findRuleKind('laeq-window'), ruleKind('laeq-window'));
  assert.equal(findRuleKind('no-such-kind'), undefined);
  assert.equal(findRuleKind('toString'), undefined, 'a name from the object prototype is not a kind');
});

test('the binding makes the instances the specs say: one per watched device, one per zone', () => {
  const site = demoSite();
  const engine = makeEngine();
  const expected: string[] = [];
  for (const zone of site.zones)
    for (const c of catalogue.clauses)
      for (const rule of c.rules) {
        if (!rule.zoneKinds.includes(zone.kind)) continue;
        const spec = ruleKind(rule.kind);
        if (spec.scope === 'zone') expected.push(`${rule.id}:${zone.id}`);
        else
          for (const d of zone.devices)
            if (spec.watches(rule, deviceProfile(profiles, d))) expected.push(`${rule.id}:${d.id}`);
      }
  assert.deepEqual(engine.rules.map((r) => r.key).sort(), expected.sort());
  // Every kind the demo site can use is bound somewhere, so the comparison covers them all.
  assert.deepEqual(new Set(engine.rules.map((r) => r.bound.rule.kind)), new Set(RULE_KINDS));
  for (const r of engine.rules) {
    const device = site.zones.flatMap((z) => z.devices).find((d) => d.id === r.bound.sensor);
    const measured = (device ? deviceProfile(profiles, device)?.metrics : undefined)?.map((m) => m.metric) ?? [];
    for (const m of ruleKind(r.bound.rule.kind).reads(r.bound.rule, measured))
      assert.ok(measured.includes(m), `${r.key} reads ${m}, which its device does not measure`);
  }
});

test("live engines leave the server's own judges' kinds out by default, and only those", () => {
  assert.deepEqual(kindsJudgedBy('followup-tracker'), ['bad-rating-followup', 'followup-rate']);
  assert.deepEqual(kindsJudgedBy('entry-register'), ['unregistered-entry']);
  assert.deepEqual(kindsNotForEngines().sort(), ['bad-rating-followup', 'followup-rate', 'unregistered-entry']);
  const live = new RuleEngine({
    site: demoSite(),
    catalogue,
    calendar: shippedCalendar(),
    profiles,
    excludeKinds: kindsNotForEngines(),
  });
  assert.ok(!live.rules.some((r) => ruleKind(r.bound.rule.kind).liveBy !== 'engine'));
  assert.ok(live.rules.some((r) => r.bound.rule.kind === 'evaluation-rate'));
  assert.ok(live.rules.some((r) => r.bound.rule.kind === 'state'));
});

test('fast path: a rule whose kind has no quiet test has every hour replayed; one with a test only its suspicious hours', () => {
  const site = demoSite();
  const h0 = at('2025-05-06 00:00');
  const n = 24;
  const full = (v: number): HourSummary => {
    const col = (x: number) => new Float64Array(n).fill(x);
    return {
      h0,
      n,
      minutes: col(60),
      valued: col(60),
      count: col(60),
      min: col(v),
      max: col(v),
      sum: col(60 * v),
      vmin: col(v),
      vmax: col(v),
      energy: col(0),
      lmax: col(NaN),
    };
  };
  const hours = new Map<Metric, HourSummary>([
    ['temperature', full(23)],
    ['humidity', full(45)],
  ]);
  const active = new ActiveHours(siteSchedule(site), h0, n);
  const dayKeys = () => ['2025-05-06', '2025-05-06'] as [string, string];
  const mr = makeEngine().rules.filter((r) => r.bound.sensor === 'mr-th-1');
  assert.ok(
    mr.length >= 5 && mr.every((r) => ruleKind(r.bound.rule.kind).quiet),
    'the machine-room rules all have quiet tests',
  );
  assert.equal(
    suspiciousHours(mr, hours, active, dayKeys).reduce((a, x) => a + x, 0),
    0,
    'steady values inside every limit: nothing to replay',
  );
  // One hot hour: the temperature rules find it (and the hour after it, where the excursion ends).
  hours.get('temperature')!.vmax[10] = 30;
  const hot = suspiciousHours(mr, hours, active, dayKeys);
  assert.equal(hot[10], 1);
  assert.equal(hot[3], 0);
  // A kind without a quiet test (queue-wait is never bound to a sensor) makes every hour suspicious.
  const queue = makeEngine().rules.find((r) => r.bound.rule.kind === 'queue-wait')!;
  assert.equal(ruleKind('queue-wait').quiet, undefined);
  const withQueue: RuleInstance[] = [...mr, queue];
  assert.ok(suspiciousHours(withQueue, hours, active, dayKeys).every((x) => x === 1));
});
