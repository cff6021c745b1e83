// CSV exports of the pack: a clause summary, one file per clause (its excursions, gaps and tables,
// in sections), and the minute data behind it per sensor/metric. UTF-8 with a BOM so Excel opens the
// Chinese titles; numbers plain (no thousands separators, '.' decimals); RFC 4180 quoting.
import type { Store } from '../store/store.ts';
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
  let out = BOM + csvLine(['clause', 'title', 'title_en', 'verdict', 'coverage', 'excursions', 'gaps', 'reason', 'site', 'from', 'to']);
  for (const c of pack.clauses)
    out += csvLine([c.clause, c.title, c.titleEn, c.verdict, c.coverage, c.excursions.length, c.gaps.length, c.reason, pack.site, pack.from, pack.to]);
  return out;
}

function section(title: string, header: string[], rows: Cell[][]): string {
  return csvLine([`# ${title}`]) + csvLine(header) + rows.map(csvLine).join('') + '\r\n';
}

export function clauseCsv(c: ClauseEvidence): string {
  let out = BOM;
  out += section('clause', ['clause', 'title', 'verdict', 'coverage', 'hours', 'reason'], [[c.clause, c.title, c.verdict, c.coverage, c.hours, c.reason]]);
  out += section('rules', ['rule', 'title', 'min', 'max', 'limit_source'], c.rules.map((r) => [r.rule, r.title, r.limits?.min, r.limits?.max, r.limitSource]));
  out += section('coverage', ['sensor', 'metric', 'coverage', 'covered_minutes', 'expected_minutes'], c.coverageBySensor.map((s) => [s.sensor, s.metric, s.coverage, s.coveredMinutes, s.expectedMinutes]));
  out += section(
    'excursions',
    ['sensor', 'metric', 'rule', 'severity', 'start', 'end', 'duration_s', 'peak', 'limit', 'end_reason'],
    c.excursions.map((x) => [x.sensor, x.metric, x.rule, x.severity, x.start, x.end, x.durationS, x.peak, x.limit, x.endReason]),
  );
  out += section('gaps', ['sensor', 'metric', 'start', 'end', 'duration_s', 'source'], c.gaps.map((g) => [g.sensor, g.metric, g.start, g.end, g.durationS, g.source]));
  if (c.daily?.length) out += section('daily', Object.keys(c.daily[0]!), c.daily.map((r) => Object.values(r) as Cell[]));
  if (c.monthly.length) out += section('monthly', Object.keys(c.monthly[0]!), c.monthly.map((r) => Object.values(r) as Cell[]));
  if (c.periodNoise?.length) out += section('period', Object.keys(c.periodNoise[0]!), c.periodNoise.map((r) => Object.values(r) as Cell[]));
  return out;
}

export function listCsv<T extends object>(rows: T[], header: string[]): string {
  return BOM + csvLine(header) + rows.map((r) => csvLine(header.map((h) => (r as Record<string, Cell>)[h]))).join('');
}

/** The minute data of one series over the period, written chunk by chunk (a year is ~525,600 rows). */
export async function* minuteCsv(store: Store, site: string, sensor: string, metric: EvidencePack['series'][number]['metric'], from: number, to: number): AsyncGenerator<string> {
  const noise = metric === 'noise_laeq';
  yield BOM + csvLine(['minute_start', 'count', 'min', 'mean', 'max', ...(noise ? ['laeq'] : [])]);
  const DAY = 86_400_000 * 7;
  for (let a = from; a < to; a += DAY) {
    const pts = await store.readAggregate({ site, sensor, metric, from: a, to: Math.min(to, a + DAY), step: '1m' });
    let buf = '';
    for (const p of pts) {
      buf += `${new Date(p.ts).toISOString()},${p.count},${p.min},${r4(p.mean)},${p.max}${noise ? `,${p.laeq === undefined ? '' : r4(p.laeq)}` : ''}\r\n`;
    }
    if (buf) yield buf;
  }
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
