// Pure checks of the rollup arithmetic both stores share: bucket alignment, the energy mean, the
// level histogram and its exceedance levels, and the batch fold SQLite uses before upserting.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { exceedanceLevel, histBin, binLevel, laeqFromEnergy, noiseEnergy, type NoiseHistogram } from '@hallmon/rules';
import { BatchRollup, bucketCeil, bucketStart } from '../../server/src/store/rollup.ts';

const T = Date.UTC(2025, 4, 1); // a UTC midnight

test('buckets align to UTC minute, hour and day', () => {
  assert.equal(bucketStart(T + 59_999, '1m'), T);
  assert.equal(bucketStart(T + 60_000, '1m'), T + 60_000);
  assert.equal(bucketStart(T + 3_599_999, '1h'), T);
  // 2025-05-01 07:59 Shanghai is still 2025-04-30 in UTC: 1d buckets are UTC days.
  assert.equal(bucketStart(T - 1, '1d'), T - 86_400_000);
  assert.equal(bucketCeil(T, '1h'), T);
  assert.equal(bucketCeil(T + 1, '1h'), T + 3_600_000);
});

test('LAeq is the energy mean, not the arithmetic mean', () => {
  // 10·log10((10^9 + 10^6) / 2) = 86.994 dB.
  const e = noiseEnergy(90, 1) + noiseEnergy(60, 1);
  assert.ok(Math.abs((laeqFromEnergy(e, 2) ?? 0) - 86.994) < 0.001);
  // A constant level is its own LAeq whatever the durations.
  assert.ok(Math.abs((laeqFromEnergy(noiseEnergy(55, 3) + noiseEnergy(55, 7), 10) ?? 0) - 55) < 1e-9);
  assert.equal(laeqFromEnergy(0, 0), undefined);
});

test('histogram bins are 0.5 dB and exceedance levels read from the top', () => {
  assert.equal(binLevel(histBin(61.26)), 61.5);
  assert.equal(binLevel(histBin(61.24)), 61);
  const h: NoiseHistogram = {
    binDb: 0.5,
    bins: [
      { level: 40, seconds: 88 },
      { level: 50, seconds: 7 },
      { level: 70, seconds: 5 },
    ],
    totalSeconds: 100,
  };
  // Ln = the (100 − n)th percentile of time. L10: 90 s from the bottom falls in the 50 dB bin
  // (88 < 90 <= 95). L2: 98 s -> 70. L90: 10 s -> background 40.
  assert.equal(exceedanceLevel(h, 10), 50);
  assert.equal(exceedanceLevel(h, 2), 70);
  assert.equal(exceedanceLevel(h, 90), 40);
  assert.equal(exceedanceLevel({ binDb: 0.5, bins: [], totalSeconds: 0 }, 50), undefined);
});

test('BatchRollup folds readings into 1m sums and merges them into hours and days', () => {
  const r = new BatchRollup();
  r.add(1, false, T, 20, null);
  r.add(1, false, T + 30_000, 22, null);
  r.add(1, false, T + 60_000, 10, null);
  r.add(2, true, T, 90, null);
  r.add(2, true, T + 1000, 60, 3);
  r.add(1, false, T + 3_600_000, 5, null);
  const mins = [...r.minutes()].map(({ hist, ...m }) => ({ ...m, hist: hist ? [...hist] : null }));
  assert.deepEqual(mins, [
    { seriesId: 1, bucket: T, count: 2, min: 20, max: 22, sum: 42, energy: null, durSum: null, hist: null },
    { seriesId: 1, bucket: T + 60_000, count: 1, min: 10, max: 10, sum: 10, energy: null, durSum: null, hist: null },
    { seriesId: 1, bucket: T + 3_600_000, count: 1, min: 5, max: 5, sum: 5, energy: null, durSum: null, hist: null },
    {
      seriesId: 2,
      bucket: T,
      count: 2,
      min: 60,
      max: 90,
      sum: 150,
      energy: 1e9 + 3e6,
      durSum: 4,
      hist: [
        [180, 1],
        [120, 3],
      ],
    },
  ]);
  const hours = r.coarser('1h').map((b) => [b.seriesId, b.bucket - T, b.count, b.min, b.max, b.sum]);
  assert.deepEqual(hours, [
    [1, 0, 3, 10, 22, 52],
    [1, 3_600_000, 1, 5, 5, 5],
    [2, 0, 2, 60, 90, 150],
  ]);
  const days = r.coarser('1d');
  assert.deepEqual(
    days.map((b) => [b.seriesId, b.count, b.sum]),
    [
      [1, 4, 57],
      [2, 2, 150],
    ],
  );
  assert.equal(days[1]?.energy, 1e9 + 3e6);
  assert.equal(days[1]?.durSum, 4);
});
