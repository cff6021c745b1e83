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
