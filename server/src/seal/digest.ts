// Daily digests of what the store holds for one site, the links of the tamper-evidence chain.
// Format 4 (sealed since the audit trail) seals four digests a day; format 3 had the first three and
// format 2 the first two:
//   raw digest     = SHA-256 over the day's raw readings (canonical.ts) and alarms;
//   rollup digest  = SHA-256 over the day's 1-minute rollups (canonical.ts) and the same alarms, so a
//                    day stays checkable after its raw readings are pruned (the rollups are kept);
//   records digest = SHA-256 over the day's device events (ratings, tickets, device faults, data
//                    gaps) and device status changes, which are never pruned;
//   audit digest   = SHA-256 over the day's audit-trail entries of the site and the server-wide ones
//                    (logins, user changes): who acknowledged, answered, downloaded, signed in;
//   chain(day)     = SHA-256(chain(previous day) || raw || rollup [|| records [|| audit]]).
// Format 1 (older seals) had the raw digest only, over JS-printed values, and
// chain = SHA-256(previous || digest); dayDigestV1 recomputes it so those seals still verify.
// Alarms: immutable fields (id, clause, rule, sensor, severity, startedAt) of alarms started in the
// day; acknowledgements and clears legitimately arrive later and are not sealed.
import { createHash, type Hash } from 'node:crypto';
import { deviceProfile, type DeviceProfile, type SiteConfig } from '@hallmon/firmware-config';
import type { Store } from '../store/store.ts';
import type { Schedule } from '@hallmon/rules';
import type { AuditRecord } from '../audit/audit-log.ts';
import { auditSealText, recordsSealText } from './canonical.ts';

/** What a day seal reads of the audit trail: the site's and the server-wide entries of [start, end). */
export interface AuditSource {
  forSeal(site: string, start: number, end: number): Promise<AuditRecord[]>;
}

export const GENESIS = '0'.repeat(64);

export interface DayDigest {
  day: string;
  digest: string;
  readings: number;
  alarms: number;
}

/** The format-3 digests of a day, and the format-4 audit digest when the trail was given. */
export interface DayDigests extends DayDigest {
  rollupDigest: string;
  /** Minute buckets hashed into the rollup digest. */
  minutes: number;
  recordsDigest: string;
  /** Events and status changes hashed into the records digest. */
  records: number;
  /** Format 4: digest of the day's audit-trail entries; null when no trail was given (format 3). */
  auditDigest: string | null;
  /** Entries hashed into the audit digest (null without a trail). */
  auditEntries: number | null;
}

type Series = { sensor: string; metric: DeviceProfile['metrics'][number]['metric'] };

/** Every (sensor, metric) of the site's sensor devices, in the canonical order. */
export function siteSeries(site: SiteConfig, profiles: Map<string, DeviceProfile>): Series[] {
  const out: Series[] = [];
  for (const z of site.zones)
    for (const d of z.devices) {
      const p = deviceProfile(profiles, d);
      if (p?.deviceClass !== 'sensor') continue;
      for (const m of p.metrics) out.push({ sensor: d.id, metric: m.metric });
    }
  return out.sort((a, b) =>
    a.sensor < b.sensor ? -1 : a.sensor > b.sensor ? 1 : a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0,
  );
}

function dayRange(schedule: Schedule, day: string): { start: number; end: number } {
  const start = schedule.dayStart(day);
  return { start, end: schedule.dayInfo(start).end };
}

/** Hashes the alarms started in [start, end), ordered by id; returns how many. */
async function hashAlarms(h: Hash, store: Store, site: string, start: number, end: number): Promise<number> {
  const alarms = (await store.readAlarms({ site, from: start, to: end }))
    .filter((a) => a.startedAt >= start && a.startedAt < end)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const a of alarms) h.update(`a\t${a.id}\t${a.clause}\t${a.rule}\t${a.sensor}\t${a.severity}\t${a.startedAt}\n`);
  return alarms.length;
}

const lineCount = (text: string) => {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/** Format-2 raw digest: per series with readings `s\tsensor\tmetric\n` + rawSealText + "\n", then alarms. */
export async function rawDigest(
  store: Store,
  site: SiteConfig,
  profiles: Map<string, DeviceProfile>,
  schedule: Schedule,
  day: string,
): Promise<DayDigest> {
  const { start, end } = dayRange(schedule, day);
  const h = createHash('sha256').update(`hallmon-day-digest-v2\n${site.id}\n${day}\n`);
  let readings = 0;
  for (const s of siteSeries(site, profiles)) {
    const q = { site: site.id, sensor: s.sensor, metric: s.metric, from: start, to: end };
    // One ordered range read per series, already in the canonical text (canonical.ts).
    const text = await store.readRawSealText(q);
    if (text === '') continue;
    h.update(`s\t${s.sensor}\t${s.metric}\n`).update(text).update('\n');
    readings += lineCount(text);
  }
  const alarms = await hashAlarms(h, store, site.id, start, end);
  return { day, digest: h.digest('hex'), readings, alarms };
}

/** Format-2 rollup digest: the same over each series' 1-minute rollups of the day. */
export async function rollupDigest(
  store: Store,
  site: SiteConfig,
  profiles: Map<string, DeviceProfile>,
  schedule: Schedule,
  day: string,
): Promise<{ digest: string; minutes: number; alarms: number }> {
  const { start, end } = dayRange(schedule, day);
  const h = createHash('sha256').update(`hallmon-day-rollups-v1\n${site.id}\n${day}\n`);
  let minutes = 0;
  for (const s of siteSeries(site, profiles)) {
    const q = { site: site.id, sensor: s.sensor, metric: s.metric, from: start, to: end };
    const text = await store.readMinuteSealText(q);
    if (text === '') continue;
    h.update(`s\t${s.sensor}\t${s.metric}\n`).update(text).update('\n');
    minutes += lineCount(text);
  }
  const alarms = await hashAlarms(h, store, site.id, start, end);
  return { digest: h.digest('hex'), minutes, alarms };
}

/** Format-3 records digest: the day's device events and status changes (recordsSealText). */
export async function recordsDigest(
  store: Store,
  site: SiteConfig,
  schedule: Schedule,
  day: string,
): Promise<{ digest: string; records: number; events: number; statuses: number }> {
  const { start, end } = dayRange(schedule, day);
  const q = { site: site.id, from: start, to: end };
  const [events, statuses] = await Promise.all([store.readEvents(q), store.readStatus(q)]);
  const text = recordsSealText(events, statuses);
  const digest = createHash('sha256').update(`hallmon-day-records-v1\n${site.id}\n${day}\n`).update(text).digest('hex');
  return { digest, records: events.length + statuses.length, events: events.length, statuses: statuses.length };
}

/** Format-4 audit digest: the day's audit-trail entries of the site and server-wide (auditSealText). */
export async function auditDigest(
  audit: AuditSource,
  siteId: string,
  schedule: Schedule,
  day: string,
): Promise<{ digest: string; entries: number }> {
  const { start, end } = dayRange(schedule, day);
  const entries = await audit.forSeal(siteId, start, end);
  const digest = createHash('sha256')
    .update(`hallmon-day-audit-v1\n${siteId}\n${day}\n`)
    .update(auditSealText(entries))
    .digest('hex');
  return { digest, entries: entries.length };
}

/**
 * Every digest of a day (what sealing stores): the three of format 3, and the audit digest of
 * format 4 when the data dir's audit trail is given.
 */
export async function dayDigests(
  store: Store,
  site: SiteConfig,
  profiles: Map<string, DeviceProfile>,
  schedule: Schedule,
  day: string,
  audit?: AuditSource,
): Promise<DayDigests> {
  const raw = await rawDigest(store, site, profiles, schedule, day);
  const roll = await rollupDigest(store, site, profiles, schedule, day);
  const rec = await recordsDigest(store, site, schedule, day);
  const trail = audit ? await auditDigest(audit, site.id, schedule, day) : undefined;
  return {
    ...raw,
    rollupDigest: roll.digest,
    minutes: roll.minutes,
    recordsDigest: rec.digest,
    records: rec.records,
    auditDigest: trail?.digest ?? null,
    auditEntries: trail?.entries ?? null,
  };
}

/** Format-1 digest (seals made before format 2): readRaw per series with JS-printed values, then alarms. */
export async function dayDigestV1(
  store: Store,
  site: SiteConfig,
  profiles: Map<string, DeviceProfile>,
  schedule: Schedule,
  day: string,
): Promise<DayDigest> {
  const { start, end } = dayRange(schedule, day);
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
  const alarms = await hashAlarms(h, store, site.id, start, end);
  return { day, digest: h.digest('hex'), readings, alarms };
}

/**
 * A chain link: format 4 with an audit digest, format 3 with a records digest, format 2 with a
 * rollup digest only, else format 1.
 */
export function chainLink(
  previous: string,
  digest: string,
  rollup?: string | null,
  records?: string | null,
  audit?: string | null,
): string {
  const h = createHash('sha256').update(previous, 'hex').update(digest, 'hex');
  if (rollup) h.update(rollup, 'hex');
  if (records) {
    if (!rollup) throw new Error('a format-3 chain link needs the rollup digest as well as the records digest');
    h.update(records, 'hex');
  }
  if (audit) {
    if (!records) throw new Error('a format-4 chain link needs the records digest as well as the audit digest');
    h.update(audit, 'hex');
  }
  return h.digest('hex');
}
