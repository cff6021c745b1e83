// The commissioning check of a device just added or changed (docs/dashboard.md "设备管理"): its
// first readings since the config version that gave it its current settings, and a verdict within
// the window of firmware-config/commissioning/room-ranges.json (60 s): ok; implausible (values the
// edge flagged outside the model's plausible range, or outside what a service hall room shows, as a
// wrong profile or a wrong unit id reads zeros or another quantity); no-answer (the device is
// offline or faulting: wiring, unit id, baud rate); silent (nothing at all in the window); waiting.
import {
  METRIC_UNITS,
  canonicalJson,
  toIso,
  type DeviceProfile,
  type Metric,
  type RoomRanges,
  type SiteDevice,
  type ZoneKind,
} from '@hallmon/firmware-config';
import type { Commissioning, CommissioningState } from '@hallmon/contract';
import type { Store } from '../store/store.ts';
import type { SiteVersion } from './config-store.ts';

export interface CommissioningInput {
  store: Store;
  site: string;
  device: SiteDevice;
  zoneKind: ZoneKind;
  profile: DeviceProfile;
  /** The site's versions, oldest first (to find when the device got its current settings). */
  history: SiteVersion[];
  ranges: RoomRanges;
  now: number;
}

/** When the device entered the config with its current settings (the version that set them). */
export function settingsSince(history: SiteVersion[], device: SiteDevice): number {
  const want = canonicalJson(device);
  let since = history[history.length - 1]?.ts ?? 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const v = history[i]!;
    const d = v.deleted ? undefined : v.config.zones.flatMap((z) => z.devices).find((x) => x.id === device.id);
    if (!d || canonicalJson(d) !== want) break;
    since = v.ts;
  }
  return since;
}

export async function commissioning(i: CommissioningInput): Promise<Commissioning> {
  const since = settingsSince(i.history, i.device);
  const to = i.now + 60_000;
  const readings: Commissioning['readings'] = [];
  const metrics: Commissioning['metrics'] = [];
  for (const m of i.profile.metrics) {
    const rows = await i.store.readRaw({
      site: i.site,
      sensor: i.device.id,
      metric: m.metric,
      from: since,
      to,
      limit: 2000,
    });
    // TypeBox types a Record over a literal union as {}; the schema guarantees every metric is there.
    const expected = (i.ranges.metrics as Record<Metric, { min: number; max: number }>)[m.metric];
    let min: number | null = null;
    let max: number | null = null;
    let outOfRange = 0;
    for (const r of rows) {
      min = min === null ? r.value : Math.min(min, r.value);
      max = max === null ? r.value : Math.max(max, r.value);
      if (r.quality === 'out-of-range') outOfRange++;
    }
    for (const r of rows.slice(0, 20))
      readings.push({ ts: toIso(r.ts), metric: r.metric, value: r.value, quality: r.quality });
    let flag: string | null = null;
    if (outOfRange)
      flag = `${outOfRange} readings outside the model's plausible range ${m.plausible.min}–${m.plausible.max} ${METRIC_UNITS[m.metric]}`;
    else if (min !== null && max !== null && (min < expected.min || max > expected.max))
      flag = `values ${min}–${max} ${METRIC_UNITS[m.metric]} are outside what a room shows (${expected.min}–${expected.max})`;
    const last = rows[rows.length - 1];
    metrics.push({
      metric: m.metric,
      unit: METRIC_UNITS[m.metric],
      count: rows.length,
      first: rows[0] ? toIso(rows[0].ts) : null,
      last: last ? toIso(last.ts) : null,
      lastValue: last?.value ?? null,
      min,
      max,
      outOfRange,
      plausible: m.plausible,
      expected: { min: expected.min, max: expected.max },
      flag,
    });
  }
  readings.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  const events = await i.store.readEvents({ site: i.site, device: i.device.id, from: since, to });
  const faults = events.filter((e) => e.type === 'device_fault').length;
  const counter = events.length - faults - events.filter((e) => e.type === 'data_gap').length;
  const statuses = await i.store.readStatus({ site: i.site, device: i.device.id, from: since, to });
  const status = statuses[statuses.length - 1]?.status ?? null;
  const heard = metrics.some((m) => m.count > 0) || counter > 0;
  const windowS = i.ranges.windowS;
  let state: CommissioningState;
  let message: string;
  const flagged = metrics.filter((m) => m.flag);
  if (flagged.length) {
    state = 'implausible';
    message = `implausible values: ${flagged.map((m) => `${m.metric}: ${m.flag}`).join('; ')}. Check that the profile is this model's and that the unit id is this device's (another device's registers, or zeros, read as this one).`;
  } else if (heard) {
    state = 'ok';
    message = 'first readings arrived and look like a room';
  } else if (status === 'offline' || faults > 0) {
    state = 'no-answer';
    message =
      'the device does not answer: check the wiring (A/B swapped?), the power, the unit id and the baud rate; an exception answer means the register map (profile) does not fit';
  } else if (i.now - since > windowS * 1000) {
    state = 'silent';
    message = `nothing heard within ${windowS} s: is the edge running this version (see its state), the device powered and connected?`;
  } else {
    state = 'waiting';
    message = `waiting for the first readings (a verdict within ${windowS} s)`;
  }
  return {
    site: i.site,
    device: i.device.id,
    profile: i.profile.id,
    zoneKind: i.zoneKind,
    since: toIso(since),
    windowS,
    state,
    message,
    status,
    readings: readings.slice(0, 20),
    metrics,
    events: counter,
  };
}
