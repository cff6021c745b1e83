// One way to validate anything external against a TypeBox schema, with errors that name the
// path and what is wrong, so config files, MQTT payloads and HTTP bodies all report alike.
import type { TSchema, Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';

const cache = new WeakMap<TSchema, TypeCheck<TSchema>>();

export function compiled<T extends TSchema>(schema: T): TypeCheck<T> {
  let c = cache.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    cache.set(schema, c);
  }
  return c as TypeCheck<T>;
}

export interface SchemaIssue {
  /** JSON pointer into the value, e.g. /buses/0/devices/1/unitId ('' for the root). */
  path: string;
  message: string;
}

/** Returns every issue (capped), or an empty array when the value fits. */
export function schemaIssues<T extends TSchema>(schema: T, value: unknown, max = 50): SchemaIssue[] {
  const check = compiled(schema);
  if (check.Check(value)) return [];
  const out: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const e of check.Errors(value)) {
    const key = `${e.path}|${e.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: e.path, message: e.message });
    if (out.length >= max) break;
  }
  return out;
}

export function isValid<T extends TSchema>(schema: T, value: unknown): value is Static<T> {
  return compiled(schema).Check(value);
}

export function formatIssues(issues: SchemaIssue[], where = ''): string {
  return issues.map((i) => `${where}${i.path || '/'}: ${i.message}`).join('\n');
}
