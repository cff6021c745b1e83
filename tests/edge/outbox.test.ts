// The edge outbox on a real SQLite file: order, durability across reopen, the disk budget and its
// one data_gap event, and the counts the health endpoint reports.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Outbox, type OutboxInput } from '@hallmon/edge';
import type { DeviceEvent } from '@hallmon/firmware-config';
import { tempDir } from '../helpers/tmp.ts';

const T0 = Date.parse('2025-05-01T01:00:00Z');

function readings(n: number, from = 0, sensor = 'mr-th-1'): OutboxInput[] {
  return Array.from({ length: n }, (_, i) => {
    const ts = T0 + (from + i) * 1000;
    return {
      key: sensor,
      ts,
      body: JSON.stringify({
        sensor,
        metric: 'temperature',
        value: 20 + ((from + i) % 10) / 10,
        ts: new Date(ts).toISOString(),
        quality: 'ok',
      }),
    };
  });
}

test('append, peek and remove keep the oldest-first order per stream', (t) => {
  const dir = tempDir();
  const ob = new Outbox({ dataDir: join(dir.path, 'nested', 'data') });
  t.onTestFinished(() => (ob.close(), dir.remove()));
  ob.open();
  assert.ok(existsSync(join(dir.path, 'nested', 'data', 'outbox.db')));
  ob.append('telemetry', readings(5));
  ob.append('events', [
    {
      key: 'eval-w01',
      ts: T0,
      body: '{"device":"eval-w01","type":"rating","score":5,"ts":"2025-05-01T01:00:00.000Z"}',
    },
  ]);
  ob.append('telemetry', readings(3, 5));

  const head = ob.peek('telemetry', 4);
  assert.deepEqual(
    head.map((r) => r.ts),
    [0, 1, 2, 3].map((i) => T0 + i * 1000),
  );
  assert.ok(head.every((r, i) => i === 0 || r.seq > head[i - 1]!.seq));
  assert.equal(ob.peek('events', 10).length, 1);
  // peek after a cursor continues where the previous batch ended
  const rest = ob.peek('telemetry', 100, head[3]!.seq);
  assert.deepEqual(
    rest.map((r) => r.ts),
    [4, 5, 6, 7].map((i) => T0 + i * 1000),
  );

  assert.equal(ob.remove(head.map((r) => r.seq)), 4);
  assert.equal(ob.remove(head.map((r) => r.seq)), 0, 'removing twice (a duplicate PUBACK) is harmless');
  assert.deepEqual(
    ob.peek('telemetry', 100).map((r) => r.ts),
    [4, 5, 6, 7].map((i) => T0 + i * 1000),
  );
  const st = ob.stats();
  assert.equal(st.streams.telemetry.count, 4);
  assert.equal(st.streams.events.count, 1);
  assert.equal(st.count, 5);
  assert.ok(st.bytes > 0 && st.streams.telemetry.bytes > st.streams.events.bytes);
});

test('reopening after close continues from what is on disk', (t) => {
  const dir = tempDir();
  t.onTestFinished(() => dir.remove());
  const a = new Outbox({ dataDir: dir.path });
  a.open();
  a.append('telemetry', readings(10));
  a.append('status', [{ key: 'mr-th-1', ts: T0, body: 'offline' }]);
  a.remove(a.peek('telemetry', 2).map((r) => r.seq));
  const before = a.stats();
  a.close();

  const b = new Outbox({ dataDir: dir.path });
  b.open();
  t.onTestFinished(() => b.close());
  const st = b.stats();
  assert.equal(st.streams.telemetry.count, 8);
  assert.equal(st.streams.status.count, 1);
  assert.deepEqual(st.streams, before.streams, 'counts and bytes are rebuilt from the file');
  assert.deepEqual(
    b.peek('telemetry', 100).map((r) => r.ts),
    Array.from({ length: 8 }, (_, i) => T0 + (i + 2) * 1000),
  );
  assert.equal(b.peek('status', 1)[0]!.body, 'offline');
  // new records go after the old ones
  b.append('telemetry', readings(1, 100));
  assert.equal(b.peek('telemetry', 100).at(-1)!.ts, T0 + 100_000);
});

test('over the disk budget: the oldest records go, and exactly one data_gap event says which', (t) => {
  const dir = tempDir();
  const gaps: DeviceEvent[] = [];
  // 64 KB budget; each reading is about 170 accounted bytes, so 1,000 readings overflow it.
  const ob = new Outbox({ dataDir: dir.path, maxMB: 64 / 1024, onDrop: (g) => gaps.push(g) });
  t.onTestFinished(() => (ob.close(), dir.remove()));
  ob.open();
  ob.append('events', [
    {
      key: 'eval-w01',
      ts: T0 - 5000,
      body: '{"device":"eval-w01","type":"rating","score":4,"ts":"2025-05-01T00:59:55.000Z"}',
    },
  ]);
  const all = readings(1000);
  ob.append('telemetry', all);

  assert.equal(gaps.length, 1, 'one overflow, one data_gap');
  const st = ob.stats();
  assert.ok(st.bytes <= st.budgetBytes, `outbox back under budget (${st.bytes} <= ${st.budgetBytes})`);
  assert.ok(st.bytes >= st.budgetBytes * 0.8, 'drops only down to about 90 % of the budget');

  const left = ob.peek('telemetry', 10_000);
  const droppedReadings = 1000 - left.length;
  assert.ok(droppedReadings > 0);
  // what is left is the newest, contiguous tail
  assert.deepEqual(
    left.map((r) => r.ts),
    all.slice(droppedReadings).map((r) => r.ts),
  );
  const events = ob.peek('events', 10).map((r) => JSON.parse(r.body) as DeviceEvent);
  const gapEvents = events.filter((e) => e.type === 'data_gap');
  assert.equal(gapEvents.length, 1);
  assert.equal(
    events.filter((e) => e.type === 'rating').length,
    0,
    'the older rating event was dropped too (oldest seq first)',
  );
  const gap = gapEvents[0]!;
  assert.deepEqual(gap, gaps[0]);
  assert.equal(gap.device, 'edge');
  assert.equal(gap.count, droppedReadings + 1);
  assert.equal(gap.start, new Date(T0 - 5000).toISOString());
  assert.equal(gap.end, new Date(all[droppedReadings - 1]!.ts).toISOString());
  assert.match(gap.detail ?? '', /disk budget/);
  assert.equal(st.dropped, droppedReadings + 1);
  assert.equal(st.gaps, 1);
  // the counters match the table after the drop
  assert.equal(st.streams.telemetry.count, left.length);
  assert.equal(
    st.streams.telemetry.bytes,
    left.reduce((n, r) => n + Buffer.byteLength(r.body) + r.key.length + 48, 0),
  );

  // a second overflow folds the first data_gap into the new one when it drops it
  ob.append('telemetry', readings(2000, 1000));
  const gapsNow = ob.peek('events', 10).map((r) => JSON.parse(r.body) as DeviceEvent);
  assert.ok(gaps.length >= 2);
  assert.equal(gapsNow.length, 1, 'only the newest data_gap remains, carrying the older loss');
  const total = gapsNow[0]!;
  const leftNow = ob.peek('telemetry', 10_000);
  assert.equal(total.start, new Date(T0 - 5000).toISOString());
  assert.equal(total.count, 3000 + 1 - leftNow.length, 'every lost record is counted once');
  assert.equal(total.end, new Date(leftNow[0]!.ts - 1000).toISOString());
});
