// States are kept as changes (docs/contract.md "State metrics"): the first value, each change and a
// refresh every STATE_REFRESH_S go on the wire, nothing else; a change is flushed at once; after the
// device was offline its states are sent again as first values. Analogue readings always pass.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { STATE_REFRESH_S, type NormalisedReading } from '@hallmon/firmware-config';
import { StateChanges } from '@hallmon/edge';

const r = (metric: NormalisedReading['metric'], value: number, sensor = 'mr-di-1'): NormalisedReading => ({
  sensor,
  metric,
  value,
  ts: '',
  quality: 'ok',
});

test('first value and changes now, unchanged held, a refresh every STATE_REFRESH_S, all again after an outage', () => {
  const s = new StateChanges();
  const t0 = 1_000_000;
  const at = (sec: number) => t0 + sec * 1000;
  assert.equal(s.judge(r('water_leak', 0), at(0)), 'send-now');
  assert.equal(s.judge(r('water_leak', 0), at(1)), 'hold');
  assert.equal(s.judge(r('smoke', 0), at(1)), 'send-now', 'each metric on its own');
  assert.equal(s.judge(r('water_leak', 1), at(2)), 'send-now');
  assert.equal(s.judge(r('water_leak', 1), at(2 + STATE_REFRESH_S - 1)), 'hold');
  assert.equal(s.judge(r('water_leak', 1), at(2 + STATE_REFRESH_S)), 'send', 'the refresh');
  assert.equal(s.judge(r('water_leak', 1), at(3 + STATE_REFRESH_S)), 'hold');
  assert.equal(s.judge(r('temperature', 23), at(4)), 'send', 'analogue readings always pass');
  assert.equal(s.judge(r('temperature', 23), at(5)), 'send');
  assert.equal(s.judge(r('water_leak', 1, 'other-di'), at(5)), 'send-now', 'each device on its own');
  s.forget('mr-di-1');
  assert.equal(
    s.judge(r('water_leak', 1), at(6 + STATE_REFRESH_S)),
    'send-now',
    'after an outage: a first value again',
  );
  assert.equal(s.judge(r('water_leak', 1, 'other-di'), at(7)), 'hold', 'the other device is not forgotten');
  assert.ok(s.held >= 4);
});
