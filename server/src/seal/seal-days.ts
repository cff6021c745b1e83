// sealDays: seals the closed days of a site (site-local days that ended at least `closedAfterH`
// hours ago, so edge outbox replays have landed) into the hash chain, oldest first, and keeps the
// first sealed value of every day. Days are sealed in order: the chain starts at the site's first
// day with data (or `fromDay`) and never skips a day (an empty day has the digest of nothing).
// New seals are format 4 (raw, minute-rollup, records and audit-trail digests, digest.ts; the trail
// is the seal table's data dir's audit.db); rows sealed in formats 1 to 3 are kept as they are,
// rechecked in their own format, and the chain continues from them.
import { nextDay, type DeviceProfile, type SiteConfig } from '@hallmon/firmware-config';
import type { Store } from '../store/store.ts';
import { siteSchedule } from '../evidence/period.ts';
import { chainLink, dayDigestV1, dayDigests, GENESIS, siteSeries } from './digest.ts';
import type { SealState } from '../state/state.ts';

export interface SealOptions {
  /** A day counts as closed this many hours after its end. Default 48. */
  closedAfterH?: number;
  /** Where the chain starts when the site has no seal yet (default: its first day with data). */
  fromDay?: string;
  now?: () => number;
  /** Re-check already sealed days in the range and record differing recomputations (lateDigest). */
  recheck?: boolean;
  onDay?: (day: string) => void;
}

export interface SealResult {
  sealed: string[];
  /** Sealed days whose recomputed digest now differs (late data or a changed store). */
  changed: string[];
}

/** The first site-local day holding a reading of the site (from the 1d rollups), or null. */
export async function firstDataDay(
  store: Store,
  site: SiteConfig,
  profiles: Map<string, DeviceProfile>,
): Promise<string | null> {
  const schedule = siteSchedule(site);
  let first = Infinity;
  for (const s of siteSeries(site, profiles)) {
    const [d] = await store.readAggregate({
      site: site.id,
      sensor: s.sensor,
      metric: s.metric,
      from: 0,
      to: Date.now() + 86_400_000,
      step: '1d',
      limit: 1,
    });
    if (!d || d.ts >= first) continue;
    // 1d buckets are UTC days: find the first minute inside it, whose site-local day is the real one.
    const [m] = await store.readAggregate({
      site: site.id,
      sensor: s.sensor,
      metric: s.metric,
      from: d.ts,
      to: d.ts + 86_400_000,
      step: '1m',
      limit: 1,
    });
    first = Math.min(first, m?.ts ?? d.ts);
  }
  return Number.isFinite(first) ? schedule.day(first) : null;
}

export async function sealDays(
  store: Store,
  seals: SealState,
  site: SiteConfig,
  profiles: Map<string, DeviceProfile>,
  uptoDay: string,
  opts: SealOptions = {},
): Promise<SealResult> {
  const schedule = siteSchedule(site);
  const now = (opts.now ?? Date.now)();
  const closedMs = (opts.closedAfterH ?? 48) * 3_600_000;
  const result: SealResult = { sealed: [], changed: [] };
  const isClosed = (day: string) => schedule.dayInfo(schedule.dayStart(day)).end + closedMs <= now;
  const last = await seals.last(site.id);
  if (opts.recheck) {
    const firstSeal = await seals.first(site.id);
    if (firstSeal)
      for (const s of await seals.range(site.id, opts.fromDay ?? firstSeal.day, uptoDay)) {
        if (s.rollupDigest === null) {
          const d = await dayDigestV1(store, site, profiles, schedule, s.day);
          if (d.digest !== s.digest) {
            await seals.noteLate(site.id, s.day, { digest: d.digest }, now);
            result.changed.push(s.day);
          }
          continue;
        }
        const d = await dayDigests(store, site, profiles, schedule, s.day, seals.audit);
        // A format-2 seal has no records digest and a format-3 one no audit digest: what a seal
        // lacks is not compared (nor noted).
        const records = s.recordsDigest === null ? null : d.recordsDigest;
        const audit = s.auditDigest === null ? null : d.auditDigest;
        if (
          d.digest !== s.digest ||
          d.rollupDigest !== s.rollupDigest ||
          records !== s.recordsDigest ||
          audit !== s.auditDigest
        ) {
          await seals.noteLate(
            site.id,
            s.day,
            { digest: d.digest, rollupDigest: d.rollupDigest, recordsDigest: records, auditDigest: audit },
            now,
          );
          result.changed.push(s.day);
        }
      }
  }
  let day: string | null;
  let prev: string;
  if (last) {
    day = nextDay(last.day);
    prev = last.chain;
  } else {
    day = opts.fromDay ?? (await firstDataDay(store, site, profiles));
    prev = GENESIS;
  }
  if (day === null) return result;
  for (; day <= uptoDay && isClosed(day); day = nextDay(day)) {
    const d = await dayDigests(store, site, profiles, schedule, day, seals.audit);
    const chain = chainLink(prev, d.digest, d.rollupDigest, d.recordsDigest, d.auditDigest);
    await seals.insert({
      site: site.id,
      day,
      digest: d.digest,
      rollupDigest: d.rollupDigest,
      recordsDigest: d.recordsDigest,
      records: d.records,
      auditDigest: d.auditDigest,
      auditEntries: d.auditEntries,
      chain,
      readings: d.readings,
      alarms: d.alarms,
      sealedAt: now,
    });
    prev = (await seals.get(site.id, day))!.chain;
    result.sealed.push(day);
    opts.onDay?.(day);
  }
  return result;
}
