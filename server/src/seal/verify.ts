// verifyPack: checks an evidence pack folder against itself and the store. Every file listed in
// manifest.json must have its SHA-256 and size; every day's digest is recomputed from the store and
// must equal the pack's; the chain links must follow from the digests; and when the server's seal
// table is given, the pack's links must equal the sealed ones. Names the altered file or day.
// Days whose raw readings were pruned (older than the raw retention) are checked against their
// sealed minute-rollup digest instead (format 2 and 3); a format-1 day has none and is reported as not
// re-verifiable, never as altered. Days sealed in format 3 also have their device events and status
// changes (never pruned) recomputed against the records digest, and days sealed in format 4 their
// audit-trail entries (never pruned) against the audit digest. See docs/evidence.md "Tamper evidence".
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { isValid, type DeviceProfile, type SiteConfig } from '@hallmon/firmware-config';
import type { Store } from '../store/store.ts';
import { DEFAULT_RETENTION_DAYS, retentionCutoff } from '../store/index.ts';
import { siteSchedule } from '../evidence/period.ts';
import { sha256File, type Manifest } from '../evidence/pack.ts';
import {
  auditDigest,
  chainLink,
  dayDigestV1,
  rawDigest,
  recordsDigest,
  rollupDigest,
  type AuditSource,
} from './digest.ts';
import type { SealState } from '../state/state.ts';

const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });
const ManifestSchema = Type.Object({
  format: Type.Union([
    Type.Literal('hallmon-evidence-pack/1'),
    Type.Literal('hallmon-evidence-pack/2'),
    Type.Literal('hallmon-evidence-pack/3'),
    Type.Literal('hallmon-evidence-pack/4'),
  ]),
  site: Type.String(),
  firstDay: Type.String(),
  lastDay: Type.String(),
  files: Type.Array(Type.Object({ path: Type.String(), sha256: Hex64, size: Type.Integer() })),
  previousChain: Hex64,
  chain: Type.Array(
    Type.Object({
      day: Type.String(),
      digest: Type.String(),
      rollupDigest: Type.Optional(Hex64),
      recordsDigest: Type.Optional(Hex64),
      auditDigest: Type.Optional(Hex64),
      chain: Type.String(),
      readings: Type.Integer(),
      alarms: Type.Integer(),
      records: Type.Optional(Type.Integer()),
      auditEntries: Type.Optional(Type.Integer()),
    }),
  ),
});

/**
 * How a day was checked: against its raw readings; against its sealed minute rollups because its
 * raw readings are pruned; not at all because it is pruned and was sealed before rollup digests
 * existed (format 1); or found altered.
 */
export type DayCheck = 'raw' | 'rollup' | 'unverifiable' | 'altered';

export interface VerifyResult {
  /** No file and no day altered (days that cannot be re-verified do not make it false). */
  ok: boolean;
  site: string;
  format: Manifest['format'];
  filesChecked: number;
  daysChecked: number;
  /** Files whose hash or size differ from the manifest, or that are missing. */
  alteredFiles: string[];
  /** Days whose stored data no longer give the pack's digest (or whose link is broken). */
  alteredDays: string[];
  /** Pruned days sealed in format 1: nothing left to recompute their digest from. */
  unverifiableDays: string[];
  /** Days whose events and status changes were recomputed against a records digest (format 3). */
  recordsChecked: number;
  /** Days whose audit-trail entries were recomputed against an audit digest (format 4). */
  auditChecked: number;
  /** Every day of the pack and how it was checked, in order. */
  days: Array<{ day: string; check: DayCheck }>;
  /** Raw readings before this time (epoch ms) may have been pruned. */
  rawFrom: number;
  problems: string[];
}

export interface VerifyOptions {
  site: SiteConfig;
  profiles: Map<string, DeviceProfile>;
  seals?: SealState;
  /** The audit trail to recompute format-4 days from; default the seal table's (the same data dir). */
  audit?: AuditSource;
  onDay?: (i: number, n: number) => void;
  /**
   * Raw readings older than this (epoch ms) may have been pruned: the server's retention cut.
   * Default: retentionCutoff(now, 400 days), the server's default --retention-days.
   */
  rawFrom?: number;
  now?: () => number;
}

export function readManifest(packDir: string): Manifest {
  const file = join(packDir, 'manifest.json');
  if (!existsSync(file)) throw new Error(`${packDir} is not an evidence pack: manifest.json is missing`);
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (!isValid(ManifestSchema, m))
    throw new Error(`${file} is not a hallmon evidence manifest (format hallmon-evidence-pack/1 to /4)`);
  return m as Manifest;
}

export async function verifyPack(packDir: string, store: Store, o: VerifyOptions): Promise<VerifyResult> {
  const m = readManifest(packDir);
  if (m.site !== o.site.id) throw new Error(`the pack is for site "${m.site}", not "${o.site.id}"`);
  const rawFrom = o.rawFrom ?? retentionCutoff((o.now ?? Date.now)(), DEFAULT_RETENTION_DAYS);
  const audit = o.audit ?? o.seals?.audit;
  if (!audit && m.chain.some((h) => h.auditDigest !== undefined))
    throw new Error(
      "the pack seals the audit trail day by day: verify it against the server's data dir, which holds audit.db (--data-dir)",
    );
  const r: VerifyResult = {
    ok: true,
    site: m.site,
    format: m.format,
    filesChecked: 0,
    daysChecked: 0,
    recordsChecked: 0,
    auditChecked: 0,
    alteredFiles: [],
    alteredDays: [],
    unverifiableDays: [],
    days: [],
    rawFrom,
    problems: [],
  };
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
  const cutText = new Date(rawFrom).toISOString();
  let prev = m.previousChain;
  let i = 0;
  for (const h of m.chain) {
    r.daysChecked++;
    if (h.recordsDigest !== undefined) r.recordsChecked++;
    if (h.auditDigest !== undefined) r.auditChecked++;
    let { check, problem } = await checkDay(
      store,
      { ...o, audit },
      schedule,
      h,
      prev,
      schedule.dayStart(h.day) < rawFrom,
      cutText,
    );
    const sealed = await o.seals?.get(m.site, h.day);
    if (check !== 'altered' && sealed && sealed.chain !== h.chain) {
      check = 'altered';
      problem = "the pack's chain link differs from the server's seal of that day";
    }
    if (problem) r.problems.push(`${h.day}: ${problem}`);
    if (check === 'altered') r.alteredDays.push(h.day);
    if (check === 'unverifiable') r.unverifiableDays.push(h.day);
    r.days.push({ day: h.day, check });
    prev = h.chain;
    o.onDay?.(++i, m.chain.length);
  }
  r.ok = r.alteredFiles.length === 0 && r.alteredDays.length === 0;
  return r;
}

type Head = Manifest['chain'][number];

/**
 * One day: its link, its records (format 3), then its readings recomputed from the store. Pruning
 * removes raw rows of days before the cut and never changes or adds one, so a day falls back to its
 * sealed rollups only when it lies before the cut (pastCut) AND fewer raw readings are left than
 * were sealed. Events and status changes are never pruned: their digest is always recomputed.
 */
async function checkDay(
  store: Store,
  o: VerifyOptions,
  schedule: ReturnType<typeof siteSchedule>,
  h: Head,
  prev: string,
  pastCut: boolean,
  cut: string,
): Promise<{ check: DayCheck; problem?: string }> {
  if (
    (h.recordsDigest !== undefined && h.rollupDigest === undefined) ||
    (h.auditDigest !== undefined && h.recordsDigest === undefined)
  )
    return {
      check: 'altered',
      problem:
        'the day in manifest.json has a records digest without a rollup digest, or an audit digest without a records digest (the manifest was edited)',
    };
  if (chainLink(prev, h.digest, h.rollupDigest, h.recordsDigest, h.auditDigest) !== h.chain)
    return {
      check: 'altered',
      problem: 'the chain link in manifest.json does not follow from the previous day (the manifest was edited)',
    };
  const readings = await checkReadings(store, o, schedule, h, pastCut, cut);
  const problems = readings.problem ? [readings.problem] : [];
  if (h.recordsDigest !== undefined) {
    const rec = await recordsDigest(store, o.site, schedule, h.day);
    const was = h.records === undefined ? '' : `, ${h.records} when packed`;
    if (rec.digest !== h.recordsDigest)
      problems.push(
        `the stored device events or status changes (ratings, tickets, device faults, data gaps, online/offline) no longer match the pack (${rec.events} events and ${rec.statuses} status changes now${was})`,
      );
  }
  if (h.auditDigest !== undefined && o.audit) {
    const a = await auditDigest(o.audit, o.site.id, schedule, h.day);
    const was = h.auditEntries === undefined ? '' : `, ${h.auditEntries} when packed`;
    if (a.digest !== h.auditDigest)
      problems.push(
        `the audit trail (sign-ins, acknowledgements, follow-up steps, downloads, user changes) no longer matches the pack (${a.entries} entries now${was})`,
      );
  }
  if (problems.length === (readings.problem ? 1 : 0)) return readings;
  return { check: 'altered', problem: problems.join('; ') };
}

/** The day's readings: against the raw digest, or once pruned against the sealed rollup digest. */
async function checkReadings(
  store: Store,
  o: VerifyOptions,
  schedule: ReturnType<typeof siteSchedule>,
  h: Head,
  pastCut: boolean,
  cut: string,
): Promise<{ check: DayCheck; problem?: string }> {
  const v2 = h.rollupDigest !== undefined;
  const d = v2
    ? await rawDigest(store, o.site, o.profiles, schedule, h.day)
    : await dayDigestV1(store, o.site, o.profiles, schedule, h.day);
  if (d.digest === h.digest) return { check: 'raw' };
  if (!pastCut || d.readings >= h.readings) return { check: 'altered', problem: rawMismatch(d, h, pastCut, cut) };
  if (!v2)
    return {
      check: 'unverifiable',
      problem: `cannot be re-verified: its raw readings were pruned (${d.readings} of ${h.readings} left, retention cut ${cut}) and it was sealed before minute-rollup digests existed (format 1), so nothing sealed is left to check it against`,
    };
  const roll = await rollupDigest(store, o.site, o.profiles, schedule, h.day);
  if (roll.digest === h.rollupDigest) return { check: 'rollup' };
  return {
    check: 'altered',
    problem: `raw readings pruned (${d.readings} of ${h.readings} left) and the stored minute rollups no longer match the sealed rollup digest (${roll.minutes} minutes and ${roll.alarms} alarms now)`,
  };
}

function rawMismatch(
  d: { readings: number; alarms: number },
  h: { readings: number; alarms: number },
  pastCut: boolean,
  cut: string,
): string {
  const base = `the stored data no longer match the pack (${d.readings} readings and ${d.alarms} alarms now, ${h.readings} and ${h.alarms} when packed)`;
  // Rows missing inside the retention: deleted, or pruned by a server with a shorter retention.
  if (!pastCut && d.readings < h.readings)
    return `${base}; raw readings are missing although the day is inside the raw retention (cut ${cut}): if the server prunes with a shorter --retention-days, pass the same value to verify`;
  return base;
}
