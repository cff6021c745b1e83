// What ingest needs to know about a site, precomputed once per config version: which sensors exist
// and which metrics each one's profile exposes, which devices may send events. Lookups on the hot
// path are Map hits. Devices taken out of the config are kept as `retired`: what they measured
// before (and, while the site's edge still runs an older version, after) is still accepted, so a
// configuration change never turns data buffered on an edge into rejections (docs/contract.md).
import { deviceProfile, type DeviceProfile, type Metric, type SiteConfig } from '@hallmon/firmware-config';

export interface RetiredDevice {
  metrics: ReadonlySet<Metric>;
  /** When the config version that removed it was made, epoch ms. */
  at: number;
  /** That version. */
  version: number;
}

export interface SiteIndex {
  id: string;
  /** device id -> metrics its profile measures (empty for counter devices). */
  metrics: Map<string, ReadonlySet<Metric>>;
  /** device id -> seconds a noise value integrates over, from the profile (default 1). */
  noiseDur: Map<string, number>;
  /** Noise sensors whose profile gives a smoothed level, not a certified LAeq (RS-485 transmitters). */
  indicative: ReadonlySet<string>;
  /** Devices of earlier versions no longer in the config. */
  retired: Map<string, RetiredDevice>;
  /** The config version the site's edge reports it runs (remote configuration), else null. */
  edgeRunning: number | null;
}

/** Data of a retired device measured up to this long after its removal is still accepted. */
export const RETIRED_GRACE_MS = 10 * 60_000;

export function indexSite(
  site: SiteConfig,
  profiles: ReadonlyMap<string, DeviceProfile>,
  retired: Map<string, RetiredDevice> = new Map(),
  edgeRunning: number | null = null,
): SiteIndex {
  const metrics = new Map<string, ReadonlySet<Metric>>();
  const noiseDur = new Map<string, number>();
  const indicative = new Set<string>();
  for (const zone of site.zones)
    for (const d of zone.devices) {
      const p = deviceProfile(profiles, d);
      metrics.set(d.id, new Set(p?.metrics.map((m) => m.metric) ?? []));
      const noise = p?.metrics.find((m) => m.metric === 'noise_laeq');
      if (noise) noiseDur.set(d.id, noise.intervalS ?? 1);
      if (noise?.indicative) indicative.add(d.id);
    }
  for (const id of metrics.keys()) retired.delete(id);
  return { id: site.id, metrics, noiseDur, indicative, retired, edgeRunning };
}

/** Whether data of a retired device at `ts` is accepted: measured before it was removed (plus a grace), or while the edge still runs a version that has it. */
export function retiredAccepts(index: SiteIndex, r: RetiredDevice, ts: number): boolean {
  return ts <= r.at + RETIRED_GRACE_MS || (index.edgeRunning !== null && index.edgeRunning < r.version);
}
