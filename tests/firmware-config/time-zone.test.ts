// ZoneOffset: the site-local clock the edge's schedule and the simulators share. Hand-computed
// expectations, including a DST change (Berlin: +01:00 until 2025-03-30 01:00 UTC, then +02:00).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { ZoneOffset } from '@hallmon/firmware-config';

const H = 3_600_000;

test('Shanghai is UTC+8 all year; sub-second parts of the instant do not matter', () => {
  const z = new ZoneOffset('Asia/Shanghai');
  assert.equal(z.at(Date.parse('2025-01-15T03:00:00Z')), 8 * H);
  assert.equal(z.at(Date.parse('2025-07-15T16:59:59.999Z')), 8 * H);
  // 09:00 local on 2025-05-06 is 01:00 UTC.
  assert.equal(z.fromLocal(Date.UTC(2025, 4, 6, 9, 0)), Date.parse('2025-05-06T01:00:00Z'));
});

test('across a DST change the offset switches at the transition instant and fromLocal lands right', () => {
  const z = new ZoneOffset('Europe/Berlin');
  assert.equal(z.at(Date.parse('2025-03-30T00:59:59Z')), 1 * H);
  assert.equal(z.at(Date.parse('2025-03-30T01:00:00Z')), 2 * H);
  // 03:00 local, the first wall-clock time after the jump, is 01:00 UTC; 01:30 local is 00:30 UTC.
  assert.equal(z.fromLocal(Date.UTC(2025, 2, 30, 3, 0)), Date.parse('2025-03-30T01:00:00Z'));
  assert.equal(z.fromLocal(Date.UTC(2025, 2, 30, 1, 30)), Date.parse('2025-03-30T00:30:00Z'));
});

test('an unknown zone throws when first used, with the zone named', () => {
  const z = new ZoneOffset('Mars/Olympus_Mons');
  assert.throws(() => z.at(0), /Mars\/Olympus_Mons/);
});
