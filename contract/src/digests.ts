// The day digests a hall publishes outside its own data folder as it seals them (docs/evidence.md
// "Signatures and published digests"): POST /api/digests on a district server (or any receiver of
// the same JSON) and GET /api/digests to read them back for `hallmon evidence verify --published`.
// Each record carries the site's Ed25519 signature of the day's chain link and the public key.
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.ts';

const Hex64 = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const PublishedDigest = Type.Object(
  {
    format: Type.Literal('hallmon-day-digest/1'),
    site: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }),
    day: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    digest: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    rollupDigest: Nullable(Hex64),
    recordsDigest: Nullable(Hex64),
    auditDigest: Nullable(Hex64),
    /** The day's chain link: SHA-256 over the previous link and the day's digests (docs/evidence.md). */
    chain: Hex64,
    sealedAt: IsoTime,
    keyId: Type.String({ pattern: '^[0-9a-f]{16}$' }),
    /** The raw Ed25519 public key, base64. */
    publicKey: Type.String({ minLength: 40, maxLength: 64 }),
    /** Ed25519 signature of "hallmon-day-link/1\n{site}\n{day}\n{chain}\n", base64. */
    signature: Type.String({ minLength: 80, maxLength: 100 }),
  },
  { additionalProperties: false },
);
export type PublishedDigest = Static<typeof PublishedDigest>;

/** POST /api/digests: how many were new, already there, and the days refused (a different chain or key). */
export const DigestsAccepted = Type.Object({
  accepted: Type.Integer(),
  unchanged: Type.Integer(),
  refused: Type.Array(Type.Object({ site: Type.String(), day: Type.String(), reason: Type.String() })),
});

/** A record that came for a day already published with another chain: kept as the evidence of a rewrite. */
export const DigestConflict = Type.Object({
  record: PublishedDigest,
  receivedAt: IsoTime,
  reason: Type.String(),
});

export const DigestsAnswer = Type.Object({
  digests: Type.Array(PublishedDigest),
  conflicts: Type.Array(DigestConflict),
});
export type DigestsAnswer = Static<typeof DigestsAnswer>;
