// The digest that names one configuration sent to an edge (schemas/remote-config.ts): SHA-256 of a
// canonical JSON (object keys sorted), so the server and the edge compute the same value from the
// same content whatever order its properties arrived in.
import { createHash } from 'node:crypto';

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

export function configDigest(content: { site: unknown; deviceCredentials: unknown }): string {
  return createHash('sha256')
    .update(canonicalJson({ site: content.site, deviceCredentials: content.deviceCredentials }))
    .digest('hex');
}
