// What a scenario needs to know about a site, computed once: each sensor's zone and metrics, the
// counter devices and their windows, and fast site-local time (opening hours, working days,
// seasons). Local time is derived from a cached UTC offset per hour, so evaluating millions of
// instants (a month of 1 s noise) does not call Intl for each one.
import {
  deviceProfile,
  loadProfiles,
  type WorkingCalendar,
  ZoneOffset,
  type DeviceProfile,
  type Metric,
  type SiteConfig,
  type ZoneKind,
  shippedCalendar,
} from '@hallmon/firmware-config';

export interface SensorInfo {
  id: string;
  zone: ZoneKind;
  metrics: Set<Metric>;
}

export interface LocalParts {
  /** YYYY-MM-DD in the site's time zone. */
  day: string;
  /** ISO weekday 1 (Monday) to 7 (Sunday). */
  weekday: number;
  /** Minutes since local midnight, with fraction. */
  minute: number;
  /** Month 1-12 and day of month. */
  month: number;
  dom: number;
  /** Day of the year, 0-based. */
  doy: number;
}

const HOUR = 3_600_000;
let profileCache: Map<string, DeviceProfile> | undefined;
let calendarCache: WorkingCalendar | undefined;

export class SiteModel {
  readonly sensors = new Map<string, SensorInfo>();
  /** Evaluator device id by window (W01 -> eval-w01). */
  readonly evaluatorByWindow = new Map<string, string>();
  readonly windows: string[];
  readonly queueDevice: string | undefined;
  /** Every counter device (evaluators and queue machines). */
  readonly counterDevices: string[] = [];
  private readonly offsets = new Map<number, number>();
  private readonly opening = new Map<number, Array<[number, number]>>();
  private readonly zone: ZoneOffset;
  private readonly calendar: WorkingCalendar;

  constructor(
    readonly site: SiteConfig,
    profiles: Map<string, DeviceProfile> = (profileCache ??= loadProfiles()),
  ) {
    this.calendar = calendarCache ??= shippedCalendar();
    this.zone = new ZoneOffset(site.timezone);
    let queue: string | undefined;
    for (const zone of site.zones)
      for (const d of zone.devices) {
        const p = deviceProfile(profiles, d);
        if (!p) continue;
        if (p.deviceClass === 'evaluator' && d.window) {
          this.evaluatorByWindow.set(d.window, d.id);
          this.counterDevices.push(d.id);
        } else if (p.deviceClass === 'queue') {
          queue ??= d.id;
          this.counterDevices.push(d.id);
        } else if (p.deviceClass === 'sensor' && p.metrics.length)
          this.sensors.set(d.id, { id: d.id, zone: zone.kind, metrics: new Set(p.metrics.map((m) => m.metric)) });
      }
    this.queueDevice = queue;
    this.windows = [...this.evaluatorByWindow.keys()].sort();
    if (!this.windows.length) this.windows.push('W01');
  }

  /** The site's UTC offset in ms at `t` (cached per hour; DST-safe at hour granularity). */
  offset(t: number): number {
    const h = Math.floor(t / HOUR);
    let off = this.offsets.get(h);
    if (off === undefined) {
      off = this.zone.at(h * HOUR);
      if (this.offsets.size > 50_000) this.offsets.clear();
      this.offsets.set(h, off);
    }
    return off;
  }

  local(t: number): LocalParts {
    const l = new Date(t + this.offset(t));
    const y = l.getUTCFullYear();
    const doy = Math.floor((Date.UTC(y, l.getUTCMonth(), l.getUTCDate()) - Date.UTC(y, 0, 1)) / 86_400_000);
    return {
      day: l.toISOString().slice(0, 10),
      weekday: ((l.getUTCDay() + 6) % 7) + 1,
      minute: l.getUTCHours() * 60 + l.getUTCMinutes() + l.getUTCSeconds() / 60 + l.getUTCMilliseconds() / 60_000,
      month: l.getUTCMonth() + 1,
      dom: l.getUTCDate(),
      doy,
    };
  }

  /** Minutes since local midnight (fast path for hot loops). */
  minuteOfDay(t: number): number {
    const lm = t + this.offset(t);
    return (((lm % 86_400_000) + 86_400_000) % 86_400_000) / 60_000;
  }

  /** Epoch ms of local midnight starting `day` (YYYY-MM-DD). */
  midnight(day: string): number {
    return this.zone.fromLocal(Date.parse(`${day}T00:00:00Z`), (ms) => this.offset(ms));
  }

  /** ISO 8601 with the site's offset, e.g. 2025-05-06T09:30:00.000+08:00 (what a local device sends). */
  localIso(t: number): string {
    const off = this.offset(t);
    const s = new Date(t + off).toISOString().slice(0, 23);
    const m = Math.round(Math.abs(off) / 60_000);
    return `${s}${off < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }

  /** Opening intervals of a local day, as [fromMinute, toMinute) pairs. */
  openingMinutes(weekday: number): Array<[number, number]> {
    let cached = this.opening.get(weekday);
    if (!cached) this.opening.set(weekday, (cached = this.computeOpening(weekday)));
    return cached;
  }

  private computeOpening(weekday: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (const o of this.site.openingHours) if (o.days.includes(weekday)) out.push([hhmm(o.from), hhmm(o.to)]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  isOpenAt(weekday: number, minute: number): boolean {
    return this.openingMinutes(weekday).some(([a, b]) => minute >= a && minute < b);
  }

  isOpen(t: number): boolean {
    const l = this.local(t);
    return this.isOpenAt(l.weekday, l.minute);
  }

  isWorkingDay(day: string): boolean {
    return this.calendar.isWorkingDay(day);
  }

  /** Summer by the site's season dates (inclusive MM-DD bounds), for hall climate targets. */
  isSummer(month: number, dom: number): boolean {
    const s = this.site.summer;
    if (!s) return month >= 5 && month <= 9;
    const md = `${String(month).padStart(2, '0')}-${String(dom).padStart(2, '0')}`;
    return s.from <= s.to ? md >= s.from && md <= s.to : md >= s.from || md <= s.to;
  }
}

export function hhmm(s: string): number {
  const [h, m] = s.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

const models = new WeakMap<SiteConfig, SiteModel>();
/** One model per site config object (they are immutable once loaded). */
export function siteModel(site: SiteConfig): SiteModel {
  let m = models.get(site);
  if (!m) models.set(site, (m = new SiteModel(site)));
  return m;
}
