// Daily digests of what the store holds for one site, the links of the tamper-evidence chain:
// digest(day) = SHA-256 over the canonical list of that site-local day's readings (sensor, metric,
// ts, value; sorted by sensor, metric, ts) and alarms (immutable fields: id, clause, rule, sensor,
// severity, startedAt; acknowledgements and clears legitimately arrive later and are not sealed).
// chain(day) = SHA-256(chain(previous day) || digest(day)), the first link chained to 64 zeros.
import { createHash } from 'node:crypto';
import type { DeviceProfile, SiteConfig } from '@hallmon/firmware-config';
import type { Store } from '../store/store.ts';
import type { Schedule } from '@hallmon/edge/rules/schedule';

export const GENESIS = '0'.repeat(64);

export interface DayDigest {
  day: string;
  digest: string;
  readings: number;
  alarms: number;
}

/** Every (sensor, metric) of the site's sensor devices, in the canonical order. */
export function siteSeries(site: SiteConfig, profiles: Map<string, DeviceProfile>): Array<{ sensor: string; metric: DeviceProfile['metrics'][number]['metric'] }> {
  const out: Array<{ sensor: string; metric: DeviceProfile['metrics'][number]['metric'] }> = [];
  for (const z of site.zones)
    for (const d of z.devices) {
      const p = profiles.get(d.profile);
      if (p?.deviceClass !== 'sensor') continue;
      for (const m of p.metrics) out.push({ sensor: d.id, metric: m.metric });
    }
  return out.sort((a, b) => (a.sensor < b.sensor ? -1 : a.sensor > b.sensor ? 1 : a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
}

/** Streams one site-local day of the store through SHA-256 (readRaw per series, then alarms). */
export async function dayDigest(store: Store, site: SiteConfig, profiles: Map<string, DeviceProfile>, schedule: Schedule, day: string): Promise<DayDigest> {
  const start = schedule.dayStart(day);
  const end = schedule.dayInfo(start).end;
  const h = createHash('sha256');
  h.update(`hallmon-day-digest-v1\n${site.id}\n${day}\n`);
  let readings = 0;
  for (const s of siteSeries(site, profiles)) {
    const rows = await store.readRaw({ site: site.id, sensor: s.sensor, metric: s.metric, from: start, to: end });
    if (rows.length === 0) continue;
    // Batch the text: one update per few thousand rows, not per row.
    let buf = '';
    for (const r of rows) {
      buf += `r\t${s.sensor}\t${s.metric}\t${r.ts}\t${r.value}\n`;
      if (buf.length > 65_536) {
        h.update(buf);
        buf = '';
      }
    }
    h.update(buf);
    readings += rows.length;
  }
  const alarms = (await store.readAlarms({ site: site.id, from: start, to: end }))
    .filter((a) => a.startedAt >= start && a.startedAt < end)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const a of alarms) h.update(`a\t${a.id}\t${a.clause}\t${a.rule}\t${a.sensor}\t${a.severity}\t${a.startedAt}\n`);
  return { day, digest: h.digest('hex'), readings, alarms: alarms.length };
}

export function chainLink(previous: string, digest: string): string {
  return createHash('sha256').update(previous, 'hex').update(digest, 'hex').digest('hex');
}
