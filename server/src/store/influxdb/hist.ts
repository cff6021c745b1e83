// Noise level histograms of pruned periods on InfluxDB 1.x, so L10/L50/L90 of an old period survive
// pruneRaw as they do on SQLite (its rollup_1m_hist). InfluxQL cannot bin field values, so before
// raw noise points are deleted they are binned here per minute (0.5 dB bins, seconds per bin) and
// kept in `rollup_hist`: one point per series-minute, one field per bin (`b125` = 62.5 dB), so a
// read is a single `SELECT sum(*)` over the range.
import { qlTime, type InfluxReader, type InfluxSeries, type LineWriter } from './influxql.ts';
import { escTag, fieldFloat } from './points.ts';
import { bucketStart } from '../rollup.ts';
import { DEFAULT_NOISE_DUR_S, histBin } from '@hallmon/rules';

export const ROLLUP_HIST = 'rollup_hist';
const LINES_PER_WRITE = 5_000;

function binField(bin: number): string {
  return bin < 0 ? `bm${-bin}` : `b${bin}`;
}

/** `b125`, `sum_b125` -> 125; `bm3` -> -3; anything else undefined. */
export function fieldBin(column: string): number | undefined {
  const m = /^(?:sum_)?b(m?)(\d+)$/.exec(column);
  return m ? (m[1] ? -1 : 1) * Number(m[2]) : undefined;
}

/** Line-protocol fields of one minute's bins. */
export function histFields(bins: Map<number, number>): string {
  return [...bins].map(([b, sec]) => `${binField(b)}=${fieldFloat(sec)}`).join(',');
}

/** Adds rows of `SELECT * FROM rollup_hist ... GROUP BY site, sensor, metric` to per-minute bins keyed site\0sensor\0metric\0minute. */
export function addKeptBins(into: Map<string, Map<number, number>>, series: InfluxSeries[] | undefined): void {
  for (const s of series ?? []) {
    const prefix = `${s.tags?.site ?? ''}\0${s.tags?.sensor ?? ''}\0${s.tags?.metric ?? ''}\0`;
    const cols = s.columns.map(fieldBin);
    for (const row of s.values) {
      const ts = row[0];
      if (typeof ts !== 'number') continue;
      const key = prefix + ts;
      let bins = into.get(key);
      if (!bins) into.set(key, (bins = new Map()));
      cols.forEach((b, i) => {
        const sec = row[i];
        if (b !== undefined && typeof sec === 'number') bins!.set(b, (bins!.get(b) ?? 0) + sec);
      });
    }
  }
}

/** Bins the raw noise points in [from, to) per series-minute into rollup_hist (call before deleting them). */
export async function keepMinuteHistograms(
  bulk: InfluxReader,
  lines: LineWriter,
  from: number,
  to: number,
): Promise<void> {
  const [series] = await bulk.query(
    `SELECT value, edur FROM reading WHERE metric = 'noise_laeq' AND time >= ${qlTime(from)} AND time < ${qlTime(to)} GROUP BY site, sensor, metric`,
  );
  const out: string[] = [];
  for (const s of series ?? []) {
    const tags = `metric=${escTag(s.tags?.metric ?? '')},sensor=${escTag(s.tags?.sensor ?? '')},site=${escTag(s.tags?.site ?? '')}`;
    let minute = NaN;
    let bins = new Map<number, number>();
    const flush = () => {
      if (bins.size) out.push(`${ROLLUP_HIST},${tags} ${histFields(bins)} ${minute}`);
      bins = new Map();
    };
    for (const [ts, value, edur] of s.values) {
      if (typeof ts !== 'number' || typeof value !== 'number') continue;
      const m = bucketStart(ts, '1m');
      if (m !== minute) {
        flush();
        minute = m;
      }
      const b = histBin(value);
      bins.set(b, (bins.get(b) ?? 0) + (typeof edur === 'number' ? edur : DEFAULT_NOISE_DUR_S));
    }
    flush();
  }
  for (let i = 0; i < out.length; i += LINES_PER_WRITE) await lines.write(out.slice(i, i + LINES_PER_WRITE).join('\n'));
}

/** The statement summing the bins of `measurement`'s minutes with start in [from, to) (whole minutes). */
export function keptHistogramQuery(measurement: string, where: string, from: number, to: number): string {
  return `SELECT sum(*) FROM ${measurement} WHERE ${where} AND time >= ${qlTime(from)} AND time < ${qlTime(to)}`;
}

/** Adds the answer of a keptHistogramQuery (`sum_b125` columns, one row) to `bins`. */
export function addSummedBins(series: InfluxSeries[] | undefined, bins: Map<number, number>): void {
  const s = series?.[0];
  const row = s?.values[0];
  if (!s || !row) return;
  s.columns.forEach((c, i) => {
    const b = fieldBin(c);
    const sec = row[i];
    if (b !== undefined && typeof sec === 'number') bins.set(b, (bins.get(b) ?? 0) + sec);
  });
}
