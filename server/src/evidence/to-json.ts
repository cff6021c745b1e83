// evidence.json: the pack as pretty JSON (UTF-8, no BOM). NaN peaks (unknown) become null.
import type { EvidencePack } from './types.ts';

export function toJson(pack: EvidencePack): string {
  return `${JSON.stringify(pack, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
