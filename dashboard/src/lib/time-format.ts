// Times are shown in the SITE's time zone (a district office in another zone, or an assessor's
// laptop, must see the hall's clock), with Intl.DateTimeFormat. Also converts site-local calendar
// times (custom trend ranges, "today") to instants.

const cache = new Map<string, Intl.DateTimeFormat>();

function fmt(locale: string, timeZone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(opts)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, hourCycle: 'h23', ...opts });
    cache.set(key, f);
  }
  return f;
}

export type TimeInput = number | string | Date;

function toMs(t: TimeInput): number {
  return t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
}

/** "2025-05-01 09:00:05" style date and time in the site's zone. */
export function formatDateTime(t: TimeInput, timeZone: string, locale = 'zh-CN'): string {
  const ms = toMs(t);
  if (!Number.isFinite(ms)) return '—';
  return fmt(locale, timeZone, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(ms);
}

/** "09:00" in the site's zone. */
export function formatTime(t: TimeInput, timeZone: string, locale = 'zh-CN', seconds = false): string {
  const ms = toMs(t);
  if (!Number.isFinite(ms)) return '—';
  return fmt(locale, timeZone, {
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
  }).format(ms);
}

/** "05-01" (month and day) in the site's zone, for axis ticks over several days. */
export function formatMonthDay(t: TimeInput, timeZone: string, locale = 'zh-CN'): string {
  const ms = toMs(t);
  if (!Number.isFinite(ms)) return '—';
  return fmt(locale, timeZone, { month: '2-digit', day: '2-digit' }).format(ms);
}

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Calendar fields of an instant in a zone. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const parts = fmt('en-US', timeZone, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour') % 24,
    minute: get('minute'),
    second: get('second'),
  };
}

/** The zone's UTC offset at an instant, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant at which the zone's wall clock shows the given fields. Two passes settle daylight
 * saving changes; zones without DST (China) settle in one.
 */
export function zonedToInstant(p: ZonedParts, timeZone: string): number {
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  let guess = wall - zoneOffsetMs(wall, timeZone);
  guess = wall - zoneOffsetMs(guess, timeZone);
  return guess;
}

/** Midnight of the site's current day, as an instant ("today" for the day's noise curve). */
export function startOfDay(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return zonedToInstant({ ...p, hour: 0, minute: 0, second: 0 }, timeZone);
}

/** "YYYY-MM-DD" of an instant in the zone. */
export function dayKey(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Parses an <input type="datetime-local"> value ("2025-05-01T09:00") as wall time in the zone. */
export function parseLocalInput(value: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  return zonedToInstant(
    { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s ?? 0) },
    timeZone,
  );
}

/** The inverse: an instant as a datetime-local value in the zone. */
export function toLocalInput(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`;
}

/** "3 min ago" style age, in words of the UI language. */
export function formatAge(ms: number, now: number, lang: string): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  const zh = lang.startsWith('zh');
  if (s < 60) return zh ? `${s} 秒前` : `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return zh ? `${m} 分钟前` : `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 48) return zh ? `${h} 小时前` : `${h} h ago`;
  const d = Math.round(h / 24);
  return zh ? `${d} 天前` : `${d} d ago`;
}
