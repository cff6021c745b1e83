// Site-local time for the rules: calendar days, opening hours and seasons in the site's time zone.
// Hall clauses are judged in opening hours only, hall climate limits switch
// with the season (GB/T 18883-2022), days and working days are the site's, not UTC's.
import { nextDay, ZoneOffset, type Day } from '@hallmon/firmware-config/core';

export interface OpeningSpan {
  days: number[];
  from: string;
  to: string;
}

export interface SeasonRange {
  from: string;
  to: string;
}

/** Used when a site config names no summer (the demo site's range; GB/T 18883 gives no dates). */
export const DEFAULT_SUMMER: SeasonRange = { from: '05-01', to: '09-30' };

interface DayInfo {
  day: Day;
  start: number;
  end: number;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  mmdd: string;
  /** Merged opening intervals [start, end) of the day, epoch ms. */
  open: Array<[number, number]>;
  /** Whether the day is in the site's summer (the memo key includes the summer range). */
  summer: boolean;
}

const dayMemos = new Map<string, Map<number, DayInfo>>();
function dayMemo(key: string): Map<number, DayInfo> {
  let m = dayMemos.get(key);
  if (!m) dayMemos.set(key, (m = new Map()));
  return m;
}

export class Schedule {
  private zone: ZoneOffset | undefined;
  private cache: DayInfo | null = null;

  constructor(
    readonly timeZone: string,
    private readonly hours: OpeningSpan[],
    private readonly summer: SeasonRange = DEFAULT_SUMMER,
  ) {}

  /** Epoch ms of a site-local wall-clock time ("24:00" is the next midnight). */
  localMs(day: Day, hhmm: string): number {
    if (hhmm === '24:00') return this.localMs(nextDay(day), '00:00');
    const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
    const [h, mi] = hhmm.split(':').map(Number) as [number, number];
    return this.offset().fromLocal(Date.UTC(y, mo - 1, d, h, mi));
  }

  /** The site-local calendar day of an instant, its bounds and opening intervals. */
  dayInfo(ms: number): DayInfo {
    const c = this.cache;
    if (c && ms >= c.start && ms < c.end) return c;
    // Days computed before, by UTC hour, shared by schedules of the same zone, hours and season
    // (the evidence replay builds many engines and walks to season ends again and again).
    const memo = (this.byHour ??= dayMemo(
      `${this.timeZone}|${JSON.stringify(this.hours)}|${JSON.stringify(this.summer)}`,
    ));
    const hit = memo.get(Math.floor(ms / 3_600_000));
    if (hit && ms >= hit.start && ms < hit.end) return (this.cache = hit);
    const info = this.computeDay(ms);
    if (memo.size > 200_000) memo.clear();
    for (let h = Math.ceil(info.start / 3_600_000); (h + 1) * 3_600_000 <= info.end; h++) memo.set(h, info);
    return info;
  }

  private byHour: Map<number, DayInfo> | undefined;

  /** Built on first use (an unknown zone throws where local time is first needed). */
  private offset(): ZoneOffset {
    return (this.zone ??= new ZoneOffset(this.timeZone));
  }

  private computeDay(ms: number): DayInfo {
    const local = new Date(ms + this.offset().at(ms));
    const p = { y: local.getUTCFullYear(), mo: local.getUTCMonth() + 1, d: local.getUTCDate() };
    const day = `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
    const start = this.localMs(day, '00:00');
    const end = this.localMs(nextDay(day), '00:00');
    const weekday = new Date(Date.UTC(p.y, p.mo - 1, p.d)).getUTCDay() || 7;
    const spans: Array<[number, number]> = this.hours
      .filter((h) => h.days.includes(weekday))
      .map((h): [number, number] => [this.localMs(day, h.from), h.to === '24:00' ? end : this.localMs(day, h.to)])
      .filter(([a, b]) => b > a)
      .sort((a, b) => a[0] - b[0]);
    const open: Array<[number, number]> = [];
    for (const s of spans) {
      const last = open[open.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else open.push([s[0], s[1]]);
    }
    const md = day.slice(5);
    const { from, to } = this.summer;
    const summer = from <= to ? md >= from && md <= to : md >= from || md <= to;
    const info = { day, start, end, weekday, mmdd: md, open, summer };
    this.cache = info;
    return info;
  }

  day(ms: number): Day {
    return this.dayInfo(ms).day;
  }

  /** Start of a site-local day (epoch ms). */
  dayStart(day: Day): number {
    return this.localMs(day, '00:00');
  }

  /** The opening interval containing `ms` (from inclusive, to exclusive), or null when closed. */
  openInterval(ms: number): [number, number] | null {
    // Hot path (every reading of an opening-hours rule): a plain loop, no closure.
    const open = this.dayInfo(ms).open;
    for (let i = 0; i < open.length; i++) {
      const iv = open[i]!;
      if (ms >= iv[0] && ms < iv[1]) return iv;
    }
    return null;
  }

  isOpen(ms: number): boolean {
    return this.openInterval(ms) !== null;
  }

  /** Month-day bounds are inclusive; a range like 11-01..03-31 wraps the new year. */
  inSeason(ms: number, season: 'summer' | 'winter'): boolean {
    const summer = this.dayInfo(ms).summer;
    return season === 'summer' ? summer : !summer;
  }

  /** The first instant after `ms` that is out of the season (the next out-of-season midnight). */
  seasonEnd(ms: number, season: 'summer' | 'winter'): number {
    let info = this.dayInfo(ms);
    for (let i = 0; i < 370 && this.inSeason(info.start, season); i++) info = this.dayInfo(info.end);
    return info.start;
  }

  /**
   * The opening intervals of [from, to) cut at the site-local clock hours: 09:00-10:00, …; a part
   * hour at either end of an interval is a slot of its own (08:30-09:00). Days are cut from local
   * midnight in whole hours, which is the clock hour wherever the offset is a whole number of hours.
   */
  openingSlots(from: number, to: number): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let info = this.dayInfo(from); info.start < to; info = this.dayInfo(info.end))
      for (const [a, b] of info.open)
        for (let s = Math.max(a, from); s < Math.min(b, to);) {
          const e = Math.min(b, to, info.start + (Math.floor((s - info.start) / 3_600_000) + 1) * 3_600_000);
          out.push([s, e]);
          s = e;
        }
    return out;
  }

  /**
   * When `durMs` of opening time has elapsed from `fromMs` (counting only open time), or Infinity when
   * the site never opens within a year. Used for "offline in opening hours longer than 10 min".
   */
  afterOpenTime(fromMs: number, durMs: number): number {
    let left = durMs;
    let info = this.dayInfo(fromMs);
    for (let i = 0; i < 370; i++) {
      for (const [a, b] of info.open) {
        const s = Math.max(a, fromMs);
        if (b <= s) continue;
        if (b - s >= left) return s + left;
        left -= b - s;
      }
      info = this.dayInfo(info.end);
    }
    return Infinity;
  }
}
