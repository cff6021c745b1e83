// Each site's Ed25519 signing key (docs/evidence.md "Signatures and published digests"): the key
// that signs every day's chain link and every pack's manifest, so that a copy of a day's digests
// kept outside the hall (the district server, a route) and the pack itself can be checked against
// the site's public key printed in the PDF. One PKCS#8 PEM file per site in the keys folder (mode
// 0600), made on first use. Keep that folder OUT of the data folder (--signing-keys): whoever holds
// the private key can sign a rewritten day.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SiteKey {
  site: string;
  /** The first 16 hex characters of SHA-256 of the raw public key: a short name to compare. */
  keyId: string;
  /** The raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  /** Signs a text (UTF-8); base64 signature. Ed25519 is deterministic: the same text, the same signature. */
  sign(text: string): string;
}

export const ALGORITHM = 'Ed25519';

/** A key's id from its raw public key (base64). */
export function keyIdOf(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex').slice(0, 16);
}

/** Whether `signature` (base64) is the Ed25519 signature of `text` by the raw public key (base64). */
export function verifySignature(publicKey: string, text: string, signature: string): boolean {
  try {
    const raw = Buffer.from(publicKey, 'base64');
    if (raw.length !== 32) return false;
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    return verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export class SigningKeys {
  private readonly cache = new Map<string, SiteKey>();

  constructor(readonly dir: string) {}

  /** The site's key, made (and saved) on first use. */
  forSite(site: string): SiteKey {
    const hit = this.cache.get(site);
    if (hit) return hit;
    if (!/^[a-z0-9-]{1,40}$/.test(site)) throw new Error(`not a site id: "${site}"`);
    const file = join(this.dir, `${site}.ed25519.pem`);
    let pem: string;
    if (existsSync(file)) pem = readFileSync(file, 'utf8');
    else {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
      chmodSync(file, 0o600);
    }
    let priv;
    try {
      priv = createPrivateKey(pem);
    } catch (err) {
      throw new Error(`${file} is not an Ed25519 private key (PKCS#8 PEM): ${(err as Error).message}`, { cause: err });
    }
    const x = createPublicKey(priv).export({ format: 'jwk' }).x;
    if (!x) throw new Error(`${file} is not an Ed25519 key`);
    const publicKey = Buffer.from(x, 'base64url').toString('base64');
    const key: SiteKey = {
      site,
      keyId: keyIdOf(publicKey),
      publicKey,
      sign: (text) => sign(null, Buffer.from(text, 'utf8'), priv).toString('base64'),
    };
    this.cache.set(site, key);
    return key;
  }
}

/** What a day's signature signs: the site, the day and its chain link (which commits to every digest). */
export function dayLinkText(site: string, day: string, chain: string): string {
  return `hallmon-day-link/1\n${site}\n${day}\n${chain}\n`;
}
