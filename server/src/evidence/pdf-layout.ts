// Page furniture shared by the evidence PDF and the district PDF: the verdict words and colours,
// headings, tables that continue over pages (with a "see the CSV" line past MAX_ROWS), number and
// site-local time formats, and the document itself (A4, Noto Sans SC embedded as a subset, page
// numbers on every page).
import PDFDocument from 'pdfkit';
import type { Verdict } from './types.ts';
import { notoSansSc } from './pdf-font.ts';

export type Doc = InstanceType<typeof PDFDocument>;

export const VERDICT: Record<Verdict, string> = { pass: '符合', fail: '不符合', 'insufficient-data': '数据不足' };
export const VERDICT_COLOR: Record<Verdict, string> = {
  pass: '#1a7f37',
  fail: '#c0392b',
  'insufficient-data': '#b7791f',
};
/** Rows shown per table on paper; the CSV has all of them. */
export const MAX_ROWS = 60;
export const M = 50;

/** A new A4 document in the CJK font, and its bytes once ended. */
export function newDoc(info: { Title: string; Author: string }, layout: 'portrait' | 'landscape' = 'portrait') {
  const doc: Doc = new PDFDocument({ size: 'A4', layout, margin: M, bufferPages: true, info });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', notoSansSc());
  doc.font('cjk');
  return { doc, done };
}

/** "第 n / N 页" with a caption at the foot of every (buffered) page. */
export function pageNumbers(doc: Doc, caption: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .fontSize(8)
      .fillColor('#666')
      .text(`${caption} · 第 ${i + 1} / ${range.count} 页`, M, doc.page.height - 30, {
        width: doc.page.width - 2 * M,
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins.bottom = bottom;
  }
}

export function h1(doc: Doc, s: string): void {
  if (doc.y > doc.page.height - M - 80) doc.addPage();
  doc.x = M;
  doc.moveDown(0.5).fontSize(15).fillColor('#000').text(s).moveDown(0.3);
}

export function h2(doc: Doc, s: string): void {
  if (doc.y > doc.page.height - M - 60) doc.addPage();
  doc.x = M;
  doc.moveDown(0.3).fontSize(11).fillColor('#000').text(s).moveDown(0.2);
}

/** `total`: the row count when the caller passed only the first MAX_ROWS (the rest are never drawn). */
export function table(
  doc: Doc,
  header: string[],
  widths: number[],
  rows: string[][],
  colorOf?: (row: string[]) => string | undefined,
  total = rows.length,
): void {
  const rowH = 13;
  const x0 = M;
  const draw = (cells: string[], bold: boolean, color?: string) => {
    if (doc.y + rowH > doc.page.height - M) {
      doc.addPage();
      if (!bold) draw(header, true);
    }
    const y = doc.y;
    if (bold)
      doc
        .save()
        .rect(
          x0,
          y - 1,
          widths.reduce((a, b) => a + b, 0),
          rowH,
        )
        .fillColor('#eee')
        .fill()
        .restore();
    let x = x0;
    doc.fontSize(7.5).fillColor(color ?? '#000');
    cells.forEach((cell, i) => {
      doc.text(cell, x + 2, y + 1, { width: widths[i]! - 4, height: rowH, lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.fillColor('#000');
    doc.x = x0;
    doc.y = y + rowH;
  };
  draw(header, true);
  if (total === 0) {
    draw(['无'], false);
    return;
  }
  for (const r of rows.slice(0, MAX_ROWS)) draw(r, false, colorOf?.(r));
  if (total > MAX_ROWS) draw([`…… 另有 ${total - MAX_ROWS} 行，见 CSV`], false);
  doc.moveDown(0.5);
}

export function pct(v: number | null): string {
  return v === null ? '—' : `${(v * 100).toFixed(1)} %`;
}

export function fmt(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : String(Math.round(v * 100) / 100);
}

export function fmtCell(v: unknown): string {
  if (typeof v === 'number') return fmt(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  return v === null || v === undefined ? '' : String(v);
}

export function dur(s: number): string {
  if (s < 3600) return `${Math.round(s / 60)} 分钟`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} 小时`;
  return `${(s / 86_400).toFixed(1)} 天`;
}

/** Formatters per time zone: creating an Intl.DateTimeFormat per cell was most of a loud year's PDF. */
const localFormats = new Map<string, { day: Intl.DateTimeFormat; hm: Intl.DateTimeFormat }>();

export function fmtLocal(iso: string, tz: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  let f = localFormats.get(tz);
  if (!f) {
    // The same formats as dayInZone (firmware-config calendar.ts) and the hour:minute before.
    f = {
      day: new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }),
      hm: new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    };
    localFormats.set(tz, f);
  }
  return `${f.day.format(ms)} ${f.hm.format(ms)}`;
}
