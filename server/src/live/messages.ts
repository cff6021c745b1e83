// The JSON shapes socket.io clients receive (CONTRACT "socket.io"): timestamps as UTC ISO 8601,
// like the HTTP API, so the dashboard parses one format.
import { toIso } from '@hallmon/firmware-config';
import type { StoredReading, StoredEvent, StatusChange } from '../store/store.ts';

export function readingMessage(r: StoredReading) {
  const m: { site: string; sensor: string; metric: string; ts: string; value: number; quality: string; dur?: number } = {
    site: r.site,
    sensor: r.sensor,
    metric: r.metric,
    ts: toIso(r.ts),
    value: r.value,
    quality: r.quality,
  };
  if (r.dur !== undefined) m.dur = r.dur;
  return m;
}

export function eventMessage(e: StoredEvent) {
  return {
    ...e,
    ts: toIso(e.ts),
    ...(e.start !== undefined ? { start: toIso(e.start) } : {}),
    ...(e.end !== undefined ? { end: toIso(e.end) } : {}),
  };
}

export function statusMessage(s: StatusChange) {
  return { site: s.site, device: s.device, status: s.status, ts: toIso(s.ts) };
}
