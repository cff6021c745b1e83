// The one behavioural suite every Store adapter must pass (SQLite and InfluxDB run the same cases),
// so the API and evidence code can rely on the interface alone. Expected figures are worked out by
// hand in the comments, not recomputed with the code under test. Every store the cases use is
// wrapped in a recorder, and the last case fails unless each method of the interface (STORE_METHODS,
// which the type checker keeps complete) was called directly by some case.
import { afterAll, beforeAll, describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { STORE_METHODS, type Store, type StoredAlarm, type StoredEvent, type StoredReading } from '@hallmon/server';
import { exceedanceLevel } from '@hallmon/rules';
import { minuteSealText, rawSealText } from '../../server/src/seal/canonical.ts';

export interface SuiteOptions {
  name: string;
  /** Once per file (e.g. start influxd). */
  setup?: () => Promise<void>;
  teardown?: () => Promise<void>;
  /** A fresh, unopened, empty store for each test; `n` is unique per call. */
  make: (n: number) => Promise<Store>;
  /** SQLite knows inserted vs duplicates exactly; InfluxDB reports the batch size (documented). */
  exactWriteCounts: boolean;
  /** Events: SQLite returns rows inserted; InfluxDB the batch size. */
  exactEventCounts: boolean;
  /**
   * flushRollups: SQLite keeps every rollup in the write transaction (answers 0); InfluxDB recomputes
   * the hours written since (answers how many).
   */
  rollupsAfterWrite: boolean;
}

/** 2025-05-01T00:00:00Z: a UTC day boundary, so 1m/1h/1d buckets all start here. */
const T = Date.UTC(2025, 4, 1);
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

function r(ts: number, value: number, extra: Partial<StoredReading> = {}): StoredReading {
  return { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts, value, quality: 'ok', ...extra };
}

/**
 * The store seen through a recorder of the method names called on it. Methods run on the store
 * itself, so a method one store implements through another (readMinuteValues through
 * readMinuteValuesRanges) does not count the other as tested.
 */
function recorded(store: Store, called: Set<string>): Store {
  return new Proxy(store, {
    get(target, prop) {
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        called.add(prop);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export function storeSuite(o: SuiteOptions): void {
  describe(`store: ${o.name}`, () => {
    let n = 0;
    const called = new Set<string>();
    if (o.setup) beforeAll(o.setup, 60_000);
    if (o.teardown) afterAll(o.teardown, 60_000);

    async function fresh(t: TestContext): Promise<Store> {
      const store = recorded(await o.make(++n), called);
      await store.open();
      t.onTestFinished(() => store.close());
      return store;
    }

    test('writing the same batch twice keeps one copy and does not double-count rollups', async (t) => {
      const s = await fresh(t);
      const batch = [0, 1, 2, 3, 4].map((i) => r(T + i * 1000, 20 + i));
      const first = await s.writeReadings(batch);
      const second = await s.writeReadings(batch);
      // A duplicate inside one batch, too.
      const third = await s.writeReadings([r(T + 5000, 25), r(T + 5000, 25)]);
      if (o.exactWriteCounts) {
        assert.deepEqual(first, { inserted: 5, duplicates: 0 });
        assert.deepEqual(second, { inserted: 0, duplicates: 5 });
        assert.deepEqual(third, { inserted: 1, duplicates: 1 });
      }
      const raw = await s.readRaw({ site: 'demo', sensor: 'mr-th-1', metric: 'temperature', from: T, to: T + MIN });
      assert.deepEqual(
        raw.map((x) => [x.ts - T, x.value]),
        [
          [0, 20],
          [1000, 21],
          [2000, 22],
          [3000, 23],
          [4000, 24],
          [5000, 25],
        ],
      );
      assert.equal(await s.countReadings(), 6);
      // 20..25: count 6, sum 135, mean 22.5.
      const agg = await s.readAggregate({
        site: 'demo',
        sensor: 'mr-th-1',
        metric: 'temperature',
        from: T,
        to: T + MIN,
        step: '1m',
      });
      assert.deepEqual(agg, [{ ts: T, count: 6, min: 20, max: 25, mean: 22.5 }]);
    });

    test('a state series is stored as its changes; its rollups count them; the UPS figures beside it', async (t) => {
      const s = await fresh(t);
      const st = (ts: number, value: number, metric: StoredReading['metric'] = 'water_leak') =>
        r(ts, value, { sensor: 'mr-di-1', metric });
      await s.writeReadings([
        st(T, 0),
        st(T + 30_000, 1),
        st(T + 7 * MIN, 0),
        st(T + 7 * MIN, 0), // a redelivery: one reading
        r(T + 30_000, 23, { sensor: 'mr-ups-1', metric: 'ups_runtime_min' }),
      ]);
      const q = { site: 'demo', sensor: 'mr-di-1', metric: 'water_leak' as const, from: T, to: T + HOUR };
      assert.deepEqual(
        (await s.readRaw(q)).map((x) => [x.ts - T, x.value]),
        [
          [0, 0],
          [30_000, 1],
          [7 * MIN, 0],
        ],
      );
      // Minute 0 holds 0 and 1 (mean 0.5), minute 7 the 0; no bucket for the minutes between.
      assert.deepEqual(await s.readAggregate({ ...q, step: '1m' }), [
        { ts: T, count: 2, min: 0, max: 1, mean: 0.5 },
        { ts: T + 7 * MIN, count: 1, min: 0, max: 0, mean: 0 },
      ]);
      await s.flushRollups();
      const h = await s.readHourRollups(q);
      assert.deepEqual([...h.ts], [T]);
      assert.deepEqual([h.count[0], h.min[0], h.max[0], h.sum[0]], [3, 0, 1, 1]);
      const ups = await s.readRaw({
        site: 'demo',
        sensor: 'mr-ups-1',
        metric: 'ups_runtime_min',
        from: T,
        to: T + HOUR,
      });
      assert.deepEqual(
        ups.map((x) => x.value),
        [23],
      );
    });

    test('raw reads honour the range (to exclusive), the series, the limit, quality and dur', async (t) => {
      const s = await fresh(t);
      await s.writeReadings([
        ...[0, 1, 2, 3, 4, 5].map((i) => r(T + i * 1000, 10 + i, i === 3 ? { quality: 'out-of-range' } : {})),
        r(T + 2000, 99, { sensor: 'mr-th-2' }),
        r(T + 2000, 55, { metric: 'humidity' }),
        r(T + 2000, 77, { site: 'other' }),
        r(T + 2000, 61.5, { sensor: 'hall-slm-1', metric: 'noise_laeq', dur: 5 }),
      ]);
      const q = { site: 'demo', sensor: 'mr-th-1', metric: 'temperature' as const };
      const got = await s.readRaw({ ...q, from: T + 2000, to: T + 5000 });
      assert.deepEqual(
        got.map((x) => [x.ts - T, x.value, x.quality]),
        [
          [2000, 12, 'ok'],
          [3000, 13, 'out-of-range'],
          [4000, 14, 'ok'],
        ],
      );
      assert.equal(got[0]?.site, 'demo');
      assert.equal(got[0]?.sensor, 'mr-th-1');
      assert.equal(got[0]?.metric, 'temperature');
      const limited = await s.readRaw({ ...q, from: T, to: T + MIN, limit: 2 });
      assert.deepEqual(
        limited.map((x) => x.value),
        [10, 11],
      );
      const noise = await s.readRaw({ site: 'demo', sensor: 'hall-slm-1', metric: 'noise_laeq', from: T, to: T + MIN });
      assert.deepEqual(
        noise.map((x) => [x.value, x.dur]),
        [[61.5, 5]],
      );
      assert.deepEqual(await s.readRaw({ ...q, sensor: 'nope', from: T, to: T + MIN }), []);
      assert.deepEqual(await s.readRaw({ ...q, from: T + 6000, to: T + MIN }), []);
    });

    test('1m, 1h and 1d aggregates match hand-computed figures', async (t) => {
      const s = await fresh(t);
      // Separate calls landing in the same buckets must merge.
      await s.writeReadings([r(T, 20)]);
      await s.writeReadings([r(T + 30_000, 22), r(T + 60_000, 30), r(T + 90_000, 10)]);
      await s.writeReadings([r(T + HOUR, 5), r(T + DAY, 100)]);
      const q = { site: 'demo', sensor: 'mr-th-1', metric: 'temperature' as const, from: T, to: T + 2 * DAY };
      assert.deepEqual(await s.readAggregate({ ...q, step: '1m' }), [
        { ts: T, count: 2, min: 20, max: 22, mean: 21 },
        { ts: T + MIN, count: 2, min: 10, max: 30, mean: 20 },
        { ts: T + HOUR, count: 1, min: 5, max: 5, mean: 5 },
        { ts: T + DAY, count: 1, min: 100, max: 100, mean: 100 },
      ]);
      // Hour 0: 20, 22, 30, 10 -> sum 82, mean 20.5.
      assert.deepEqual(await s.readAggregate({ ...q, step: '1h' }), [
        { ts: T, count: 4, min: 10, max: 30, mean: 20.5 },
        { ts: T + HOUR, count: 1, min: 5, max: 5, mean: 5 },
        { ts: T + DAY, count: 1, min: 100, max: 100, mean: 100 },
      ]);
      // Day 0: 20, 22, 30, 10, 5 -> sum 87, mean 17.4.
      const days = await s.readAggregate({ ...q, step: '1d' });
      assert.equal(days.length, 2);
      assert.deepEqual({ ...days[0], mean: undefined }, { ts: T, count: 5, min: 5, max: 30, mean: undefined });
      assert.ok(Math.abs((days[0]?.mean ?? 0) - 17.4) < 1e-9, `day mean ${days[0]?.mean}`);
      // Buckets whose start lies in [from, to): `to` is exclusive, an unaligned `from` skips the
      // bucket it falls inside.
      const mid = await s.readAggregate({ ...q, from: T + 1, to: T + HOUR, step: '1m' });
      assert.deepEqual(
        mid.map((p) => p.ts),
        [T + MIN],
      );
      const hours = await s.readAggregate({ ...q, from: T, to: T + HOUR, step: '1h' });
      assert.deepEqual(
        hours.map((p) => p.ts),
        [T],
      );
      assert.equal(hours[0]?.laeq, undefined, 'laeq only for noise');
    });

    test('noise rollups carry the energy mean: 90 and 60 dB alternating seconds -> 87.0 dB', async (t) => {
      const s = await fresh(t);
      const noise = (ts: number, value: number, dur?: number): StoredReading =>
        r(ts, value, { sensor: 'hall-slm-1', metric: 'noise_laeq', ...(dur !== undefined ? { dur } : {}) });
      // Two minutes at 1 s, no dur given (defaults to 1 s), written in batches of 30.
      const all: StoredReading[] = [];
      for (let i = 0; i < 120; i++) all.push(noise(T + i * 1000, i % 2 === 0 ? 90 : 60));
      for (let i = 0; i < all.length; i += 30) await s.writeReadings(all.slice(i, i + 30));
      // 10·log10((10^9 + 10^6) / 2) = 86.994 dB; the arithmetic mean would say 75.
      const q = { site: 'demo', sensor: 'hall-slm-1', metric: 'noise_laeq' as const, from: T, to: T + DAY };
      const mins = await s.readAggregate({ ...q, step: '1m' });
      assert.equal(mins.length, 2);
      for (const m of mins) {
        assert.equal(m.count, 60);
        assert.equal(m.mean, 75);
        assert.ok(Math.abs((m.laeq ?? 0) - 87.0) < 0.01, `laeq ${m.laeq}`);
      }
      // Longer intervals weigh more: one 10 s interval at 50 dB in minute 5 and one 30 s interval at
      // 80 dB -> 10·log10((10·10^5 + 30·10^8) / 40) = 10·log10(75,025,000) = 78.752 dB.
      await s.writeReadings([noise(T + 5 * MIN, 50, 10), noise(T + 5 * MIN + 10_000, 80, 30)]);
      const m5 = await s.readAggregate({ ...q, from: T + 5 * MIN, to: T + 6 * MIN, step: '1m' });
      assert.equal(m5.length, 1);
      assert.ok(Math.abs((m5[0]?.laeq ?? 0) - 78.752) < 0.001, `laeq ${m5[0]?.laeq}`);
      // The hour: 60 s at 90, 60 s at 60, 10 s at 50, 30 s at 80 (160 s):
      // 10·log10((60·10^9 + 60·10^6 + 10·10^5 + 30·10^8) / 160) = 10·log10(394,131,250) = 85.956 dB.
      const hour = await s.readAggregate({ ...q, step: '1h' });
      assert.equal(hour.length, 1);
      assert.equal(hour[0]?.count, 122);
      assert.ok(Math.abs((hour[0]?.laeq ?? 0) - 85.956) < 0.001, `laeq ${hour[0]?.laeq}`);
      const day = await s.readAggregate({ ...q, step: '1d' });
      assert.ok(Math.abs((day[0]?.laeq ?? 0) - 85.956) < 0.001, `laeq ${day[0]?.laeq}`);
      // The duplicate of a noise batch changes nothing.
      await s.writeReadings(all.slice(0, 30));
      const again = await s.readAggregate({ ...q, step: '1h' });
      assert.deepEqual(again, hour);

      {
        // Minutes 0-1: 60 s at 90 dB, 60 s at 60 dB -> L10 = 90, L90 = 60.
        const h = await s.readNoiseHistogram({ site: 'demo', sensor: 'hall-slm-1', from: T, to: T + 2 * MIN });
        assert.equal(h.totalSeconds, 120);
        assert.deepEqual(h.bins, [
          { level: 60, seconds: 60 },
          { level: 90, seconds: 60 },
        ]);
        assert.equal(exceedanceLevel(h, 10), 90);
        assert.equal(exceedanceLevel(h, 90), 60);
        // The whole hour: 10 s at 50, 60 at 60, 30 at 80, 60 at 90 (160 s). L90 is exceeded by 90 %
        // of the time: the level at 16 s from the bottom -> 60. L10: at 144 s -> 90. L50: at 80 s -> 80.
        const hh = await s.readNoiseHistogram({ site: 'demo', sensor: 'hall-slm-1', from: T, to: T + HOUR });
        assert.equal(hh.totalSeconds, 160);
        assert.equal(exceedanceLevel(hh, 90), 60);
        assert.equal(exceedanceLevel(hh, 50), 80);
        assert.equal(exceedanceLevel(hh, 10), 90);
        // The batched read answers each range as the single read does: a partial hour, the whole
        // hour, an empty range, and a range with no data.
        const ranges: Array<[number, number]> = [
          [T, T + 2 * MIN],
          [T, T + HOUR],
          [T + MIN, T + MIN],
          [T + 2 * HOUR, T + 3 * HOUR],
        ];
        const many = await s.readNoiseHistograms({ site: 'demo', sensor: 'hall-slm-1' }, ranges);
        const one = await Promise.all(
          ranges.map(([from, to]) => s.readNoiseHistogram({ site: 'demo', sensor: 'hall-slm-1', from, to })),
        );
        assert.deepEqual(many, one);
        assert.deepEqual(many[0], h);
        assert.deepEqual(many[1], hh);
        assert.deepEqual(many[2], { binDb: 0.5, bins: [], totalSeconds: 0 });
        assert.equal(many[3]!.totalSeconds, 0);
      }
    });

    test('events round-trip with filters by device, type and range', async (t) => {
      const s = await fresh(t);
      const ev = (over: Partial<StoredEvent> & Pick<StoredEvent, 'device' | 'type' | 'ts'>): StoredEvent => ({
        site: 'demo',
        ...over,
      });
      const batch: StoredEvent[] = [
        ev({ device: 'eval-w01', type: 'rating', ts: T + 1000, score: 5, window: 'W01' }),
        ev({ device: 'eval-w02', type: 'rating', ts: T + 2000, score: 1, window: 'W02' }),
        ev({ device: 'queue-1', type: 'ticket_called', ts: T + 3000, ticket: 'A012', window: 'W03' }),
        ev({ device: 'queue-1', type: 'ticket_issued', ts: T + 3000, ticket: 'A013' }),
        ev({
          device: 'edge',
          type: 'data_gap',
          ts: T + 4000,
          start: T - HOUR,
          end: T,
          count: 3600,
          detail: 'disk budget "full"\nline 2',
        }),
        ev({ device: 'eval-w01', type: 'device_fault', ts: T + 5000, fault: 'timeout', count: 4 }),
        ev({ device: 'eval-w01', type: 'rating', ts: T + 6000, score: 3, site: 'other' }),
      ];
      const n1 = await s.writeEvents(batch);
      const n2 = await s.writeEvents(batch.slice(0, 2));
      if (o.exactEventCounts) {
        assert.equal(n1, 7);
        assert.equal(n2, 0);
      }
      const all = await s.readEvents({ site: 'demo', from: T, to: T + DAY });
      assert.deepEqual(all, batch.slice(0, 6));
      const w01 = await s.readEvents({ site: 'demo', from: T, to: T + DAY, device: 'eval-w01' });
      assert.deepEqual(
        w01.map((e) => e.type),
        ['rating', 'device_fault'],
      );
      const tickets = await s.readEvents({
        site: 'demo',
        from: T,
        to: T + DAY,
        types: ['ticket_called', 'ticket_issued'],
      });
      assert.deepEqual(
        tickets.map((e) => e.ticket),
        ['A012', 'A013'],
      );
      const ranged = await s.readEvents({ site: 'demo', from: T + 2000, to: T + 4000 });
      assert.deepEqual(
        ranged.map((e) => e.ts - T),
        [2000, 3000, 3000],
      );
      assert.deepEqual(await s.readEvents({ site: 'demo', from: T, to: T + DAY, types: [] }), []);
    });

    test('alarms: raise, clear, ack; a late raise does not reopen; acks survive', async (t) => {
      const s = await fresh(t);
      const base: StoredAlarm = {
        id: 'demo:1.3.3:hall-slm-1:1746057600000',
        site: 'demo',
        clause: '1.3.3',
        rule: 'noise-max',
        sensor: 'hall-slm-1',
        severity: 'warning',
        state: 'raised',
        ts: T + 10 * MIN,
        startedAt: T + 10 * MIN,
        peak: 68.2,
        limit: 60,
        message: '噪声超标',
      };
      const other: StoredAlarm = {
        ...base,
        id: 'demo:5.2.2:mr-th-1:x',
        clause: '5.2.2',
        sensor: 'mr-th-1',
        startedAt: T,
        ts: T,
      };
      await s.writeAlarms([base, other]);
      assert.deepEqual(await s.getAlarm(base.id), base);
      assert.deepEqual(
        (await s.readAlarms({ site: 'demo', state: 'active' })).map((a) => a.id),
        [other.id, base.id],
      );

      const acked = await s.ackAlarm(base.id, 'duty-officer', '已通知窗口', T + 11 * MIN);
      assert.equal(acked?.ackedBy, 'duty-officer');
      assert.equal(acked?.ackNote, '已通知窗口');
      assert.equal(acked?.ackedAt, T + 11 * MIN);
      assert.equal(acked?.state, 'raised');

      const clear: StoredAlarm = { ...base, state: 'cleared', ts: T + 20 * MIN, clearedAt: T + 20 * MIN, peak: 71.5 };
      await s.writeAlarms([clear]);
      const got = await s.getAlarm(base.id);
      assert.equal(got?.state, 'cleared');
      assert.equal(got?.clearedAt, T + 20 * MIN);
      assert.equal(got?.startedAt, T + 10 * MIN);
      assert.equal(got?.peak, 71.5);
      assert.equal(got?.ackedBy, 'duty-officer', 'the ack is kept through the clear');
      assert.equal(got?.message, '噪声超标');

      // At-least-once delivery: the raise arrives again after the clear.
      await s.writeAlarms([base]);
      const still = await s.getAlarm(base.id);
      assert.equal(still?.state, 'cleared');
      assert.equal(still?.peak, 71.5);
      assert.equal(still?.ackedBy, 'duty-officer');

      assert.deepEqual(
        (await s.readAlarms({ site: 'demo', state: 'active' })).map((a) => a.id),
        [other.id],
      );
      assert.deepEqual(
        (await s.readAlarms({ site: 'demo', state: 'all' })).map((a) => a.id),
        [other.id, base.id],
      );
      // Periods: the cleared one overlaps [T+15m, T+1h) but not [T+30m, T+1h); the open one both.
      assert.deepEqual(
        (await s.readAlarms({ from: T + 15 * MIN, to: T + HOUR })).map((a) => a.id),
        [other.id, base.id],
      );
      assert.deepEqual(
        (await s.readAlarms({ from: T + 30 * MIN, to: T + HOUR })).map((a) => a.id),
        [other.id],
      );
      assert.deepEqual(
        (await s.readAlarms({ from: T - HOUR, to: T })).map((a) => a.id),
        [],
      );
      assert.deepEqual(await s.readAlarms({ site: 'elsewhere' }), []);

      // A clear record without clearedAt is cleared at its own time.
      await s.writeAlarms([{ ...other, state: 'cleared', ts: T + 5 * MIN }]);
      assert.equal((await s.getAlarm(other.id))?.clearedAt, T + 5 * MIN);

      assert.equal(await s.ackAlarm('no-such-alarm', 'x', '', T), undefined);
      assert.equal(await s.getAlarm('no-such-alarm'), undefined);
    });

    test('status changes round-trip by site, device and range', async (t) => {
      const s = await fresh(t);
      await s.writeStatus([
        { site: 'demo', device: 'edge-1', status: 'online', ts: T },
        { site: 'demo', device: 'eval-w01', status: 'online', ts: T + 1000 },
        { site: 'demo', device: 'edge-1', status: 'offline', ts: T + 2000 },
        { site: 'other', device: 'edge-1', status: 'online', ts: T + 2000 },
      ]);
      const all = await s.readStatus({ site: 'demo', from: T, to: T + DAY });
      assert.deepEqual(
        all.map((c) => [c.device, c.status, c.ts - T]),
        [
          ['edge-1', 'online', 0],
          ['eval-w01', 'online', 1000],
          ['edge-1', 'offline', 2000],
        ],
      );
      assert.equal(all[0]?.site, 'demo');
      const edge = await s.readStatus({ site: 'demo', device: 'edge-1', from: T + 1, to: T + 2001 });
      assert.deepEqual(
        edge.map((c) => c.status),
        ['offline'],
      );
      assert.deepEqual(await s.readStatus({ site: 'demo', from: T, to: T + 1000 }).then((x) => x.length), 1);
    });

    test('a non-finite value that slipped past ingest is skipped; the rest of the batch is kept', async (t) => {
      const s = await fresh(t);
      const res = await s.writeReadings([
        r(T, 1),
        r(T + 1000, Number.NaN),
        r(T + 2000, Number.POSITIVE_INFINITY),
        r(T + 3000, 4),
      ]);
      assert.equal(res.inserted, 2);
      assert.equal(res.duplicates, 0);
      const raw = await s.readRaw({ site: 'demo', sensor: 'mr-th-1', metric: 'temperature', from: T, to: T + MIN });
      assert.deepEqual(
        raw.map((x) => x.value),
        [1, 4],
      );
    });

    test('countReadings counts per site and overall', async (t) => {
      const s = await fresh(t);
      assert.equal(await s.countReadings(), 0);
      await s.writeReadings([r(T, 1), r(T + 1000, 2), r(T, 3, { site: 'other' }), r(T, 4, { metric: 'humidity' })]);
      assert.equal(await s.countReadings(), 4);
      assert.equal(await s.countReadings('demo'), 3);
      assert.equal(await s.countReadings('other'), 1);
      assert.equal(await s.countReadings('nowhere'), 0);
    });

    test('readLatest returns the newest reading of every (sensor, metric) of one site', async (t) => {
      const s = await fresh(t);
      // Recent times: InfluxDB looks back 30 days.
      const now = Math.floor(Date.now() / 1000) * 1000 - HOUR;
      await s.writeReadings([
        r(now - 2000, 21),
        r(now, 22.5, { quality: 'out-of-range' }),
        r(now - 1000, 21.7),
        r(now - 5000, 48, { metric: 'humidity' }),
        r(now - 9000, 47, { metric: 'humidity' }),
        r(now - 3000, 63.2, { sensor: 'hall-slm-1', metric: 'noise_laeq', dur: 5 }),
        r(now + 1000, 99, { site: 'other' }),
      ]);
      const got = (await s.readLatest('demo'))
        .map((x) => [x.sensor, x.metric, x.ts - now, x.value, x.quality, x.dur ?? null])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
      assert.deepEqual(got, [
        ['hall-slm-1', 'noise_laeq', -3000, 63.2, 'ok', 5],
        ['mr-th-1', 'humidity', -5000, 48, 'ok', null],
        ['mr-th-1', 'temperature', 0, 22.5, 'out-of-range', null],
      ]);
      assert.deepEqual(await s.readLatest('nowhere'), []);
    });

    test('pruneRaw drops old raw rows and keeps their rollups (noise energy included)', async (t) => {
      const s = await fresh(t);
      const noise = (ts: number, value: number): StoredReading =>
        r(ts, value, { sensor: 'hall-slm-1', metric: 'noise_laeq' });
      await s.writeReadings([
        r(T, 10),
        r(T + 1000, 20),
        r(T + 40 * MIN, 25), // same hour as the two above, but after the cut
        r(T + DAY, 30),
        r(T + DAY + 1000, 40),
        r(T, 50, { site: 'other' }),
        noise(T, 90),
        noise(T + 1000, 60),
        noise(T + 40 * MIN, 60),
      ]);
      const q = { site: 'demo', sensor: 'mr-th-1', metric: 'temperature' as const, from: T, to: T + 2 * DAY };
      const nq = { site: 'demo', sensor: 'hall-slm-1', metric: 'noise_laeq' as const, from: T, to: T + 2 * DAY };
      const hourBefore = await s.readAggregate({ ...nq, step: '1h' });
      // Cut at T + 30 min: 2 temperature + 1 other-site + 2 noise readings go.
      assert.equal(await s.pruneRaw(T + 30 * MIN), 5);
      assert.deepEqual(
        (await s.readRaw(q)).map((x) => x.value),
        [25, 30, 40],
      );
      assert.equal(await s.countReadings(), 4);
      assert.equal(await s.countReadings('demo'), 4);
      assert.equal(await s.countReadings('other'), 0);
      // Rollups of the pruned period are still there, and the hour that straddles the cut merges
      // pruned sums with live raw rows: 10, 20, 25 -> count 3, mean 55/3.
      const hours = await s.readAggregate({ ...q, step: '1h' });
      assert.deepEqual(
        hours.map((p) => [p.ts, p.count, p.min, p.max]),
        [
          [T, 3, 10, 25],
          [T + DAY, 2, 30, 40],
        ],
      );
      assert.ok(Math.abs((hours[0]?.mean ?? 0) - 55 / 3) < 1e-9);
      assert.deepEqual(await s.readAggregate({ ...q, step: '1m' }).then((a) => a.map((p) => [p.ts - T, p.count])), [
        [0, 2],
        [40 * MIN, 1],
        [DAY, 2],
      ]);
      assert.deepEqual(
        await s.readAggregate({ ...q, step: '1d' }).then((a) => a.map((p) => [p.ts - T, p.count, p.mean])),
        [
          [0, 3, 55 / 3],
          [DAY, 2, 35],
        ],
      );
      // Noise: 90, 60, 60 dB over 3 s -> 10·log10((10^9 + 2·10^6) / 3) = 10·log10(334,000,000) = 85.237 dB.
      const hourAfter = await s.readAggregate({ ...nq, step: '1h' });
      assert.equal(hourAfter[0]?.count, 3);
      assert.ok(Math.abs((hourAfter[0]?.laeq ?? 0) - 85.237) < 0.001, `laeq ${hourAfter[0]?.laeq}`);
      assert.ok(Math.abs((hourAfter[0]?.laeq ?? 0) - (hourBefore[0]?.laeq ?? 0)) < 1e-9);
      assert.equal((await s.readAggregate({ ...q, site: 'other', step: '1d' }))[0]?.count, 1);
      // Nothing older is left to prune, and a second prune does not disturb the kept rollups.
      assert.equal(await s.pruneRaw(T + 30 * MIN), 0);
      assert.deepEqual(await s.readAggregate({ ...q, step: '1h' }), hours);
    });

    // Evidence reads. Values are integers and noise levels 60/90 dB (energies 10^6, 10^9),
    // so every sum is exact and both stores must give the same numbers bit for bit.
    test('evidence reads: hour rollups, minute facts and minute values, through rewrites, late data and a prune', async (t) => {
      const s = await fresh(t);
      const H = HOUR;
      const q = { site: 'demo', sensor: 'mr-th-1', metric: 'temperature' as const };
      const nq = { site: 'demo', sensor: 'hall-slm-1', metric: 'noise_laeq' as const };
      // Hour 0: a reading a minute, 20, 21, 22 repeating (count 60, sum 1,260); hour 1: 30 minutes of 25.
      const hour0 = Array.from({ length: 60 }, (_, i) => r(T + i * MIN, 20 + (i % 3)));
      const hour1 = Array.from({ length: 30 }, (_, i) => r(T + H + i * MIN, 25));
      // Noise, 1-s readings: minute 0 alternates 90/60 dB, minute 1 is 60 dB throughout.
      const noise = Array.from({ length: 120 }, (_, i) =>
        r(T + i * 1000, i < 60 && i % 2 === 0 ? 90 : 60, { ...nq, dur: 1 }),
      );
      await s.writeReadings([...hour0, ...hour1, r(T + 2 * H, 99, { sensor: 'mr-th-2' })]);
      await s.writeReadings(noise);
      // A re-written reading (a redelivered batch) changes nothing.
      await s.writeReadings([hour0[5]!, noise[7]!]);
      const cols = (x: object) =>
        Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Array.from(v as Float64Array)]));
      const hours = (from = T, to = T + 3 * H) => s.readHourRollups({ ...q, from, to }).then(cols);
      assert.deepEqual(await hours(), {
        ts: [T, T + H],
        count: [60, 30],
        min: [20, 25],
        max: [22, 25],
        sum: [1260, 750],
        energy: [0, 0],
        durSum: [0, 0],
      });
      // from is rounded up to a whole hour (buckets whose start lies in [from, to)).
      assert.deepEqual((await hours(T + 1, T + 3 * H)).ts, [T + H]);

      // Late data: a second reading in hour 0's first minute (30) and one in the empty hour 2 (18).
      await s.writeReadings([r(T + 30_000, 30), r(T + 2 * H + 10 * MIN, 18)]);
      const expectHours = {
        ts: [T, T + H, T + 2 * H],
        count: [61, 30, 1],
        min: [20, 25, 18],
        max: [30, 25, 18],
        sum: [1290, 750, 18],
        energy: [0, 0, 0],
        durSum: [0, 0, 0],
      };
      assert.deepEqual(await hours(), expectHours);
      const stats = (hs: number[], from = T, to = T + 6 * H) =>
        s.readMinuteHourStats({ ...q, from, to, hours: hs }).then(cols);
      // Minute 0 now has mean (20 + 30) / 2 = 25: hour 0's minute means span 20..25. Hour 5 is empty.
      const expectStats = {
        ts: [T, T + H, T + 2 * H, T + 5 * H],
        minutes: [60, 30, 1, 0],
        valued: [60, 30, 1, 0],
        vmin: [20, 25, 18, NaN],
        vmax: [25, 25, 18, NaN],
        energy: [0, 0, 0, 0],
        lmax: [NaN, NaN, NaN, NaN],
      };
      assert.deepEqual(await stats([T, T + H, T + 2 * H, T + 5 * H]), expectStats);
      // Clipped to [from, to): from T + 30 min + 1 ms keeps the buckets of minutes 31..59 (29 of them).
      assert.deepEqual(await stats([T], T + 30 * MIN + 1), {
        ts: [T],
        minutes: [29],
        valued: [29],
        vmin: [20],
        vmax: [22],
        energy: [0],
        lmax: [NaN],
      });
      const values = (from: number, to: number, qq: typeof q | typeof nq = q) =>
        s.readMinuteValues({ ...qq, from, to }).then(cols);
      assert.deepEqual(await values(T, T + 3 * MIN), { ts: [T, T + MIN, T + 2 * MIN], value: [25, 21, 22] });
      assert.deepEqual(await values(T + 1, T + 2 * MIN + 1), { ts: [T + MIN, T + 2 * MIN], value: [21, 22] });

      // Noise: minute 0 energy 30·10^9 + 30·10^6 over 60 s, minute 1 60·10^6 over 60 s.
      const laeq0 = 10 * Math.log10(500_500_000);
      assert.deepEqual(await s.readHourRollups({ ...nq, from: T, to: T + H }).then(cols), {
        ts: [T],
        count: [120],
        min: [60],
        max: [90],
        sum: [30 * 90 + 90 * 60],
        energy: [30_090_000_000],
        durSum: [120],
      });
      const noiseStats = {
        ts: [T],
        minutes: [2],
        valued: [2],
        vmin: [10 * Math.log10(1_000_000)],
        vmax: [laeq0],
        energy: [501_500_000],
        lmax: [90],
      };
      assert.deepEqual(await s.readMinuteHourStats({ ...nq, from: T, to: T + H, hours: [T] }).then(cols), noiseStats);
      assert.deepEqual(await values(T, T + H, nq), { ts: [T, T + MIN], value: [laeq0, 10 * Math.log10(1_000_000)] });

      // Level histogram: 30 s at 90 dB, 90 s at 60 dB.
      const hist = {
        binDb: 0.5,
        bins: [
          { level: 60, seconds: 90 },
          { level: 90, seconds: 30 },
        ],
        totalSeconds: 120,
      };
      assert.deepEqual(await s.readNoiseHistogram({ ...nq, from: T, to: T + H }), hist);

      // Prune hour 0 and the first 15 minutes of hour 1: every evidence read answers as before.
      await s.pruneRaw(T + H + 15 * MIN);
      assert.deepEqual(await s.readNoiseHistogram({ ...nq, from: T, to: T + H }), hist);
      assert.deepEqual(await hours(), expectHours);
      assert.deepEqual(await stats([T, T + H, T + 2 * H, T + 5 * H]), expectStats);
      assert.deepEqual(await values(T, T + 3 * MIN), { ts: [T, T + MIN, T + 2 * MIN], value: [25, 21, 22] });
      assert.deepEqual(await s.readMinuteHourStats({ ...nq, from: T, to: T + H, hours: [T] }).then(cols), noiseStats);
      assert.deepEqual(await values(T, T + H, nq), { ts: [T, T + MIN], value: [laeq0, 10 * Math.log10(1_000_000)] });
      // Late data into the pruned hour adds to what was kept: minute 45 (20) gets a 40 -> mean 30.
      await s.writeReadings([r(T + 45 * MIN + 30_000, 40)]);
      assert.deepEqual(await hours(), { ...expectHours, count: [62, 30, 1], max: [40, 25, 18], sum: [1330, 750, 18] });
      assert.deepEqual(await stats([T]), {
        ts: [T],
        minutes: [60],
        valued: [60],
        vmin: [20],
        vmax: [30],
        energy: [0],
        lmax: [NaN],
      });
      assert.deepEqual((await values(T + 45 * MIN, T + 46 * MIN)).value, [30]);
    });

    test('minute reads agree with each other and with the canonical seal text; flushRollups brings the rollups up to date', async (t) => {
      const s = await fresh(t);
      const H = HOUR;
      const noise = (ts: number, value: number, dur: number): StoredReading =>
        r(ts, value, { sensor: 'hall-slm-1', metric: 'noise_laeq', dur });
      await s.writeReadings([
        r(T, 20),
        r(T + 30_000, 22),
        r(T + MIN, 30),
        r(T + MIN + 30_000, 10),
        r(T + 5 * MIN, 7.25),
        r(T + H + 5000, 5),
      ]);
      await s.writeReadings([noise(T, 90, 1), noise(T + 1000, 60, 1), noise(T + 2 * MIN, 60, 5)]);
      // Two hours were written (T and T + 1 h): SQLite rolled them up in the write, InfluxDB does now.
      assert.equal(await s.flushRollups(), o.rollupsAfterWrite ? 2 : 0);
      assert.equal(await s.flushRollups(), 0, 'nothing left to recompute');
      const q = { site: 'demo', sensor: 'mr-th-1', metric: 'temperature' as const, from: T, to: T + 2 * H };
      const nq = { site: 'demo', sensor: 'hall-slm-1', metric: 'noise_laeq' as const, from: T, to: T + H };
      const cols = (x: object) =>
        Object.fromEntries(Object.entries(x).map(([k, v]) => [k, Array.from(v as Float64Array)]));

      // Minute rollups as columns are the 1m aggregates: 20+22, 30+10, 7.25, 5.
      const agg = await s.readAggregate({ ...q, step: '1m' });
      assert.deepEqual(agg, [
        { ts: T, count: 2, min: 20, max: 22, mean: 21 },
        { ts: T + MIN, count: 2, min: 10, max: 30, mean: 20 },
        { ts: T + 5 * MIN, count: 1, min: 7.25, max: 7.25, mean: 7.25 },
        { ts: T + H, count: 1, min: 5, max: 5, mean: 5 },
      ]);
      const minutes = cols(await s.readMinuteRollups(q));
      assert.deepEqual(minutes, {
        ts: [T, T + MIN, T + 5 * MIN, T + H],
        count: [2, 2, 1, 1],
        min: [20, 10, 7.25, 5],
        max: [22, 30, 7.25, 5],
        sum: [42, 40, 7.25, 5],
        energy: [0, 0, 0, 0],
        durSum: [0, 0, 0, 0],
      });
      assert.deepEqual(
        minutes.ts,
        agg.map((p) => p.ts),
      );
      assert.deepEqual(
        minutes.sum!.map((x, i) => x / minutes.count![i]!),
        agg.map((p) => p.mean),
      );
      // Noise: minute 0 has 1 s at 90 dB and 1 s at 60 (energy 10^9 + 10^6 over 2 s), minute 2 5 s at 60 (5·10^6).
      assert.deepEqual(cols(await s.readMinuteRollups(nq)), {
        ts: [T, T + 2 * MIN],
        count: [2, 1],
        min: [60, 60],
        max: [90, 60],
        sum: [150, 60],
        energy: [1_001_000_000, 5_000_000],
        durSum: [2, 5],
      });
      const laeq0 = 10 * Math.log10(500_500_000);
      const nagg = await s.readAggregate({ ...nq, step: '1m' });
      assert.deepEqual(
        nagg.map((p) => p.ts),
        [T, T + 2 * MIN],
      );

      // Seal texts: the canonical text of readRaw / readAggregate, and the text worked out by hand.
      const rawText = await s.readRawSealText(q);
      assert.equal(rawText, rawSealText(await s.readRaw(q)));
      assert.equal(
        rawText,
        [
          `${T},20000000,`,
          `${T + 30_000},22000000,`,
          `${T + MIN},30000000,`,
          `${T + MIN + 30_000},10000000,`,
          `${T + 5 * MIN},7250000,`,
          `${T + H + 5000},5000000,`,
        ].join('\n'),
      );
      const noiseRaw = await s.readRawSealText(nq);
      assert.equal(noiseRaw, rawSealText(await s.readRaw(nq)));
      assert.equal(noiseRaw, `${T},90000000,1000000\n${T + 1000},60000000,1000000\n${T + 2 * MIN},60000000,5000000`);
      const minuteText = await s.readMinuteSealText(q);
      assert.equal(minuteText, minuteSealText(agg, false));
      assert.equal(
        minuteText,
        [
          `${T},2,20000000,22000000,21000000`,
          `${T + MIN},2,10000000,30000000,20000000`,
          `${T + 5 * MIN},1,7250000,7250000,7250000`,
          `${T + H},1,5000000,5000000,5000000`,
        ].join('\n'),
      );
      const noiseMinutes = await s.readMinuteSealText(nq);
      assert.equal(noiseMinutes, minuteSealText(nagg, true));
      assert.equal(
        noiseMinutes,
        `${T},2,60000000,90000000,75000000,${Math.round(laeq0 * 1e4)}\n${T + 2 * MIN},1,60000000,60000000,60000000,600000`,
      );
      assert.equal(await s.readRawSealText({ ...q, from: T + 2 * H, to: T + 3 * H }), '');
      assert.equal(await s.readMinuteSealText({ ...q, from: T + 2 * H, to: T + 3 * H }), '');

      // The batched minute values answer each range as the single read does (sorted, disjoint, one empty).
      const ranges: Array<[number, number]> = [
        [T, T + 2 * MIN],
        [T + 5 * MIN, T + 6 * MIN],
        [T + 10 * MIN, T + 10 * MIN],
        [T + H, T + H + MIN],
      ];
      const many = (await s.readMinuteValuesRanges({ site: q.site, sensor: q.sensor, metric: q.metric }, ranges)).map(
        cols,
      );
      const one = await Promise.all(ranges.map(([from, to]) => s.readMinuteValues({ ...q, from, to }).then(cols)));
      assert.deepEqual(many, one);
      assert.deepEqual(many, [
        { ts: [T, T + MIN], value: [21, 20] },
        { ts: [T + 5 * MIN], value: [7.25] },
        { ts: [], value: [] },
        { ts: [T + H], value: [5] },
      ]);
      const noiseValues = (
        await s.readMinuteValuesRanges({ site: nq.site, sensor: nq.sensor, metric: nq.metric }, [[T, T + 3 * MIN]])
      ).map(cols);
      assert.deepEqual(noiseValues, [{ ts: [T, T + 2 * MIN], value: [laeq0, 60] }]);
    });

    // Last: the recorder has seen every method of the interface called by the cases above.
    test('every Store method was called by this suite', () => {
      assert.deepEqual(
        STORE_METHODS.filter((m) => !called.has(m)),
        [],
      );
      assert.ok(STORE_METHODS.length >= 26, `${STORE_METHODS.length} methods listed`);
    });
  });
}
