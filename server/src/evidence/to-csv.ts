// CSV exports of the pack: a clause summary, one file per clause (its excursions, gaps and tables,
// in sections), and the minute data behind it per sensor/metric. UTF-8 with a BOM so Excel opens the
// Chinese titles; numbers plain (no thousands separators, '.' decimals); RFC 4180 quoting.
import type { Store } from '../store/store.ts';
import { laeqFromEnergy } from '@hallmon/rules';
import type { ClauseEvidence, EvidencePack } from './types.ts';

export const BOM = '\uFEFF';

type Cell = string | number | boolean | null | undefined;

export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(cells: Cell[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function summaryCsv(pack: EvidencePack): string {
  let out =
    BOM +
    csvLine([
      'clause',
      'title',
      'title_en',
      'verdict',
      'coverage',
      'excursions',
      'gaps',
      'reason',
      'site',
      'from',
      'to',
    ]);
  for (const c of pack.clauses)
    out += csvLine([
      c.clause,
      c.title,
      c.titleEn,
      c.verdict,
      c.coverage,
      c.excursions.length,
      c.gaps.length,
      c.reason,
      pack.site,
      pack.from,
      pack.to,
    ]);
  return out;
}

function section(title: string, header: string[], rows: Cell[][]): string {
  return csvLine([`# ${title}`]) + csvLine(header) + rows.map(csvLine).join('') + '\r\n';
}

export function clauseCsv(c: ClauseEvidence): string {
  let out = BOM;
  out += section(
    'clause',
    ['clause', 'title', 'verdict', 'coverage', 'hours', 'reason'],
    [[c.clause, c.title, c.verdict, c.coverage, c.hours, c.reason]],
  );
  out += section(
    'rules',
    ['rule', 'title', 'min', 'max', 'limit_source'],
    c.rules.map((r) => [r.rule, r.title, r.limits?.min, r.limits?.max, r.limitSource]),
  );
  out += section(
    'coverage',
    ['sensor', 'metric', 'coverage', 'covered_minutes', 'expected_minutes'],
    c.coverageBySensor.map((s) => [s.sensor, s.metric, s.coverage, s.coveredMinutes, s.expectedMinutes]),
  );
  out += section(
    'excursions',
    [
      'sensor',
      'metric',
      'rule',
      'severity',
      'start',
      'end',
      'duration_s',
      'peak',
      'limit',
      'end_reason',
      'finding',
      'count',
    ],
    c.excursions.map((x) => [
      x.sensor,
      x.metric,
      x.rule,
      x.severity,
      x.start,
      x.end,
      x.durationS,
      x.peak,
      x.limit,
      x.endReason,
      x.finding,
      x.count,
    ]),
  );
  if (c.doorOpenings)
    out += section(
      'door openings (entry register)',
      [
        'sensor',
        'start',
        'end',
        'duration_s',
        'registered',
        'late',
        'visit',
        'visitor',
        'organisation',
        'reason',
        'escort',
        'in_at',
        'out_at',
        'written_at',
      ],
      c.doorOpenings.map((o) => [
        o.sensor,
        o.start,
        o.end,
        o.durationS,
        o.registered,
        o.late,
        o.visit?.id,
        o.visit?.visitor,
        o.visit?.organisation,
        o.visit?.reason,
        o.visit?.escort,
        o.visit?.inAt,
        o.visit?.outAt,
        o.visit?.createdAt,
      ]),
    );
  if (c.stateEvents)
    out += section(
      'state events',
      [
        'sensor',
        'metric',
        'rule',
        'title',
        'severity',
        'start',
        'end',
        'duration_s',
        'ongoing',
        'alarm',
        'acked_by',
        'acked_at',
        'ack_note',
        'message',
      ],
      c.stateEvents.map((x) => [
        x.sensor,
        x.metric,
        x.rule,
        x.title,
        x.severity,
        x.start,
        x.end,
        x.durationS,
        x.ongoing,
        x.alarmId,
        x.ackedBy,
        x.ackedAt,
        x.ackNote,
        x.message,
      ]),
    );
  out += section(
    'gaps',
    ['sensor', 'metric', 'start', 'end', 'duration_s', 'source'],
    c.gaps.map((g) => [g.sensor, g.metric, g.start, g.end, g.durationS, g.source]),
  );
  if (c.daily?.length)
    out += section(
      'daily',
      Object.keys(c.daily[0]!),
      c.daily.map((r) => Object.values(r) as Cell[]),
    );
  if (c.monthly.length)
    out += section(
      'monthly',
      Object.keys(c.monthly[0]!),
      c.monthly.map((r) => Object.values(r) as Cell[]),
    );
  if (c.byWindow?.length)
    out += section(
      'windows',
      Object.keys(c.byWindow[0]!),
      c.byWindow.map((r) => Object.values(r) as Cell[]),
    );
  if (c.periodNoise?.length)
    out += section(
      'period',
      Object.keys(c.periodNoise[0]!),
      c.periodNoise.map((r) => Object.values(r) as Cell[]),
    );
  return out;
}

export function listCsv<T extends object>(rows: T[], header: string[]): string {
  return BOM + csvLine(header) + rows.map((r) => csvLine(header.map((h) => (r as Record<string, Cell>)[h]))).join('');
}

/**
 * The minute data of one series over the period, written chunk by chunk (a year is ~525,600 rows;
 * a pack's 30 series are ~800 MB). Per row only the numbers are formatted: bucket starts are whole
 * minutes, so the ISO time is the hour's "YYYY-MM-DDTHH:" (formatted once an hour) + "mm:00.000Z".
 */
export async function* minuteCsv(
  store: Store,
  site: string,
  sensor: string,
  metric: EvidencePack['series'][number]['metric'],
  from: number,
  to: number,
): AsyncGenerator<string> {
  const noise = metric === 'noise_laeq';
  yield BOM + csvLine(['minute_start', 'count', 'min', 'mean', 'max', ...(noise ? ['laeq'] : [])]);
  const DAY = 86_400_000 * 7;
  let hour = NaN;
  let prefix = '';
  const line = (ts: number, count: number, min: number, mean: number, max: number, laeq: number | undefined) => {
    let t: string;
    if (ts >= 0 && ts % 60_000 === 0) {
      const h = ts - (ts % 3_600_000);
      if (h !== hour) {
        hour = h;
        prefix = new Date(h).toISOString().slice(0, 14);
      }
      t = `${prefix}${MM[(ts - h) / 60_000]}:00.000Z`;
    } else t = new Date(ts).toISOString();
    return `${t},${count},${min},${r4(mean)},${max}${noise ? `,${laeq === undefined ? '' : r4(laeq)}` : ''}\r\n`;
  };
  for (let a = from; a < to; a += DAY) {
    const q = { site, sensor, metric, from: a, to: Math.min(to, a + DAY) };
    let buf = '';
    // Columns: the same numbers toAggregatePoint gives (mean = sum / count, LAeq from energy / duration).
    const c = await store.readMinuteRollups(q);
    for (let i = 0; i < c.ts.length; i++)
      buf += line(
        c.ts[i]!,
        c.count[i]!,
        c.min[i]!,
        c.sum[i]! / c.count[i]!,
        c.max[i]!,
        noise ? laeqFromEnergy(c.energy[i]!, c.durSum[i]!) : undefined,
      );
    if (buf) yield buf;
  }
}

const MM = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
