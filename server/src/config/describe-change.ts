// What a new version of a site config changed, in a few words for the version history and the audit
// trail: "devices +mr-th-3 -ar-th-1 ~hall-th-1; zones +store; settings openingHours, limitProfiles".
import type { SiteConfig, SiteDevice } from '@hallmon/firmware-config';
import { canonicalJson } from '@hallmon/firmware-config';

export function describeChange(prev: SiteConfig | undefined, next: SiteConfig | undefined): string {
  if (!prev && next) return `new site (${next.zones.length} zones, ${devicesOf(next).size} devices)`;
  if (prev && !next) return 'site removed';
  if (!prev || !next) return '';
  const parts: string[] = [];
  const a = devicesOf(prev);
  const b = devicesOf(next);
  const devs = [
    ...[...b.keys()].filter((id) => !a.has(id)).map((id) => `+${id}`),
    ...[...a.keys()].filter((id) => !b.has(id)).map((id) => `-${id}`),
    ...[...b.keys()]
      .filter((id) => a.has(id) && canonicalJson(a.get(id)) !== canonicalJson(b.get(id)))
      .map((id) => `~${id}`),
  ];
  if (devs.length) parts.push(`devices ${devs.join(' ')}`);
  const za = new Map(prev.zones.map((z) => [z.id, z]));
  const zb = new Map(next.zones.map((z) => [z.id, z]));
  const zones = [
    ...[...zb.keys()].filter((id) => !za.has(id)).map((id) => `+${id}`),
    ...[...za.keys()].filter((id) => !zb.has(id)).map((id) => `-${id}`),
    ...[...zb.keys()]
      .filter((id) => {
        const x = za.get(id);
        const y = zb.get(id);
        return x && y && (x.name !== y.name || x.kind !== y.kind);
      })
      .map((id) => `~${id}`),
  ];
  if (zones.length) parts.push(`zones ${zones.join(' ')}`);
  const keys = new Set([...Object.keys(prev), ...Object.keys(next)]);
  keys.delete('zones');
  const settings = [...keys]
    .filter(
      (k) =>
        canonicalJson((prev as Record<string, unknown>)[k]) !== canonicalJson((next as Record<string, unknown>)[k]),
    )
    .sort();
  if (settings.length) parts.push(`settings ${settings.join(', ')}`);
  return parts.join('; ') || 'no change';
}

/** Every device with its zone, so moving a device between zones shows as a change. */
function devicesOf(site: SiteConfig): Map<string, SiteDevice & { zone: string }> {
  return new Map(site.zones.flatMap((z) => z.devices.map((d) => [d.id, { ...d, zone: z.id }] as const)));
}
