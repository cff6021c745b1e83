// Binds the clause catalogue to a site: applies named limit profiles and per-site/per-zone overrides
// to each rule, then creates, through its kind's spec (kinds/index.ts), one rule instance per device
// of the zone the kind watches (by the metrics or the class of its profile), or one per zone for the
// counter statistics.
import {
  ConfigError,
  deviceProfile,
  type ClauseCatalogue,
  type DeviceProfile,
  type Limits,
  type RuleDef,
  type RuleKind,
  type SiteConfig,
  type SiteDevice,
  type WorkingCalendar,
  type Zone,
} from '@hallmon/firmware-config/core';
import type { Static } from '@sinclair/typebox';
import { ruleKind } from './kinds/index.ts';
import { Schedule } from './schedule.ts';
import type { Bound, FollowupKeeper, RuleInstance } from './types.ts';

type LimitsT = Static<typeof Limits>;

/** A site's change to a catalogue rule, for the whole site or one zone (zone id). */
export interface RuleOverride {
  rule: string;
  zone?: string;
  limits?: LimitsT;
  minDurationS?: number;
  windowS?: number;
  thresholdS?: number;
  params?: Record<string, number>;
}

/** Use one of the catalogue's named limit sets (e.g. machine-room-legacy-2008-class-c), optionally for one zone. */
export interface LimitProfileUse {
  profile: string;
  zone?: string;
}

export interface BindOptions {
  site: SiteConfig;
  catalogue: ClauseCatalogue;
  calendar: WorkingCalendar;
  profiles: Map<string, DeviceProfile>;
  /** Default: the site config's own `overrides`. */
  overrides?: RuleOverride[];
  /** Default: the site config's own `limitProfiles`. */
  limitProfiles?: LimitProfileUse[];
  /** Rule kinds not bound here because another component judges them (e.g. the server's follow-up tracker). */
  excludeKinds?: RuleKind[];
}

export interface DeviceInfo {
  device: SiteDevice;
  zone: Zone;
  profile: DeviceProfile | undefined;
}

export interface Binding {
  devices: Map<string, DeviceInfo>;
  /** Rule instances fed by one sensor/device's readings, status and time. */
  byKey: Map<string, RuleInstance[]>;
  /** Zone-level counter rules, fed by the events of their zone's devices and ticked by the watermark. */
  zoneRules: RuleInstance[];
  zoneRulesByDevice: Map<string, RuleInstance[]>;
  followups: Array<RuleInstance & FollowupKeeper>;
  /** The zone gap rule's threshold per sensor, ms (excursions end at gaps longer than this). */
  zoneGapMs: Map<string, number>;
}

/**
 * One side of a limit: an override that moves `max` without naming `clearMax` keeps the catalogue's
 * hysteresis width (27 / 26.5 moved to 28 clears at 27.5); a side the override does not name is kept.
 */
export function mergeLimits(base: LimitsT | undefined, over: LimitsT): LimitsT {
  const out: LimitsT = {};
  const side = (lim: 'max' | 'min', clr: 'clearMax' | 'clearMin') => {
    if (over[lim] !== undefined) {
      out[lim] = over[lim];
      if (over[clr] !== undefined) out[clr] = over[clr];
      else if (base?.[lim] !== undefined && base[clr] !== undefined) out[clr] = over[lim]! - (base[lim]! - base[clr]!);
    } else if (base?.[lim] !== undefined) {
      out[lim] = base[lim];
      if (base[clr] !== undefined) out[clr] = base[clr];
    }
  };
  side('max', 'clearMax');
  side('min', 'clearMin');
  return out;
}

/** The overrides in force: the options' own, else the site config's. */
function overridesOf(o: BindOptions): RuleOverride[] {
  return o.overrides ?? o.site.overrides ?? [];
}

function limitProfilesOf(o: BindOptions): LimitProfileUse[] {
  return o.limitProfiles ?? o.site.limitProfiles ?? [];
}

function checkOverrides(o: BindOptions): void {
  const file = 'rule overrides';
  const rules = new Set(o.catalogue.clauses.flatMap((c) => c.rules.map((r) => r.id)));
  const zones = new Set(o.site.zones.map((z) => z.id));
  const problems: Array<{ file: string; path: string; message: string }> = [];
  limitProfilesOf(o).forEach((p, i) => {
    if (!o.catalogue.profiles?.[p.profile])
      problems.push({
        file,
        path: `/limitProfiles/${i}/profile`,
        message: `unknown limit profile "${p.profile}" (known: ${Object.keys(o.catalogue.profiles ?? {}).join(', ') || 'none'})`,
      });
    if (p.zone !== undefined && !zones.has(p.zone))
      problems.push({ file, path: `/limitProfiles/${i}/zone`, message: `site "${o.site.id}" has no zone "${p.zone}"` });
  });
  overridesOf(o).forEach((ov, i) => {
    if (!rules.has(ov.rule))
      problems.push({
        file,
        path: `/overrides/${i}/rule`,
        message: `unknown rule "${ov.rule}"; use a rule id from the clause catalogue`,
      });
    if (ov.zone !== undefined && !zones.has(ov.zone))
      problems.push({ file, path: `/overrides/${i}/zone`, message: `site "${o.site.id}" has no zone "${ov.zone}"` });
  });
  if (problems.length) throw new ConfigError(problems);
}

/** The rule as it applies in one zone: catalogue, then limit profiles, then overrides (site-wide before zone). */
export function effectiveRule(def: RuleDef, zoneId: string, o: BindOptions): RuleDef {
  let r: RuleDef = structuredClone(def);
  const applies = (zone?: string) => zone === undefined || zone === zoneId;
  const ordered = <T extends { zone?: string }>(xs: T[]) => [
    ...xs.filter((x) => x.zone === undefined),
    ...xs.filter((x) => x.zone !== undefined),
  ];
  for (const use of ordered(limitProfilesOf(o)).filter((u) => applies(u.zone)))
    for (const p of o.catalogue.profiles?.[use.profile] ?? [])
      if (p.rule === def.id) r.limits = mergeLimits(r.limits, p.limits);
  for (const ov of ordered(overridesOf(o)).filter((x) => x.rule === def.id && applies(x.zone))) {
    r = {
      ...r,
      ...(ov.limits ? { limits: mergeLimits(r.limits, ov.limits) } : {}),
      ...(ov.minDurationS !== undefined ? { minDurationS: ov.minDurationS } : {}),
      ...(ov.windowS !== undefined ? { windowS: ov.windowS } : {}),
      ...(ov.thresholdS !== undefined ? { thresholdS: ov.thresholdS } : {}),
      ...(ov.params ? { params: { ...r.params, ...ov.params } } : {}),
    };
  }
  return r;
}

/**
 * The part of a binding that depends on the options only: checked overrides, the site's schedule and
 * each zone's effective rules. Engines made from one plan share these (never mutated by the rule
 * kinds); each engine still gets its own rule instances and state. The server's evidence replay
 * makes a fresh engine per replayed segment, thousands a year, from one plan per sensor.
 */
export interface BindPlan {
  readonly schedule: Schedule;
  /** Effective rule per zone id and catalogue rule definition. */
  readonly rules: Map<string, Map<RuleDef, RuleDef>>;
}

export function planBinding(o: BindOptions): BindPlan {
  checkOverrides(o);
  const rules = new Map<string, Map<RuleDef, RuleDef>>();
  for (const zone of o.site.zones) {
    const mine = new Map<RuleDef, RuleDef>();
    for (const clause of o.catalogue.clauses)
      for (const def of clause.rules)
        if (def.zoneKinds.includes(zone.kind) && !o.excludeKinds?.includes(def.kind))
          mine.set(def, effectiveRule(def, zone.id, o));
    rules.set(zone.id, mine);
  }
  return { schedule: new Schedule(o.site.timezone, o.site.openingHours, o.site.summer), rules };
}

/** Binds the rules; `plan` (from planBinding with the same options) skips resolving them again. */
export function bindRules(o: BindOptions, plan: BindPlan = planBinding(o)): Binding {
  const schedule = plan.schedule;
  const b: Binding = {
    devices: new Map(),
    byKey: new Map(),
    zoneRules: [],
    zoneRulesByDevice: new Map(),
    followups: [],
    zoneGapMs: new Map(),
  };
  const add = (key: string, r: RuleInstance) => {
    const list = b.byKey.get(key) ?? [];
    list.push(r);
    b.byKey.set(key, list);
  };
  for (const zone of o.site.zones) {
    const classes = new Map<string, DeviceProfile['deviceClass']>();
    for (const device of zone.devices) {
      const profile = deviceProfile(o.profiles, device);
      b.devices.set(device.id, { device, zone, profile });
      b.byKey.set(device.id, []);
      if (profile) classes.set(device.id, profile.deviceClass);
    }
    for (const clause of o.catalogue.clauses) {
      for (const def of clause.rules) {
        const rule = plan.rules.get(zone.id)?.get(def);
        if (!rule) continue;
        const bound = (sensor: string): Bound => ({
          site: o.site.id,
          clause: clause.id,
          rule,
          sensor,
          zone,
          schedule,
          calendar: o.calendar,
          classes,
        });
        const spec = ruleKind(rule.kind);
        if (spec.scope === 'zone') {
          const r = spec.create(bound(zone.id));
          if (keepsFollowups(r)) b.followups.push(r);
          b.zoneRules.push(r);
          for (const d of zone.devices) b.zoneRulesByDevice.set(d.id, [...(b.zoneRulesByDevice.get(d.id) ?? []), r]);
          continue;
        }
        for (const d of zone.devices) {
          if (!spec.watches(rule, b.devices.get(d.id)!.profile)) continue;
          add(d.id, spec.create(bound(d.id)));
          if (spec.silenceMs) b.zoneGapMs.set(d.id, spec.silenceMs(rule));
        }
      }
    }
  }
  return b;
}

function keepsFollowups(r: RuleInstance): r is RuleInstance & FollowupKeeper {
  return 'has' in r && 'openFollowups' in r && 'resolve' in r;
}
