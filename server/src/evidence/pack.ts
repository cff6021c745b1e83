// Writes an evidence pack folder: evidence.json, evidence.pdf, csv/*.csv (summary, one per clause,
// faults, follow-ups, acknowledgements, the audit trail) and csv/minutes/*.csv (the minute data behind it), plus
// manifest.json listing every file with its SHA-256 and size and the day digests and chain links of
// the period, so `hallmon evidence verify` can show the pack and the stored data are unaltered.
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { once } from 'node:events';
import { nextDay, type DeviceProfile, type SiteConfig } from '@hallmon/firmware-config';
import type { Store } from '../store/store.ts';
import { chainLink, dayDigests, GENESIS } from '../seal/digest.ts';
import type { SealState } from '../state/state.ts';
import { sealDays } from '../seal/seal-days.ts';
import { siteSchedule } from './period.ts';
import { toJson } from './to-json.ts';
import { clauseCsv, listCsv, minuteCsv, summaryCsv } from './to-csv.ts';
import { toPdf } from './to-pdf.ts';
import { ALGORITHM, dayLinkText, type SiteKey } from '../signing/keys.ts';
import type { ChainHead, EvidencePack, Progress } from './types.ts';

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
}

/**
 * A day of the manifest's chain. rollupDigest (seal format 2): the digest of the day's minute
 * rollups, which verify uses once the raw readings are pruned; absent for days sealed in format 1.
 * recordsDigest and records (seal format 3): the digest and count of the day's device events and
 * status changes; absent for days sealed in format 1 or 2. auditDigest and auditEntries (seal
 * format 4): the digest and count of the day's audit-trail entries; absent before format 4.
 */
export type ManifestHead = ChainHead & {
  rollupDigest?: string;
  recordsDigest?: string;
  records?: number;
  auditDigest?: string;
  auditEntries?: number;
  /**
   * The site's Ed25519 signature of the day's link (signing/keys.ts dayLinkText), when the pack was
   * written with the site's key: a layer over the link, whatever its format.
   */
  signature?: string;
};

/**
 * /4 packs carry audit digests in their links, which a /3 verifier would call broken, so the
 * string changed again; verify still reads /1, /2 and /3 packs.
 */
export const MANIFEST_FORMAT = 'hallmon-evidence-pack/4';

export interface Manifest {
  /**
   * /1: raw digests only; /2: days may carry rollupDigest; /3: days may also carry recordsDigest;
   * /4: days may also carry auditDigest.
   */
  format: 'hallmon-evidence-pack/1' | 'hallmon-evidence-pack/2' | 'hallmon-evidence-pack/3' | typeof MANIFEST_FORMAT;
  site: string;
  from: string;
  to: string;
  firstDay: string;
  lastDay: string;
  generatedAt: string;
  softwareVersion: string;
  files: ManifestFile[];
  /** Chain link of the day before firstDay (64 zeros at the start of the site's chain). */
  previousChain: string;
  chain: ManifestHead[];
}

export interface WritePackOptions {
  pack: EvidencePack;
  store: Store;
  site: SiteConfig;
  profiles: Map<string, DeviceProfile>;
  dir: string;
  /** The server's seal table: closed days are sealed (first value kept) and their links used. */
  seals?: SealState;
  /** Minute CSVs per series (default true; a year is ~525,600 rows per series). */
  minuteData?: boolean;
  onProgress?: Progress;
  now?: () => number;
  /**
   * The site's signing key: each day's link is signed in the manifest, the manifest in
   * manifest.sig.json, and the PDF prints the public key (docs/evidence.md "Signatures").
   */
  signer?: SiteKey;
}

/** The detached signature of manifest.json's bytes (manifest.sig.json beside it). */
export interface ManifestSignature {
  format: 'hallmon-manifest-signature/1';
  site: string;
  algorithm: typeof ALGORITHM;
  keyId: string;
  publicKey: string;
  signature: string;
}

/** Day digests and chain links of the pack's days: sealed links where sealed, else computed now. */
export async function chainHeads(
  o: Pick<WritePackOptions, 'pack' | 'store' | 'site' | 'profiles' | 'seals' | 'now'>,
): Promise<{ previousChain: string; heads: ManifestHead[] }> {
  const { pack, store, site, profiles, seals } = o;
  const schedule = siteSchedule(site);
  if (seals) await sealDays(store, seals, site, profiles, pack.lastDay, { now: o.now });
  const heads: ManifestHead[] = [];
  let prev = GENESIS;
  const before = await seals?.get(site.id, prevDay(pack.firstDay));
  if (before) prev = before.chain;
  const previousChain = prev;
  for (let day = pack.firstDay; day <= pack.lastDay; day = nextDay(day)) {
    const s = await seals?.get(site.id, day);
    if (s) {
      const head: ManifestHead = {
        day,
        digest: s.digest,
        chain: s.chain,
        readings: s.readings,
        alarms: s.alarms,
        sealedAt: new Date(s.sealedAt).toISOString(),
      };
      if (s.rollupDigest !== null) head.rollupDigest = s.rollupDigest;
      if (s.recordsDigest !== null) {
        head.recordsDigest = s.recordsDigest;
        head.records = s.records ?? 0;
      }
      if (s.auditDigest !== null) {
        head.auditDigest = s.auditDigest;
        head.auditEntries = s.auditEntries ?? 0;
      }
      heads.push(head);
      prev = s.chain;
      continue;
    }
    // A day not sealed yet (still open): computed now, with the data dir's audit trail when known.
    const d = await dayDigests(store, site, profiles, schedule, day, seals?.audit);
    prev = chainLink(prev, d.digest, d.rollupDigest, d.recordsDigest, d.auditDigest);
    const head: ManifestHead = {
      day,
      digest: d.digest,
      rollupDigest: d.rollupDigest,
      recordsDigest: d.recordsDigest,
      chain: prev,
      readings: d.readings,
      alarms: d.alarms,
      records: d.records,
      sealedAt: null,
    };
    if (d.auditDigest !== null) {
      head.auditDigest = d.auditDigest;
      head.auditEntries = d.auditEntries ?? 0;
    }
    heads.push(head);
  }
  return { previousChain, heads };
}

export function prevDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

export async function writePack(o: WritePackOptions): Promise<Manifest> {
  const { pack, store, dir } = o;
  const progress = o.onProgress ?? (() => {});
  mkdirSync(o.minuteData === false ? join(dir, 'csv') : join(dir, 'csv', 'minutes'), { recursive: true });
  progress('seal', 0);
  const { previousChain, heads } = await chainHeads(o);
  if (o.signer) {
    const k = o.signer;
    for (const h of heads) h.signature = k.sign(dayLinkText(pack.site, h.day, h.chain));
    pack.signingKey = { algorithm: ALGORITHM, keyId: k.keyId, publicKey: k.publicKey };
  }
  pack.chainHeads = heads;
  const written: string[] = [];
  const hashed = new Map<string, ManifestFile>();
  const put = (rel: string, data: string | Buffer) => {
    const full = join(dir, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data);
    written.push(rel);
  };
  put('evidence.json', toJson(pack));
  put('csv/summary.csv', summaryCsv(pack));
  put(
    'csv/scorecard.csv',
    listCsv(pack.scorecard.lines, [
      'clause',
      'title',
      'titleEn',
      'group',
      'figure',
      'unit',
      'threshold',
      'coverage',
      'verdict',
      'findings',
      'points',
      'pointsAtRisk',
      'deductionTotal',
      'target',
      'reason',
    ]),
  );
  for (const c of pack.clauses) put(`csv/clause-${c.clause}.csv`, clauseCsv(c));
  put(
    'csv/environment-service.csv',
    listCsv(pack.environmentService.hours, [
      'start',
      'end',
      'hour',
      'laeq',
      'co2',
      'temperature',
      'tickets',
      'meanWaitMin',
      'badRatings',
    ]),
  );
  put(
    'csv/device-faults.csv',
    listCsv(pack.deviceFaults, [
      'device',
      'start',
      'end',
      'month',
      'faultInMonth',
      'exceedsMonthlyLimit',
      'repairWorkingDays',
      'repairDeadline',
      'repairOverdue',
      'source',
      'detail',
    ]),
  );
  put(
    'csv/clock-faults.csv',
    listCsv(pack.clockFaults, ['edge', 'severity', 'start', 'end', 'worstOffsetS', 'detail']),
  );
  put(
    'csv/followups.csv',
    listCsv(pack.followups, [
      'device',
      'window',
      'score',
      'ratedAt',
      'day',
      'answerDeadline',
      'simpleDeadline',
      'complexDeadline',
      'ticket',
      'respondedAt',
      'resolvedAt',
      'complex',
      'lastCallbackAt',
      'satisfied',
      'missedDeadlineAlarm',
    ]),
  );
  put(
    'csv/alarm-acks.csv',
    listCsv(
      [...pack.alarmAcks, ...pack.selfTests],
      ['id', 'clause', 'rule', 'sensor', 'severity', 'startedAt', 'clearedAt', 'ackedBy', 'ackedAt', 'ackNote'],
    ),
  );
  put(
    'csv/chain.csv',
    listCsv(heads, [
      'day',
      'digest',
      'rollupDigest',
      'recordsDigest',
      'auditDigest',
      'chain',
      'readings',
      'alarms',
      'records',
      'auditEntries',
      'sealedAt',
    ]),
  );
  put(
    'csv/audit.csv',
    listCsv(
      pack.auditTrail.map((e) => ({ ...e, detail: JSON.stringify(e.detail) })),
      ['id', 'ts', 'actor', 'action', 'site', 'target', 'ip', 'ok', 'detail'],
    ),
  );
  progress('csv', 0);
  if (o.minuteData !== false) {
    const from = Date.parse(pack.from);
    const to = Date.parse(pack.to);
    let i = 0;
    for (const s of pack.series) {
      const rel = `csv/minutes/${safe(s.sensor)}__${s.metric}.csv`;
      const out = createWriteStream(join(dir, rel));
      // Hashed as written: the manifest needs no second pass over ~800 MB of minute files.
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of minuteCsv(store, pack.site, s.sensor, s.metric, from, to)) {
        const b = Buffer.from(chunk, 'utf8');
        hash.update(b);
        size += b.length;
        if (!out.write(b)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      written.push(rel);
      hashed.set(rel, { path: rel, sha256: hash.digest('hex'), size });
      progress('csv', ++i / pack.series.length);
    }
  }
  progress('pdf', 0);
  put('evidence.pdf', await toPdf(pack));
  progress('pdf', 1);
  const files = written.sort().map((rel) => hashed.get(rel) ?? fileEntry(dir, rel));
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    site: pack.site,
    from: pack.from,
    to: pack.to,
    firstDay: pack.firstDay,
    lastDay: pack.lastDay,
    generatedAt: pack.generatedAt,
    softwareVersion: pack.softwareVersion,
    files,
    previousChain,
    chain: heads,
  };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(join(dir, 'manifest.json'), text);
  if (o.signer) {
    const sig: ManifestSignature = {
      format: 'hallmon-manifest-signature/1',
      site: pack.site,
      algorithm: ALGORITHM,
      keyId: o.signer.keyId,
      publicKey: o.signer.publicKey,
      signature: o.signer.sign(text),
    };
    writeFileSync(join(dir, 'manifest.sig.json'), `${JSON.stringify(sig, null, 2)}\n`);
  }
  return manifest;
}

export function fileEntry(dir: string, rel: string): ManifestFile {
  const full = join(dir, rel);
  return { path: relative(dir, full).split(sep).join('/'), sha256: sha256File(full), size: statSync(full).size };
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9_.-]/g, '_');
}
