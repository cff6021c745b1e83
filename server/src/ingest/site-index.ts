// What ingest needs to know about a site, precomputed once: which sensors exist and which metrics
// each one's profile exposes, which devices may send events. Lookups on the hot path are Map hits.
import { deviceProfile, type DeviceProfile, type Metric, type SiteConfig } from '@hallmon/firmware-config';

export interface SiteIndex {
  id: string;
  /** device id -> metrics its profile measures (empty for counter devices). */
  metrics: Map<string, ReadonlySet<Metric>>;
  /** device id -> seconds a noise value integrates over, from the profile (default 1). */
  noiseDur: Map<string, number>;
  /** Noise sensors whose profile gives a smoothed level, not a certified LAeq (RS-485 transmitters). */
  indicative: ReadonlySet<string>;
}

export function indexSite(site: SiteConfig, profiles: ReadonlyMap<string, DeviceProfile>): SiteIndex {
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
  return { id: site.id, metrics, noiseDur, indicative };
}
