// The canonical text of the seal digests (formats 2 and 3), shared by every store: whatever a
// store returns, the bytes hashed are these, so a day sealed on SQLite can be re-checked on
// InfluxDB. Numbers are integers only (times in ms; values quantised to 1e-6, minute LAeq to
// 1e-4 dB, rounded half away from zero exactly as SQLite's round()), so SQL can produce the same
// text without float printing.
import type { AggregatePoint, StatusChange, StoredEvent, StoredReading } from '../store/store.ts';
import type { AuditRecord } from '../audit/audit-log.ts';

/** x·1e6 rounded half away from zero: trunc(r ± 0.5), the arithmetic of SQLite's round(r). */
export function q6(x: number): number {
  const r = x * 1e6;
  return Math.trunc(r + (r < 0 ? -0.5 : 0.5)) + 0; // + 0 turns -0 into 0 ("0", as SQLite prints)
}

/** A minute LAeq in units of 1e-4 dB, rounded the same way. */
export function q4(laeq: number): number {
  const r = laeq * 1e4;
  return Math.trunc(r + (r < 0 ? -0.5 : 0.5)) + 0;
}

/**
 * Raw lines of one series, ordered by time: `ts,q6(value),q6(dur)` (dur empty when absent), joined
 * by "\n" without a trailing one. Store.readRawSealText must return exactly this.
 */
export function rawSealText(rows: readonly StoredReading[]): string {
  let s = '';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    s += `${i ? '\n' : ''}${r.ts},${q6(r.value)},${r.dur === undefined ? '' : q6(r.dur)}`;
  }
  return s;
}

/**
 * Minute-rollup lines of one series, ordered by bucket start: `ts,count,q6(min),q6(max),q6(mean)`
 * and for noise `,q4(LAeq)` (empty without one), joined by "\n". Store.readMinuteSealText must
 * return exactly this; the mean is sum / count and the LAeq 10·log10(energy / durSum), as in
 * toAggregatePoint.
 */
export function minuteSealText(points: readonly AggregatePoint[], noise: boolean): string {
  let s = '';
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    s += `${i ? '\n' : ''}${p.ts},${p.count},${q6(p.min)},${q6(p.max)},${q6(p.mean)}`;
    if (noise) s += `,${p.laeq === undefined ? '' : q4(p.laeq)}`;
  }
  return s;
}

/** A string field of a record line: JSON-quoted (tabs and newlines escaped), empty when absent. */
const str = (s: string | undefined) => (s === undefined ? '' : JSON.stringify(s));
/** An integer field (times in ms, scores, counts), empty when absent. */
const int = (n: number | undefined) => (n === undefined ? '' : String(Math.trunc(n)));

/**
 * Record lines of a day (format 3): one per device event
 * `e\tts\tdevice\ttype\tscore\twindow\tticket\tfault\tcount\tstart\tend\tdetail` and one per
 * device status change `s\tts\tdevice\tstatus`, sorted by code unit and joined by "\n". Every
 * field a store keeps is in the line, so a rating's score, a ticket's window or a fault's span
 * cannot change unnoticed; the sort makes the text independent of a store's row order.
 */
export function recordsSealText(events: readonly StoredEvent[], statuses: readonly StatusChange[]): string {
  const lines: string[] = [];
  for (const e of events)
    lines.push(
      [
        'e',
        int(e.ts),
        str(e.device),
        str(e.type),
        int(e.score),
        str(e.window),
        str(e.ticket),
        str(e.fault),
        int(e.count),
        int(e.start),
        int(e.end),
        str(e.detail),
      ].join('\t'),
    );
  for (const s of statuses) lines.push(['s', int(s.ts), str(s.device), str(s.status)].join('\t'));
  return lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join('\n');
}

/**
 * Audit lines of a day (format 4): one per entry of the trail,
 * `u\tid\tts\tactor\taction\tsite\ttarget\tip\tok\tdetail` with detail as stored (JSON text),
 * in id order (the trail's own order), joined by "\n". Who acted, on what, from where and with which
 * outcome are all in the line, so an acknowledgement cannot be re-attributed unnoticed.
 */
export function auditSealText(entries: readonly AuditRecord[]): string {
  return [...entries]
    .sort((a, b) => a.id - b.id)
    .map((e) =>
      [
        'u',
        int(e.id),
        int(e.ts),
        str(e.actor),
        str(e.action),
        str(e.site ?? undefined),
        str(e.target ?? undefined),
        str(e.ip ?? undefined),
        e.ok ? '1' : '0',
        str(e.detailText),
      ].join('\t'),
    )
    .join('\n');
}
