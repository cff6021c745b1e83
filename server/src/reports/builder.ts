// Builds one scheduled pack into its folder under `${dataDir}/reports/`, reporting how far it is
// (replay, tables, the files, the PDF) as it goes: a site's pack is the evidence pack of the period
// (evidence.pdf, evidence.json, csv/ and manifest.json with the day chain; without the minute CSVs,
// which `hallmon evidence` writes on demand), a district pack the district PDF and JSON of every
// site's scorecard for the period.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { DeviceProfile, SiteConfig } from '@hallmon/firmware-config';
import type { Scorecard } from '@hallmon/contract';
import type { Store } from '../store/store.ts';
import type { SealState } from '../state/state.ts';
import type { EvidenceService } from '../evidence/service.ts';
import { writePack } from '../evidence/pack.ts';
import { districtPdf } from '../scorecard/district-pdf.ts';
import { districtOf } from '../scorecard/district.ts';
import type { ReportRow } from './report-db.ts';
import type { SigningKeys } from '../signing/keys.ts';

export interface BuildDeps {
  svc: EvidenceService;
  store: Store;
  sites: ReadonlyMap<string, SiteConfig>;
  profiles: Map<string, DeviceProfile>;
  seals?: SealState;
  keys?: SigningKeys;
  /** `${dataDir}/reports`. */
  root: string;
}

export type BuildProgress = (phase: string, fraction: number) => void;

/** Builds the pack of a row; resolves its files (paths relative to its folder, with sizes). */
export async function buildReport(
  row: ReportRow,
  d: BuildDeps,
  progress: BuildProgress,
): Promise<Array<{ name: string; size: number }>> {
  const dir = join(d.root, row.folder);
  mkdirSync(dir, { recursive: true });
  if (row.scope === 'district') {
    const sites = [...d.sites.values()];
    const cards: Scorecard[] = [];
    for (const [i, site] of sites.entries()) {
      progress(`scorecard ${site.id}`, (0.9 * i) / Math.max(1, sites.length));
      cards.push((await d.svc.build(site, row.firstDay, row.lastDay)).scorecard);
    }
    progress('pdf', 0.9);
    const view = districtOf(d.svc, sites, cards, row.period, row.firstDay, row.lastDay);
    writeFileSync(join(dir, 'district.json'), `${JSON.stringify({ view, scorecards: cards }, null, 2)}\n`);
    writeFileSync(join(dir, 'district.pdf'), await districtPdf(view, cards, row.title));
  } else {
    const site = d.sites.get(row.scope);
    if (!site) throw new Error(`site "${row.scope}" is no longer configured on this server`);
    const pack = await d.svc.build(site, row.firstDay, row.lastDay, (phase, f) => progress(phase, 0.7 * f));
    await writePack({
      pack,
      store: d.store,
      site,
      profiles: d.profiles,
      dir,
      minuteData: false,
      ...(d.seals ? { seals: d.seals } : {}),
      ...(d.keys ? { signer: d.keys.forSite(site.id) } : {}),
      onProgress: (phase, f) => progress(phase, 0.7 + 0.3 * f),
    });
  }
  return filesOf(dir);
}

function filesOf(dir: string): Array<{ name: string; size: number }> {
  const out: Array<{ name: string; size: number }> = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push({ name: relative(dir, full).split(sep).join('/'), size: statSync(full).size });
    }
  };
  walk(dir);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
