// Marks for the trend charts: excursions (spans where a rule's condition held, with hysteresis as
// the edge rules use it), gaps (no data longer than the rule's threshold, 5.2.2 "持续监控并记录") and
// fast temperature changes (GB 50174-2017 Appendix A as judged by ASHRAE TC9.9: 5 °C in 15 min).

export interface Span {
  from: number;
  to: number;
}

/** Series as parallel arrays: times in ms, values (null = no data in that slot). */
export interface Series {
  t: readonly number[];
  v: readonly (number | null)[];
}

/**
 * Spans where v > max, lasting until v <= clearMax (hysteresis). With windowN > 1 the test runs on
 * the energy mean of the last windowN values (noise: 1-minute LAeq -> rolling LAeq,5min); with
 * energy false, an arithmetic mean.
 */
export function excursionsAbove(
  s: Series,
  opts: { max: number; clearMax?: number; windowN?: number; energy?: boolean; stepMs?: number },
): Span[] {
  const clear = opts.clearMax ?? opts.max;
  const n = Math.max(1, opts.windowN ?? 1);
  const stepMs = opts.stepMs ?? 60_000;
  const spans: Span[] = [];
  let open: number | null = null;
  const win: number[] = [];
  for (let i = 0; i < s.t.length; i++) {
    const v = s.v[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    win.push(v);
    if (win.length > n) win.shift();
    const m = opts.energy
      ? 10 * Math.log10(win.reduce((acc, x) => acc + 10 ** (x / 10), 0) / win.length)
      : win.reduce((a, b) => a + b, 0) / win.length;
    const t = s.t[i]!;
    if (open === null && m > opts.max) open = t;
    else if (open !== null && m <= clear) {
      spans.push({ from: open, to: t });
      open = null;
    }
  }
  if (open !== null) spans.push({ from: open, to: (s.t[s.t.length - 1] ?? open) + stepMs });
  return spans;
}

/** Spans between consecutive data points further apart than thresholdMs. */
export function gaps(t: readonly number[], thresholdMs: number, range?: Span): Span[] {
  const out: Span[] = [];
  if (range && (t.length === 0 || t[0]! - range.from > thresholdMs)) out.push({ from: range.from, to: t[0] ?? range.to });
  for (let i = 1; i < t.length; i++) if (t[i]! - t[i - 1]! > thresholdMs) out.push({ from: t[i - 1]!, to: t[i]! });
  const last = t[t.length - 1];
  if (range && last !== undefined && range.to - last > thresholdMs) out.push({ from: last, to: range.to });
  return out;
}

/**
 * Indices where the value changed by more than maxDelta within windowMs (compared with the oldest
 * point still inside the window). One mark per excursion start, not per point.
 */
export function fastChanges(s: Series, windowMs: number, maxDelta: number): number[] {
  const marks: number[] = [];
  let lo = 0;
  let inside = false;
  for (let i = 0; i < s.t.length; i++) {
    const v = s.v[i];
    if (v === null || v === undefined) continue;
    while (lo < i && s.t[i]! - s.t[lo]! > windowMs) lo++;
    let hit = false;
    for (let j = lo; j < i; j++) {
      const w = s.v[j];
      if (w !== null && w !== undefined && Math.abs(v - w) > maxDelta) {
        hit = true;
        break;
      }
    }
    if (hit && !inside) marks.push(i);
    inside = hit;
  }
  return marks;
}
