// Time bounds in query strings: ISO 8601 with an offset or epoch milliseconds (docs/contract.md, "time").
import { Type } from '@sinclair/typebox';
import { parseTimestamp } from '@hallmon/firmware-config';

export const QueryTime = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern: '^(\\d{1,16}|\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(Z|[+-]\\d{2}:?\\d{2}))$',
  description: 'ISO 8601 with offset, or epoch milliseconds',
});

/** Epoch ms for a QueryTime value, or null when it is not a real instant. */
export function queryTime(v: string): number | null {
  return /^\d+$/.test(v) ? parseTimestamp(Number(v)) : parseTimestamp(v);
}

/**
 * The [from, to) of a query, at most `maxDays` long, or the message naming the field that is wrong
 * (the route answers it as a 400).
 */
export function queryRange(q: { from: string; to: string }, maxDays: number): { from: number; to: number } | string {
  const from = queryTime(q.from);
  const to = queryTime(q.to);
  if (from === null) return `querystring/from is not a valid time: "${q.from}"`;
  if (to === null) return `querystring/to is not a valid time: "${q.to}"`;
  if (to <= from) return 'querystring/to must be after querystring/from';
  if (to - from > maxDays * 86_400_000) return `querystring/to: the range may span at most ${maxDays} days`;
  return { from, to };
}
