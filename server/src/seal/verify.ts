// verifyPack: checks an evidence pack folder against itself and the store. Every file listed in
// manifest.json must have its SHA-256 and size; every day's digest is recomputed from the store and
// must equal the pack's; the chain links must follow from the digests; and when the server's seal
// table is given, the pack's links must equal the sealed ones. Names the altered file or day.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { isValid, type DeviceProfile, type SiteConfig } from '@hallmon/firmware-config';
import type { Store } from '../store/store.ts';
import { siteSchedule } from '../evidence/period.ts';
import { sha256File, type Manifest } from '../evidence/pack.ts';
import { chainLink, dayDigest } from './digest.ts';
import type { SealStore } from './seal-store.ts';

const ManifestSchema = Type.Object({
  format: Type.Literal('hallmon-evidence-pack/1'),
  site: Type.String(),
  firstDay: Type.String(),
  lastDay: Type.String(),
  files: Type.Array(Type.Object({ path: Type.String(), sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }), size: Type.Integer() })),
  previousChain: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  chain: Type.Array(Type.Object({ day: Type.String(), digest: Type.String(), chain: Type.String(), readings: Type.Integer(), alarms: Type.Integer() })),
});

export interface VerifyResult {
  ok: boolean;
  site: string;
  filesChecked: number;
  daysChecked: number;
  /** Files whose hash or size differ from the manifest, or that are missing. */
  alteredFiles: string[];
  /** Days whose stored data no longer give the pack's digest (or whose link is broken). */
  alteredDays: string[];
  problems: string[];
}

export function readManifest(packDir: string): Manifest {
  const file = join(packDir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`${packDir} is not an evidence pack: manifest.json is missing`);
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (!isValid(ManifestSchema, m)) throw new Error(`${file} is not a hallmon evidence manifest (format hallmon-evidence-pack/1)`);
  return m as Manifest;
}

export async function verifyPack(
  packDir: string,
  store: Store,
  o: { site: SiteConfig; profiles: Map<string, DeviceProfile>; seals?: SealStore; onDay?: (i: number, n: number) => void },
): Promise<VerifyResult> {
  const m = readManifest(packDir);
  if (m.site !== o.site.id) throw new Error(`the pack is for site "${m.site}", not "${o.site.id}"`);
  const r: VerifyResult = { ok: true, site: m.site, filesChecked: 0, daysChecked: 0, alteredFiles: [], alteredDays: [], problems: [] };
  for (const f of m.files) {
    r.filesChecked++;
    const full = join(packDir, f.path);
    if (!existsSync(full)) {
      r.alteredFiles.push(f.path);
      r.problems.push(`${f.path}: missing from the pack`);
      continue;
    }
    if (statSync(full).size !== f.size || sha256File(full) !== f.sha256) {
      r.alteredFiles.push(f.path);
      r.problems.push(`${f.path}: SHA-256 differs from manifest.json (the file was changed)`);
    }
  }
  const schedule = siteSchedule(o.site);
  let prev = m.previousChain;
  let i = 0;
  for (const h of m.chain) {
    r.daysChecked++;
    const d = await dayDigest(store, o.site, o.profiles, schedule, h.day);
    if (d.digest !== h.digest) {
      r.alteredDays.push(h.day);
      r.problems.push(`${h.day}: the stored data no longer match the pack (${d.readings} readings and ${d.alarms} alarms now, ${h.readings} and ${h.alarms} when packed)`);
    } else if (chainLink(prev, h.digest) !== h.chain) {
      r.alteredDays.push(h.day);
      r.problems.push(`${h.day}: the chain link in manifest.json does not follow from the previous day (the manifest was edited)`);
    }
    const sealed = o.seals?.get(m.site, h.day);
    if (sealed && sealed.chain !== h.chain && !r.alteredDays.includes(h.day)) {
      r.alteredDays.push(h.day);
      r.problems.push(`${h.day}: the pack's chain link differs from the server's seal of that day`);
    }
    prev = h.chain;
    o.onDay?.(++i, m.chain.length);
  }
  r.ok = r.alteredFiles.length === 0 && r.alteredDays.length === 0;
  return r;
}
