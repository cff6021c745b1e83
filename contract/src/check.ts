// Checks a value against a contract schema with every object closed (additionalProperties: false
// wherever the schema does not say otherwise), so a property that the sender has and the schema
// lacks is an error too. fastify's serialiser would drop such a property without a word; the
// server's strict mode and the contract test use this to catch it.
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const closedCache = new WeakMap<TSchema, TSchema>();

/** A copy of the schema with every object schema closed (TypeBox's symbol keys are kept). */
export function closed<T extends TSchema>(schema: T): T {
  const hit = closedCache.get(schema);
  if (hit) return hit as T;
  const walk = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(walk);
    if (!s || typeof s !== 'object') return s;
    const out = Object.assign({}, s) as Record<string, unknown>;
    for (const k of Object.keys(out)) out[k] = walk(out[k]);
    if (out.type === 'object' && out.properties && out.additionalProperties === undefined)
      out.additionalProperties = false;
    return out;
  };
  const c = walk(schema) as T;
  closedCache.set(schema, c);
  return c;
}

/** Problems of `value` against the closed schema ("/path: message"), none when it conforms. */
export function contractProblems(schema: TSchema, value: unknown, max = 5): string[] {
  const out: string[] = [];
  for (const e of Value.Errors(closed(schema), value)) {
    out.push(`${e.path || '/'}: ${e.message}`);
    if (out.length >= max) break;
  }
  return out;
}
