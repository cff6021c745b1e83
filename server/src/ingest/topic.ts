// Parses contract v1 topics: hallmon/v1/{site}/(telemetry|events|alarms|status/{device}), and the
// configuration topics hallmon/v1/{site}/config and .../config/state (docs/contract.md "MQTT").
// Anything else is not ours and is refused (a gateway has no business publishing elsewhere).
import { ID_PATTERN } from '@hallmon/firmware-config';
import type { Stream } from './reasons.ts';

export interface ParsedTopic {
  site: string;
  stream: Stream;
  device?: string;
}

const SITE = /^[a-z0-9-]{1,40}$/;
const DEVICE = new RegExp(ID_PATTERN);

export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== 'hallmon' || parts[1] !== 'v1') return null;
  const site = parts[2];
  if (!site || !SITE.test(site)) return null;
  const s = parts[3];
  if (parts.length === 4 && (s === 'telemetry' || s === 'events' || s === 'alarms')) return { site, stream: s };
  if (parts.length === 5 && s === 'status' && parts[4] && DEVICE.test(parts[4]))
    return { site, stream: 'status', device: parts[4] };
  return null;
}

/** hallmon/v1/{site}/config (the server's message to an edge) and .../config/state (the edge's answer). */
export function parseConfigTopic(topic: string): { site: string; kind: 'config' | 'state' } | null {
  const parts = topic.split('/');
  if (parts[0] !== 'hallmon' || parts[1] !== 'v1' || parts[3] !== 'config') return null;
  const site = parts[2];
  if (!site || !SITE.test(site)) return null;
  if (parts.length === 4) return { site, kind: 'config' };
  if (parts.length === 5 && parts[4] === 'state') return { site, kind: 'state' };
  return null;
}
