// The signature layer of `hallmon evidence verify` (docs/evidence.md "Signatures and published
// digests"): manifest.sig.json must be the site key's Ed25519 signature of manifest.json's bytes,
// each day's link in the manifest its signature of that link, the key the one given with
// --public-key (the key printed in the PDF or listed by the district); and, given the digests the
// hall published as it sealed (--published), each day's link must be the one published. The store
// check beside it (seal/verify.ts) cannot see a day rewritten together with its seals and a
// recomputed chain; the published copy, kept outside the hall's folder, does.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValid } from '@hallmon/firmware-config';
import { DigestsAnswer, PublishedDigest } from '@hallmon/contract';
import type { Manifest, ManifestSignature } from '../evidence/pack.ts';
import { dayLinkText, keyIdOf, verifySignature } from './keys.ts';

export interface SignatureCheck {
  /** No bad signature, the expected key, and no day that differs from its published copy. */
  ok: boolean;
  /** manifest.sig.json is there. */
  signed: boolean;
  /** Its signature of manifest.json holds (null: unsigned). */
  manifestOk: boolean | null;
  keyId: string | null;
  publicKey: string | null;
  /** Days whose link signature is wrong. */
  badDays: string[];
  /** Days published with another link than the pack's (named with what differs). */
  differs: string[];
  /** Days of the pack the published digests have (checked), and those they lack. */
  publishedChecked: number;
  publishedMissing: string[];
  problems: string[];
  notes: string[];
}

/** The records of a file: GET /api/digests's answer, or a plain array of records. */
export function readPublished(file: string): PublishedDigest[] {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--published ${file}: not a JSON file (${(err as Error).message})`, { cause: err });
  }
  if (isValid(DigestsAnswer, v)) return v.digests;
  if (Array.isArray(v) && v.every((x) => isValid(PublishedDigest, x))) return v;
  throw new Error(
    `--published ${file}: neither the answer of GET /api/digests nor an array of hallmon-day-digest/1 records`,
  );
}

/** A key given on the command line: the base64 public key, or its 16-hex id. */
function keyMatches(given: string, publicKey: string): boolean {
  return /^[0-9a-f]{16}$/i.test(given) ? keyIdOf(publicKey) === given.toLowerCase() : given === publicKey;
}

export function verifySignatures(
  packDir: string,
  manifest: Manifest,
  o: { publicKey?: string; published?: PublishedDigest[] },
): SignatureCheck {
  const r: SignatureCheck = {
    ok: true,
    signed: false,
    manifestOk: null,
    keyId: null,
    publicKey: null,
    badDays: [],
    differs: [],
    publishedChecked: 0,
    publishedMissing: [],
    problems: [],
    notes: [],
  };
  const fail = (p: string) => {
    r.ok = false;
    r.problems.push(p);
  };
  const sigFile = join(packDir, 'manifest.sig.json');
  let sig: ManifestSignature | undefined;
  if (existsSync(sigFile)) {
    try {
      sig = JSON.parse(readFileSync(sigFile, 'utf8')) as ManifestSignature;
    } catch {
      fail('manifest.sig.json is not valid JSON');
    }
  }
  if (sig) {
    r.signed = true;
    r.keyId = sig.keyId;
    r.publicKey = sig.publicKey;
    const text = readFileSync(join(packDir, 'manifest.json'), 'utf8');
    if (sig.site !== manifest.site)
      fail(`manifest.sig.json is for site "${sig.site}", the manifest for "${manifest.site}"`);
    if (keyIdOf(sig.publicKey) !== sig.keyId) fail('manifest.sig.json: its keyId is not the id of its public key');
    r.manifestOk = verifySignature(sig.publicKey, text, sig.signature);
    if (!r.manifestOk)
      fail(`manifest.json is not what key ${sig.keyId} signed: the manifest was changed after it was written`);
    for (const h of manifest.chain as Array<Manifest['chain'][number] & { signature?: string }>) {
      if (h.signature === undefined) continue;
      if (!verifySignature(sig.publicKey, dayLinkText(manifest.site, h.day, h.chain), h.signature)) {
        r.badDays.push(h.day);
        fail(`day ${h.day}: its link is not what key ${sig.keyId} signed`);
      }
    }
    if (o.publicKey !== undefined && !keyMatches(o.publicKey, sig.publicKey))
      fail(`the pack is signed with key ${sig.keyId}, not the key given with --public-key`);
  } else if (o.publicKey !== undefined) fail('the pack has no manifest.sig.json: it was written without a signing key');
  else r.notes.push('the pack is not signed (no manifest.sig.json)');

  if (o.published) {
    const mine = new Map<string, PublishedDigest>();
    for (const p of o.published) {
      if (p.site !== manifest.site) continue;
      if (!verifySignature(p.publicKey, dayLinkText(p.site, p.day, p.chain), p.signature)) {
        fail(`the published digest of ${p.day} does not carry a valid signature: it is not taken`);
        continue;
      }
      mine.set(p.day, p);
    }
    for (const h of manifest.chain) {
      const p = mine.get(h.day);
      if (!p) {
        r.publishedMissing.push(h.day);
        continue;
      }
      r.publishedChecked++;
      if (r.publicKey && p.publicKey !== r.publicKey)
        fail(`day ${h.day} was published with key ${p.keyId}, the pack is signed with key ${r.keyId}`);
      if (p.chain !== h.chain) {
        const what = [
          p.digest !== h.digest ? 'readings' : '',
          (p.rollupDigest ?? undefined) !== (h as { rollupDigest?: string }).rollupDigest ? 'minute rollups' : '',
          (p.recordsDigest ?? undefined) !== (h as { recordsDigest?: string }).recordsDigest ? 'events' : '',
          (p.auditDigest ?? undefined) !== (h as { auditDigest?: string }).auditDigest ? 'audit trail' : '',
        ].filter(Boolean);
        r.differs.push(h.day);
        fail(
          `day ${h.day}: the local copy was rewritten: its link ${h.chain.slice(0, 12)}… differs from the one published at sealing (${p.chain.slice(0, 12)}…, sealed ${p.sealedAt})${what.length ? `; different: ${what.join(', ')}` : '; an earlier day changed the chain'}`,
        );
      }
    }
    if (r.publishedMissing.length)
      r.notes.push(
        `${r.publishedMissing.length} day(s) of the pack are not among the published digests (not sealed yet, or not published): ${r.publishedMissing[0]}${r.publishedMissing.length > 1 ? ` … ${r.publishedMissing.at(-1)}` : ''}`,
      );
  }
  return r;
}
