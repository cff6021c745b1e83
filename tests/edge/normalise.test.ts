// Pure unit tests of the edge normaliser: calibration, plausibility flags, frozen sensors, units.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { loadProfiles, type DeviceProfile } from '@hallmon/firmware-config';
import { createNormaliser } from '@hallmon/edge';

const profiles = loadProfiles();
const p = (id: string): DeviceProfile => profiles.get(id)!;
const T0 = Date.UTC(2026, 2, 2, 1, 0, 0);

function normaliser() {
  return createNormaliser({
    devices: new Map([
      [
        'th-1',
        {
          profile: p('th-modbus-f03'),
          calibration: { temperature: { offset: -0.5 }, humidity: { scale: 1.02, offset: 0.3 } },
        },
      ],
      ['th-2', { profile: p('th-modbus-f03') }],
      ['noise-1', { profile: p('noise-modbus-f03') }],
      ['slm-1', { profile: p('slm-ascii-rs232') }],
      ['co2-1', { profile: p('co2-modbus-f03'), calibration: { co2: { scale: 1.1 } } }],
    ]),
  });
}

test('calibration: value = raw × scale + offset, without float noise', () => {
  const n = normaliser();
  assert.equal(n({ sensor: 'th-1', metric: 'temperature', value: 21.7, ts: T0 }).value, 21.2);
  assert.equal(n({ sensor: 'th-1', metric: 'humidity', value: 38.2, ts: T0 }).value, 39.264); // 38.2 × 1.02 + 0.3
  assert.equal(n({ sensor: 'th-2', metric: 'temperature', value: -5.3, ts: T0 }).value, -5.3); // no calibration
  assert.equal(n({ sensor: 'co2-1', metric: 'co2', value: 0.1 + 0.2, ts: T0 }).value, 0.33);
});

test('shape: unit, UTC ISO time, quality, dur for noise only', () => {
  const n = normaliser();
  const r = n({ sensor: 'th-2', metric: 'humidity', value: 45.6, ts: T0 });
  assert.deepEqual(r, {
    sensor: 'th-2',
    metric: 'humidity',
    value: 45.6,
    ts: '2026-03-02T01:00:00.000Z',
    quality: 'ok',
    unit: '%RH',
  });
  const noise = n({ sensor: 'noise-1', metric: 'noise_laeq', value: 63.4, ts: T0 });
  assert.equal(noise.unit, 'dB(A)');
  assert.equal(noise.dur, 1); // the profile's intervalS
  assert.equal(n({ sensor: 'slm-1', metric: 'noise_laeq', value: 70, ts: T0, dur: 0.125 }).dur, 0.125); // the sample's own
});

test('out-of-range is flagged, not dropped', () => {
  const n = normaliser();
  const hot = n({ sensor: 'th-2', metric: 'temperature', value: 95, ts: T0 });
  assert.equal(hot.quality, 'out-of-range');
  assert.equal(hot.value, 95);
  assert.equal(n({ sensor: 'th-2', metric: 'humidity', value: -0.1, ts: T0 }).quality, 'out-of-range');
  assert.equal(n({ sensor: 'th-2', metric: 'humidity', value: 100, ts: T0 }).quality, 'ok'); // bounds inclusive
  assert.equal(n({ sensor: 'noise-1', metric: 'noise_laeq', value: 19.9, ts: T0 }).quality, 'out-of-range');
});

test('stale: an exactly unchanged value past staleAfterS, per sensor and metric; a change resets it', () => {
  const n = normaliser();
  const staleS = p('noise-modbus-f03').metrics[0]!.staleAfterS!; // 3600
  const at = (s: number) => T0 + s * 1000;
  const q = (value: number, s: number) => n({ sensor: 'noise-1', metric: 'noise_laeq', value, ts: at(s) }).quality;
  assert.equal(q(50, 0), 'ok');
  assert.equal(q(50, staleS), 'ok'); // exactly the limit: not yet longer than it
  assert.equal(q(50, staleS + 1), 'stale');
  assert.equal(q(50.1, staleS + 2), 'ok'); // a change resets
  assert.equal(q(50.1, staleS + 3), 'ok');
  assert.equal(q(50.1, 2 * staleS + 3), 'stale');
  // Each sensor keeps its own history: th-1 and th-2 share a profile (staleAfterS 21600).
  const temp = (sensor: string, value: number, s: number) =>
    n({ sensor, metric: 'temperature', value, ts: at(s) }).quality;
  assert.equal(temp('th-2', 20, 0), 'ok');
  assert.equal(temp('th-2', 20, 21_601), 'stale');
  assert.equal(temp('th-1', 20, 21_601), 'ok');
  assert.equal(n({ sensor: 'th-2', metric: 'humidity', value: 20, ts: at(21_601) }).quality, 'ok');
});

test('unknown sensor or metric is a caller bug: a clear error', () => {
  const n = normaliser();
  assert.throws(() => n({ sensor: 'nope', metric: 'co2', value: 1, ts: T0 }), /unknown sensor "nope"/);
  assert.throws(() => n({ sensor: 'th-2', metric: 'co2', value: 1, ts: T0 }), /has no metric "co2"/);
});
