// Reading the site description generically (STYLE 4: devices declare what they expose, the
// dashboard renders it): which sensors of which zone kinds measure a metric, which window an
// evaluator serves, which zone a device is in. Adding a sensor model needs no UI code.
import type { DeviceRow, StatusChange, SiteInfo } from '@hallmon/contract';
import type { Metric, ZoneKind } from '@hallmon/firmware-config/core';

export interface SensorRef {
  id: string;
  name: string;
  zoneId: string;
  zoneName: string;
  kind: ZoneKind;
  profile?: string;
  /** The profile gives a smoothed level, not a certified LAeq (GET /api/sites `indicative`). */
  indicative?: boolean;
}

export function sensorsFor(site: SiteInfo, kinds: readonly ZoneKind[], metric: Metric): SensorRef[] {
  const out: SensorRef[] = [];
  for (const z of site.zones) {
    if (!kinds.includes(z.kind)) continue;
    for (const s of z.sensors)
      if (s.metrics.includes(metric))
        out.push({
          id: s.id,
          name: s.name ?? s.id,
          zoneId: z.id,
          zoneName: z.name,
          kind: z.kind,
          ...(s.profile ? { profile: s.profile } : {}),
          ...(s.indicative ? { indicative: true } : {}),
        });
  }
  return out;
}

/** Evaluators and queue machines that serve a window (site config `window`). */
export function windowOfDevice(site: SiteInfo): Map<string, string> {
  const m = new Map<string, string>();
  for (const z of site.zones) for (const d of z.devices ?? []) if (d.window) m.set(d.id, d.window);
  return m;
}

/**
 * Cheap RS-485 noise transmitters give a smoothed level, not a certified LAeq: their data is
 * labelled "indicative", as their profile says (firmware-config `indicative`, in GET /api/sites),
 * here as in the evidence pack.
 */
export function isIndicativeNoise(sensor: Pick<SensorRef, 'indicative'> | undefined): boolean {
  return sensor?.indicative === true;
}

/** Prefers a sound level meter over a transmitter as the hall's headline noise sensor. */
export function primaryNoiseSensor(sensors: readonly SensorRef[]): SensorRef | undefined {
  return sensors.find((s) => !isIndicativeNoise(s)) ?? sensors[0];
}

/** Device status: a live status message newer than the row wins. */
export function effectiveStatus(row: DeviceRow, live: StatusChange | undefined): DeviceRow['status'] {
  if (live && (!row.lastSeen || Date.parse(live.ts) >= Date.parse(row.lastSeen))) return live.status;
  return row.status;
}

/** The zone kind of a sensor or device of the site (an alarm's `sensor`), undefined when none. */
export function zoneKindOf(site: SiteInfo | undefined, id: string): ZoneKind | undefined {
  for (const z of site?.zones ?? [])
    if (z.id === id || z.devices.some((d) => d.id === id) || z.sensors.some((d) => d.id === id)) return z.kind;
  return undefined;
}
