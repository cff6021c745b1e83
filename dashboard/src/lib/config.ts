// What the configuration pages (设备管理, 站点设置) compute from the server's answers: where a device
// is attached, the edge's state in words, which problems of a refused change belong to which form
// field, and downloads (install sheets, exported site files) that need the session's token.
import type { ConfigSite, EdgeSync } from '@hallmon/contract';
import type { DeviceProfile, SiteConfig, SiteDevice } from '@hallmon/firmware-config/core';
import { getSession } from '../auth/auth.ts';
import type { FieldProblem } from '../api/client.ts';

export type Attachment =
  | { kind: 'bus'; bus: string; unitId: number | undefined }
  | { kind: 'serial'; port: string }
  | { kind: 'mqtt' }
  | { kind: 'none' };

export function attachment(d: SiteDevice, profile: DeviceProfile | undefined): Attachment {
  if (d.bus !== undefined) return { kind: 'bus', bus: d.bus, unitId: d.unitId };
  if (d.serial) return { kind: 'serial', port: d.serial.port };
  if (profile?.transport === 'mqtt') return { kind: 'mqtt' };
  return { kind: 'none' };
}

/** Every device with its zone, in config order. */
export function devicesOf(site: SiteConfig): { zone: string; device: SiteDevice }[] {
  return site.zones.flatMap((z) => z.devices.map((device) => ({ zone: z.id, device })));
}

export type EdgeView =
  | { kind: 'never' }
  | { kind: 'local' }
  | { kind: 'waiting' }
  | { kind: 'rejected'; running: number | null; received: number | null; error: string }
  | { kind: 'applied'; running: number; inSync: boolean; want: number };

/** The edge's state against the server's current version. */
export function edgeView(edge: EdgeSync, version: number): EdgeView {
  if (edge.mode === null) return { kind: 'never' };
  if (edge.mode === 'local') return { kind: 'local' };
  if (edge.state === 'rejected')
    return { kind: 'rejected', running: edge.running, received: edge.received, error: edge.error ?? '' };
  if (edge.running === null) return { kind: 'waiting' };
  return { kind: 'applied', running: edge.running, inSync: edge.inSync, want: version };
}

/**
 * Splits a refused change's problems between the form's fields (path `/device/unitId` -> `unitId`
 * for prefix `/device`) and the rest, shown above the form.
 */
export function fieldProblems(
  problems: readonly FieldProblem[],
  prefix: string,
): { byField: Map<string, string>; other: FieldProblem[] } {
  const byField = new Map<string, string>();
  const other: FieldProblem[] = [];
  for (const p of problems) {
    if (p.path === prefix || p.path.startsWith(`${prefix}/`)) {
      const field = p.path.slice(prefix.length + 1).split('/')[0] || prefix.slice(1);
      byField.set(field, byField.has(field) ? `${byField.get(field)}; ${p.message}` : p.message);
    } else other.push(p);
  }
  return { byField, other };
}

/** The next free slave address on a bus (1-247), for the add form's default. */
export function freeUnitId(site: SiteConfig, bus: string): number | undefined {
  const used = new Set(
    devicesOf(site).flatMap(({ device }) => (device.bus === bus && device.unitId ? [device.unitId] : [])),
  );
  for (let u = 1; u <= 247; u++) if (!used.has(u)) return u;
  return undefined;
}

/** Device ids must be unique in a site: a suggestion from the zone and the profile's metric. */
export function suggestId(site: SiteConfig, zone: string, profile: DeviceProfile | undefined): string {
  const short: Record<string, string> = { 'machine-room': 'mr', 'archive-room': 'ar', hall: 'hall' };
  const kind = site.zones.find((z) => z.id === zone)?.kind ?? 'other';
  const what = profile
    ? profile.deviceClass === 'evaluator'
      ? 'eval'
      : profile.deviceClass === 'queue'
        ? 'queue'
        : profile.metrics.some((m) => m.metric === 'temperature')
          ? 'th'
          : (profile.metrics[0]?.metric.split('_')[0] ?? 'dev')
    : 'dev';
  const base = `${short[kind] ?? zone}-${what}`;
  const ids = new Set(devicesOf(site).map((d) => d.device.id));
  for (let n = 1; ; n++) if (!ids.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Fetches a file the API makes (PDF, JSON, YAML) with the session's token and hands it to the browser. */
export async function download(method: 'GET' | 'POST', path: string, name: string, body?: unknown): Promise<void> {
  const session = getSession();
  const headers: Record<string, string> = session ? { authorization: `Bearer ${session.token}` } : {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const j = (await res.json()) as { message?: unknown };
      if (typeof j.message === 'string') message = j.message;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(message);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The current version number of an answer (for baseVersion). */
export function versionOf(site: ConfigSite | undefined): number | undefined {
  return site?.version.version;
}
