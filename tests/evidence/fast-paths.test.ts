// The shortcuts the one-year evidence build and pack take give what the general paths
// give: engine.ingestAt on a shared binding plan == engine.ingest of ISO readings on a fresh binding;
// plucked minute values (with and without missing minutes) and minute rollup columns == readAggregate;
// the minute CSV from columns == the minute CSV from aggregate points, byte for byte.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { RuleEngine, planBinding, laeqFromEnergy } from '@hallmon/rules';
import type { NormalisedReading } from '@hallmon/firmware-config';
import { minuteCsv } from '../../server/src/evidence/to-csv.ts';
import { at, calendar, catalogue, demoSite, MIN, openStore, profiles, readings, S, write } from './fixture.ts';

test('ingestAt and plan: same transitions as ingest over a day with excursions, duplicates and late readings', () => {
  const site = demoSite();
  const opts = { site, catalogue, calendar, profiles };
  const plan = planBinding(opts);
  const t0 = at('2025-05-06 00:00');
  // mr-th-1: temperature and humidity every minute (shared timestamps), a hot spell, a humid hour,
  // a gap, a duplicate, a reading out of order within the late bound and one beyond it.
  const rs: NormalisedReading[] = [];
  for (let i = 0; i < 1440; i++) {
    if (i >= 600 && i < 615) continue; // a 15-min gap
    const ts = t0 + i * MIN;
    rs.push({
      sensor: 'mr-th-1',
      metric: 'temperature',
      value: i >= 180 && i < 230 ? 29 : 24,
      ts: new Date(ts).toISOString(),
      quality: 'ok',
    });
    rs.push({
      sensor: 'mr-th-1',
      metric: 'humidity',
      value: i >= 900 && i < 990 ? 66 : 45,
      ts: new Date(ts).toISOString(),
      quality: 'ok',
    });
    if (i === 300) rs.push(rs[rs.length - 1]!); // duplicate
    if (i === 400)
      rs.push({
        sensor: 'mr-th-1',
        metric: 'temperature',
        value: 24,
        ts: new Date(ts - 30 * S).toISOString(),
        quality: 'ok',
      }); // within the bound
    if (i === 500)
      rs.push({
        sensor: 'mr-th-1',
        metric: 'temperature',
        value: 24,
        ts: new Date(ts - 5 * MIN).toISOString(),
        quality: 'ok',
      }); // late
  }
  // Noise with a duration, and a reading of an unknown sensor and metric.
  for (let i = 0; i < 120; i++)
    rs.push({
      sensor: 'hall-noise-1',
      metric: 'noise_laeq',
      value: i >= 40 && i < 70 ? 90 : 60,
      ts: new Date(at('2025-05-06 10:00') + i * MIN).toISOString(),
      quality: 'ok',
      dur: 60,
    });
  rs.push({ sensor: 'nope', metric: 'temperature', value: 1, ts: new Date(t0).toISOString(), quality: 'ok' });
  rs.push({ sensor: 'mr-th-1', metric: 'co2', value: 1, ts: new Date(t0).toISOString(), quality: 'ok' });

  const a = new RuleEngine(opts);
  const b = new RuleEngine({ ...opts, plan });
  const c = new RuleEngine({ ...opts, plan }); // a second engine on the same plan starts fresh
  const ta: unknown[] = [];
  const tb: unknown[] = [];
  const tc: unknown[] = [];
  for (const r of rs) {
    ta.push(...a.ingest(r));
    tb.push(...b.ingestAt(r.sensor, r.metric, Date.parse(r.ts), r.value, r.dur));
    tc.push(...c.ingestAt(r.sensor, r.metric, Date.parse(r.ts), r.value, r.dur));
  }
  const end = t0 + 1441 * MIN;
  ta.push(...a.advance(end));
  tb.push(...b.advance(end));
  tc.push(...c.advance(end));
  assert.ok(ta.length >= 4, `the day should raise and clear alarms, got ${ta.length} transitions`);
  assert.deepEqual(tb, ta);
  assert.deepEqual(tc, ta);
  const ra = a.drainRecords();
  assert.ok(ra.excursions.length >= 2 && ra.gaps.length >= 1, 'excursions and a gap are recorded');
  assert.deepEqual(b.drainRecords(), ra);
  assert.deepEqual(c.drainRecords(), ra);
  assert.deepEqual(b.counters(), a.counters());
  assert.ok(
    (a.counters().duplicate ?? 0) >= 1 && (a.counters().late ?? 0) >= 1,
    `duplicate and late counted: ${JSON.stringify(a.counters())}`,
  );
  assert.deepEqual(b.snapshot(), a.snapshot());
});

test('minute values, minute rollup columns and the minute CSV equal what readAggregate gives', async (t) => {
  const { store } = await openStore(t);
  const t0 = at('2025-05-06 00:00');
  // Temperature with odd decimals (means that are not short decimals), minutes 100-129 missing;
  // 1-s noise for two hours, one minute with a single reading.
  const temp = readings('mr-th-1', 'temperature', t0, MIN, 600, (i) => 20 + ((i * 7) % 13) / 3).filter(
    (_r, i) => i < 100 || i >= 130,
  );
  const noise = readings(
    'hall-noise-1',
    'noise_laeq',
    at('2025-05-06 10:00'),
    S,
    7200,
    (i) => 55 + ((i * 31) % 37) / 2.5,
    1,
  ).filter((_r, i) => i < 600 || i >= 659);
  await write(store, [
    ...temp,
    ...readings('mr-th-1', 'temperature', t0 + 7 * MIN + 20 * S, MIN, 1, () => 31.7),
    ...noise,
  ]);
  for (const [q, from, to] of [
    [{ site: 'demo', sensor: 'mr-th-1', metric: 'temperature' as const }, t0, t0 + 600 * MIN], // with the gap: bucket starts read
    [{ site: 'demo', sensor: 'mr-th-1', metric: 'temperature' as const }, t0 + 17, t0 + 90 * MIN + 1], // complete: implied
    [
      { site: 'demo', sensor: 'hall-noise-1', metric: 'noise_laeq' as const },
      at('2025-05-06 09:00'),
      at('2025-05-06 13:00'),
    ],
  ] as const) {
    const pts = await store.readAggregate({ ...q, from, to, step: '1m' });
    assert.ok(pts.length > 50);
    const v = await store.readMinuteValues({ ...q, from, to });
    assert.deepEqual(
      Array.from(v.ts),
      pts.map((p) => p.ts),
    );
    assert.deepEqual(
      Array.from(v.value),
      pts.map((p) => (q.metric === 'noise_laeq' ? (p.laeq ?? NaN) : p.mean)),
    );
    const c = await store.readMinuteRollups({ ...q, from, to });
    assert.deepEqual(
      Array.from(c.ts),
      pts.map((p) => p.ts),
    );
    assert.deepEqual(
      Array.from(c.count),
      pts.map((p) => p.count),
    );
    assert.deepEqual(
      Array.from(c.min),
      pts.map((p) => p.min),
    );
    assert.deepEqual(
      Array.from(c.max),
      pts.map((p) => p.max),
    );
    assert.deepEqual(
      Array.from(c.sum, (s, i) => s / c.count[i]!),
      pts.map((p) => p.mean),
    );
    if (q.metric === 'noise_laeq')
      assert.deepEqual(
        Array.from(c.energy, (e, i) => laeqFromEnergy(e, c.durSum[i]!)),
        pts.map((p) => p.laeq),
      );
    // The CSV rows say what the points say: minute starts built from an hourly prefix read as the
    // ISO instants of the buckets, means and LAeq to 4 decimals.
    let csv = '';
    for await (const chunk of minuteCsv(store, q.site, q.sensor, q.metric, from, to)) csv += chunk;
    const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
    const rows = csv.split('\r\n').slice(1, -1);
    assert.deepEqual(
      rows,
      pts.map((p) =>
        [
          new Date(p.ts).toISOString(),
          p.count,
          p.min,
          r4(p.mean),
          p.max,
          ...(q.metric === 'noise_laeq' ? [p.laeq === undefined ? '' : r4(p.laeq)] : []),
        ].join(','),
      ),
    );
  }
});
