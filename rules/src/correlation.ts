// Pearson's correlation coefficient of paired values with a 95 % interval by Fisher's z transform
// (z = atanh r, standard error 1/√(n−3)), for the pack's environment × service section. The
// interval assumes independent pairs; hourly values of one hall are not (a busy morning is loud and
// slow together), so it is narrower than it should be: the pack says so, and that correlation is
// not cause.

export interface Correlation {
  /** Pairs with both values. */
  n: number;
  /** null with fewer than 3 pairs or when either side does not vary. */
  r: number | null;
  /** 95 % interval of r; null with fewer than 4 pairs. */
  low: number | null;
  high: number | null;
}

export function pearson(xs: ReadonlyArray<number | null>, ys: ReadonlyArray<number | null>): Correlation {
  const px: number[] = [];
  const py: number[] = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    if (x === null || y === null || x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y))
      continue;
    px.push(x);
    py.push(y);
  }
  const n = px.length;
  if (n < 3) return { n, r: null, low: null, high: null };
  const mx = px.reduce((a, b) => a + b, 0) / n;
  const my = py.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = px[i]! - mx;
    const dy = py[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { n, r: null, low: null, high: null };
  const r = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  if (n < 4 || Math.abs(r) === 1) return { n, r: round4(r), low: null, high: null };
  const z = Math.atanh(r);
  const se = 1 / Math.sqrt(n - 3);
  return { n, r: round4(r), low: round4(Math.tanh(z - 1.96 * se)), high: round4(Math.tanh(z + 1.96 * se)) };
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
