// Vector charts for the evidence PDF, drawn with pdfkit paths (no raster, prints sharp): a daily
// min/mean/max band, daily noise LAeq against the 80 dB line, monthly evaluation rate against 70 %.
import type PDFDocument from 'pdfkit';

type Doc = InstanceType<typeof PDFDocument>;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Axis {
  lo: number;
  hi: number;
}

function axis(values: number[], extra: number[] = []): Axis {
  const all = [...values, ...extra].filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!Number.isFinite(lo)) return { lo: 0, hi: 1 };
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.08;
  return { lo: lo - pad, hi: hi + pad };
}

function frame(doc: Doc, b: Box, a: Axis, title: string, labels: string[]): (v: number) => number {
  doc.save();
  doc.lineWidth(0.5).strokeColor('#888').rect(b.x, b.y, b.w, b.h).stroke();
  doc
    .fontSize(7)
    .fillColor('#333')
    .text(title, b.x, b.y - 11, { width: b.w, lineBreak: false });
  const yOf = (v: number) => b.y + b.h - ((v - a.lo) / (a.hi - a.lo)) * b.h;
  for (let i = 0; i <= 4; i++) {
    const v = a.lo + ((a.hi - a.lo) * i) / 4;
    const y = yOf(v);
    doc
      .strokeColor('#ddd')
      .moveTo(b.x, y)
      .lineTo(b.x + b.w, y)
      .stroke();
    doc.fillColor('#555').text(v.toFixed(1), b.x - 30, y - 3, { width: 27, align: 'right', lineBreak: false });
  }
  if (labels.length) {
    const step = Math.max(1, Math.ceil(labels.length / 8));
    labels.forEach((l, i) => {
      if (i % step) return;
      const x = b.x + (labels.length === 1 ? b.w / 2 : (i / (labels.length - 1)) * b.w);
      doc.fillColor('#555').text(l, x - 20, b.y + b.h + 2, { width: 40, align: 'center', lineBreak: false });
    });
  }
  doc.restore();
  return yOf;
}

function limitLine(doc: Doc, b: Box, y: number, label: string): void {
  doc
    .save()
    .lineWidth(0.8)
    .strokeColor('#c0392b')
    .dash(3, { space: 2 })
    .moveTo(b.x, y)
    .lineTo(b.x + b.w, y)
    .stroke()
    .undash();
  doc
    .fontSize(6.5)
    .fillColor('#c0392b')
    .text(label, b.x + b.w - 60, y - 8, { width: 58, align: 'right', lineBreak: false })
    .restore();
}

/** Daily min..max band (shaded) with the daily mean as a line. */
export function bandChart(
  doc: Doc,
  b: Box,
  title: string,
  rows: Array<{ day: string; min: number; mean: number; max: number }>,
  limits: number[] = [],
): void {
  const a = axis(
    rows.flatMap((r) => [r.min, r.max]),
    limits,
  );
  const yOf = frame(
    doc,
    b,
    a,
    title,
    rows.map((r) => r.day.slice(5)),
  );
  if (rows.length === 0) return;
  const xOf = (i: number) => b.x + (rows.length === 1 ? b.w / 2 : (i / (rows.length - 1)) * b.w);
  doc.save();
  doc.moveTo(xOf(0), yOf(rows[0]!.max));
  rows.forEach((r, i) => doc.lineTo(xOf(i), yOf(r.max)));
  for (let i = rows.length - 1; i >= 0; i--) doc.lineTo(xOf(i), yOf(rows[i]!.min));
  doc.closePath().fillColor('#9ecae1').fillOpacity(0.6).fill();
  doc.fillOpacity(1).lineWidth(0.8).strokeColor('#08519c');
  rows.forEach((r, i) => (i === 0 ? doc.moveTo(xOf(i), yOf(r.mean)) : doc.lineTo(xOf(i), yOf(r.mean))));
  doc.stroke().restore();
  for (const l of limits) if (l > a.lo && l < a.hi) limitLine(doc, b, yOf(l), String(l));
}

/** A daily series (e.g. LAeq) as a line with markers against a limit. */
export function lineChart(
  doc: Doc,
  b: Box,
  title: string,
  rows: Array<{ label: string; value: number | null }>,
  limit: number,
  limitLabel: string,
): void {
  const vals = rows.map((r) => r.value).filter((v): v is number => v !== null);
  const a = axis(vals, [limit]);
  const yOf = frame(
    doc,
    b,
    a,
    title,
    rows.map((r) => r.label),
  );
  const xOf = (i: number) => b.x + (rows.length === 1 ? b.w / 2 : (i / (rows.length - 1)) * b.w);
  doc.save().lineWidth(0.8).strokeColor('#08519c');
  let pen = false;
  rows.forEach((r, i) => {
    if (r.value === null) return void (pen = false);
    if (pen) doc.lineTo(xOf(i), yOf(r.value));
    else doc.moveTo(xOf(i), yOf(r.value));
    pen = true;
  });
  doc.stroke();
  rows.forEach((r, i) => {
    if (r.value !== null)
      doc
        .circle(xOf(i), yOf(r.value), 1.2)
        .fillColor(r.value > limit ? '#c0392b' : '#08519c')
        .fill();
  });
  doc.restore();
  limitLine(doc, b, yOf(limit), limitLabel);
}

/** Monthly bars (e.g. evaluation rate, %) against a minimum. */
export function barChart(
  doc: Doc,
  b: Box,
  title: string,
  rows: Array<{ label: string; value: number | null }>,
  min: number,
  limitLabel: string,
): void {
  const a: Axis = { lo: 0, hi: Math.max(100, ...rows.map((r) => r.value ?? 0)) };
  const yOf = frame(doc, b, a, title, []);
  const bw = b.w / Math.max(1, rows.length);
  doc.save();
  rows.forEach((r, i) => {
    const x = b.x + i * bw + bw * 0.15;
    if (r.value !== null)
      doc
        .rect(x, yOf(r.value), bw * 0.7, b.y + b.h - yOf(r.value))
        .fillColor(r.value < min ? '#c0392b' : '#31a354')
        .fill();
    doc
      .fontSize(6.5)
      .fillColor('#555')
      .text(r.label, x - 5, b.y + b.h + 2, { width: bw * 0.7 + 10, align: 'center', lineBreak: false });
  });
  doc.restore();
  limitLine(doc, b, yOf(min), limitLabel);
}

/** Paired values (e.g. an hour's LAeq against its mean wait) as dots, with the x range under the box. */
export function scatterChart(
  doc: Doc,
  b: Box,
  title: string,
  points: Array<{ x: number; y: number }>,
  xLabel: string,
): void {
  const xa = axis(points.map((p) => p.x));
  const yOf = frame(doc, b, axis(points.map((p) => p.y)), title, []);
  const xOf = (x: number) => b.x + ((x - xa.lo) / (xa.hi - xa.lo)) * b.w;
  doc.save().fillColor('#08519c').fillOpacity(0.35);
  for (const p of points) doc.circle(xOf(p.x), yOf(p.y), 1.1).fill();
  doc.fillOpacity(1).restore();
  doc
    .save()
    .fontSize(6.5)
    .fillColor('#555')
    .text(xa.lo.toFixed(1), b.x - 10, b.y + b.h + 2, { width: 40, lineBreak: false })
    .text(xLabel, b.x + b.w / 2 - 60, b.y + b.h + 2, { width: 120, align: 'center', lineBreak: false })
    .text(xa.hi.toFixed(1), b.x + b.w - 30, b.y + b.h + 2, { width: 40, align: 'right', lineBreak: false })
    .restore();
}
