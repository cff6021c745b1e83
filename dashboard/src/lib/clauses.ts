// The clause catalogue, bundled at build time from firmware-config (the same file the edge and the
// server judge with), so every rule the dashboard names carries its clause number and the limits
// drawn on charts are the catalogue's. Per-site limit overrides are not shown (docs/dashboard.md).
import type { ClauseCatalogue, RuleDef, Clause } from '@hallmon/firmware-config/core';
import type { SiteInfo } from '@hallmon/contract';
import { Schedule } from '@hallmon/rules';
import catalogueJson from '../../../firmware-config/clauses/catalogue.json';

export const catalogue = catalogueJson as unknown as ClauseCatalogue;

const ruleIndex = new Map<string, { clause: Clause; rule: RuleDef }>();
for (const clause of catalogue.clauses) for (const rule of clause.rules) ruleIndex.set(rule.id, { clause, rule });

export function findRule(ruleId: string): { clause: Clause; rule: RuleDef } | undefined {
  return ruleIndex.get(ruleId);
}

export function findClause(id: string): Clause | undefined {
  return catalogue.clauses.find((c) => c.id === id);
}

function en(lang: string): boolean {
  return lang.startsWith('en');
}

/** "1.3.3 听觉环境" / "1.3.3 Acoustic environment". Unknown clauses show their id. */
export function clauseLabel(clauseId: string, lang: string): string {
  const c = findClause(clauseId);
  if (!c) return clauseId;
  return `${c.id} ${en(lang) ? c.titleEn : c.title}`;
}

/** A rule's title in the UI language, without the clause. */
export function ruleTitle(ruleId: string, lang: string): string {
  const hit = ruleIndex.get(ruleId);
  if (!hit) return ruleId;
  return en(lang) ? hit.rule.titleEn : hit.rule.title;
}

/** "1.3.3 听觉环境 · 大厅噪声 LAeq,5min 超过 80 dB(A)". */
export function ruleLabel(clauseId: string, ruleId: string, lang: string): string {
  return `${clauseLabel(clauseId, lang)} · ${ruleTitle(ruleId, lang)}`;
}

export interface Limits {
  min?: number;
  max?: number;
  clearMin?: number;
  clearMax?: number;
}

export function ruleLimits(ruleId: string): Limits {
  return ruleIndex.get(ruleId)?.rule.limits ?? {};
}

/** Whether an instant falls in the site's summer season, by the rules' own schedule (site-local day). */
export function isSummer(site: Pick<SiteInfo, 'timezone' | 'openingHours' | 'summer'>, atMs: number): boolean {
  return new Schedule(site.timezone, site.openingHours, site.summer).dayInfo(atMs).summer;
}

/** The hall climate rule that applies today (GB/T 18883-2022 limits differ by season). */
export function hallRuleFor(metric: 'temperature' | 'humidity', summer: boolean): string {
  return `hall-${metric}-${summer ? 'summer' : 'winter'}`;
}
