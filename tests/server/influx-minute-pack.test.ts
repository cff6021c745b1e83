// Pure unit tests of the InfluxDB minute packs (server/src/store/influxdb/minute-pack.ts): what the keeper
// writes into rollup_1h is read back as the same doubles, minute for minute, for any range cut.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import {
  ColumnsBuilder,
  MinutePacks,
  unpackMinutes,
  type MinuteColumns,
} from '../../server/src/store/influxdb/minute-pack.ts';

const H = 3_600_000;
const M = 60_000;
const T = Date.UTC(2025, 4, 1, 8);

/** The JSON text of a pack field as line protocol carries it (fieldString escapes the quotes). */
function field(fields: string, name: string): string | undefined {
  const m = new RegExp(`,${name}="((?:[^"\\\\]|\\\\.)*)"`).exec(fields);
  return m ? m[1]!.replace(/\\(["\\])/g, '$1') : undefined;
}

function cols(): ColumnsBuilder {
  return new ColumnsBuilder();
}

/** Columns as plain arrays (deepEqual-friendly). */
function plain(b: ColumnsBuilder): { ts: number[]; value: number[]; max: number[] } {
  const c: MinuteColumns = b.columns();
  return { ts: Array.from(c.ts), value: Array.from(c.value), max: Array.from(c.max) };
}

test('minute packs: values set in any order come back in minute order, the same doubles, holes skipped', () => {
  const p = new MinutePacks();
  // Awkward doubles (no short decimal) and a gap at minutes 1-2; set out of order.
  const v = [0.1 + 0.2, 22.53, 1 / 3, 1e-7, 950935.9154766684];
  p.set('s', T + 4 * M, v[4]!);
  p.set('s', T, v[0]!);
  p.set('s', T + 3 * M, v[2]!);
  const f = p.fields('s', T);
  assert.equal(field(f, 'minute_means'), JSON.stringify([v[0], null, null, v[2], v[4]]));
  assert.equal(field(f, 'minute_max'), undefined, 'no maxima for a series without them');
  const b = cols();
  unpackMinutes(T, field(f, 'minute_means')!, undefined, T, T + H, b);
  const out = plain(b);
  assert.deepEqual(out.ts, [T, T + 3 * M, T + 4 * M]);
  assert.deepEqual(out.value, [v[0], v[2], v[4]]);
  assert.ok(Object.is(out.value[0], 0.1 + 0.2), 'bit-identical double');
  assert.equal(p.fields('s', T + H), '', 'an hour without minutes has no pack');
  assert.equal(p.fields('other', T), '', 'packs are per series');
});

test('minute packs: a range cuts the hour at whole minutes, [from, to)', () => {
  const p = new MinutePacks();
  for (let i = 0; i < 60; i++) p.set('s', T + i * M, i);
  const means = field(p.fields('s', T), 'minute_means')!;
  const out = cols();
  unpackMinutes(T, means, undefined, T + 10 * M, T + 13 * M, out);
  assert.deepEqual(plain(out).value, [10, 11, 12]);
  // A range starting before the hour and ending after it takes the whole hour.
  const all = cols();
  unpackMinutes(T, means, undefined, T - H, T + 2 * H, all);
  assert.deepEqual(
    plain(all).value,
    Array.from({ length: 60 }, (_, i) => i),
  );
  const none = cols();
  unpackMinutes(T, means, undefined, T + H, T + 2 * H, none);
  assert.equal(none.columns().ts.length, 0);
  // Columns grow past their first allocation and keep every value in order.
  const many = cols();
  for (let h = 0; h < 40; h++) unpackMinutes(T + h * H, means, undefined, T, T + 40 * H, many);
  const c = plain(many);
  assert.equal(c.ts.length, 2400);
  assert.equal(c.ts[2399], T + 39 * H + 59 * M);
  assert.equal(c.value[2399], 59);
});

test('minute packs: noise carries each minute maximum beside its mean energy', () => {
  const p = new MinutePacks();
  p.set('n', T + 2 * M, 1e7, 72.5);
  p.set('n', T, 0, 55); // present, without energy (0), still a minute with a maximum
  const f = p.fields('n', T);
  const out = cols();
  unpackMinutes(T, field(f, 'minute_means')!, field(f, 'minute_max')!, T, T + H, out);
  assert.deepEqual(plain(out), { ts: [T, T + 2 * M], value: [0, 1e7], max: [55, 72.5] });
});

test('minute packs: a pack that is not a list of minute values is an error naming the hour and the fix', () => {
  for (const bad of ['not json', '{"a":1}', '["x"]', JSON.stringify(new Array(61).fill(1))]) {
    assert.throws(
      () => unpackMinutes(T, bad, undefined, T, T + H, cols()),
      (err: Error) => err.message.includes(new Date(T).toISOString()) && /rollup_state version=0i/.test(err.message),
      bad,
    );
  }
});
