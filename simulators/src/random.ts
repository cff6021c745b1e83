// Seeded randomness for scenarios. Two kinds: a small sequential PRNG (mulberry32) for one-off
// draws, and a stateless hash of (seed, key, bucket) so that any instant can be evaluated on its
// own: the same second of the same sensor always gets the same noise, however a run is split.

/** mulberry32: a 32-bit PRNG, fast and good enough for simulation (not for secrets). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const keyCache = new Map<string, number>();

/** FNV-1a of a string (cached: keys are a handful of sensor/channel names). */
export function hashString(s: string): number {
  let h = keyCache.get(s);
  if (h !== undefined) return h;
  h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h >>>= 0;
  if (keyCache.size < 10_000) keyCache.set(s, h);
  return h;
}

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable 32-bit hash of (seed, key, bucket); bucket may be any integer (e.g. epoch seconds). */
export function hash3(seed: number, key: string, bucket: number): number {
  const lo = bucket % 4294967296;
  const hi = Math.floor(bucket / 4294967296);
  let h = fmix((seed >>> 0) ^ 0x9e3779b9);
  h = fmix(h ^ hashString(key));
  h = fmix(h ^ (lo >>> 0));
  return fmix(h ^ (hi >>> 0) ^ 0x27d4eb2f);
}

/** Uniform in [0, 1) for (seed, key, bucket). */
export function unit(seed: number, key: string, bucket: number): number {
  return hash3(seed, key, bucket) / 4294967296;
}

/** Standard normal for (seed, key, bucket), by Box-Muller over two independent uniforms. */
export function gauss(seed: number, key: string, bucket: number): number {
  const u1 = (hash3(seed, key, bucket) + 1) / 4294967297;
  const u2 = hash3(seed ^ 0x5bd1e995, key, bucket) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Smooth noise in about [-1, 1]: uniform values at every `periodMs` knot, cosine-interpolated in
 * between, so a slow drift (a room's temperature wandering) is continuous in time.
 */
export function smoothNoise(seed: number, key: string, tMs: number, periodMs: number): number {
  const x = tMs / periodMs;
  const k = Math.floor(x);
  const f = x - k;
  const a = unit(seed, key, k) * 2 - 1;
  const b = unit(seed, key, k + 1) * 2 - 1;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return a * (1 - w) + b * w;
}

/** A Poisson-distributed count with mean `lambda` from one uniform (inverse transform; small lambda). */
export function poisson(lambda: number, u: number): number {
  if (lambda <= 0) return 0;
  let k = 0;
  let p = Math.exp(-lambda);
  let cdf = p;
  while (u > cdf && k < 1000) {
    k++;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}
