// Unit tests of ingest payload validation (pure): every rejection reason, batches keep their good
// items, timestamps normalised to epoch ms.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { loadProfiles, loadSites, MAX_BATCH } from '@hallmon/firmware-config';
import { indexSite } from '../../server/src/ingest/site-index.ts';
import {
  validateTelemetry,
  validateEvents,
  validateAlarms,
  validateStatus,
} from '../../server/src/ingest/validate-payload.ts';
import { parseTopic } from '../../server/src/ingest/topic.ts';

const profiles = loadProfiles();
const demo = loadSites(undefined, profiles).get('demo')!;
const now = Date.parse('2025-05-01T01:00:00Z');
const ctx = { site: indexSite(demo, profiles), now };
const good = { sensor: 'mr-th-1', metric: 'temperature', value: 24.6, ts: '2025-05-01T09:00:00+08:00' };
const reasons = (m: Map<string, number>) => Object.fromEntries(m);

test('a good reading is accepted with its time in epoch ms and quality ok', () => {
  const r = validateTelemetry(JSON.stringify(good), ctx);
  assert.deepEqual(reasons(r.rejected), {});
  assert.deepEqual(r.accepted, [
    { site: 'demo', sensor: 'mr-th-1', metric: 'temperature', ts: now, value: 24.6, quality: 'ok' },
  ]);
});

test('each bad reading is rejected with its reason; the rest of the batch is kept', () => {
  const batch = [
    good,
    { ...good, sensor: 'nope-1' },
    { ...good, metric: 'noise_laeq' },
    { ...good, metric: 'pressure' },
    { ...good, value: 'NaN' },
    { ...good, value: 'Infinity' },
    { ...good, value: '24.6' },
    { ...good, ts: '2025-05-01T09:00:00' },
    { ...good, ts: now + 6 * 60_000 },
    { ...good, ts: now + 4 * 60_000, value: 25 },
    { ...good, extra: 1 },
    42,
  ];
  const r = validateTelemetry(JSON.stringify(batch), ctx);
  assert.deepEqual(reasons(r.rejected), {
    'unknown-sensor': 1,
    'unknown-metric': 2,
    'not-finite': 2,
    schema: 3,
    'bad-timestamp': 1,
    'future-timestamp': 1,
  });
  assert.deepEqual(
    r.accepted.map((a) => a.value),
    [24.6, 25],
  );
});

test('state inputs: 0 and 1 of a channel the site wires are kept; other values and unwired metrics are not', () => {
  const st = { sensor: 'mr-di-1', metric: 'water_leak', ts: '2025-05-01T09:00:00+08:00' };
  const r = validateTelemetry(
    JSON.stringify([
      { ...st, value: 1 },
      { ...st, value: 0, ts: '2025-05-01T09:00:05+08:00' },
      { ...st, value: 0.5 },
      { ...st, value: 2 },
      { ...st, metric: 'mains_ok', value: 1 }, // the DI module of the demo has no mains channel
      { sensor: 'mr-ups-1', metric: 'ups_runtime_min', value: 41, ts: st.ts },
      { sensor: 'mr-ups-1', metric: 'mains_ok', value: 0, ts: st.ts },
    ]),
    ctx,
  );
  assert.deepEqual(reasons(r.rejected), { 'bad-state': 2, 'unknown-metric': 1 });
  assert.deepEqual(
    r.accepted.map((a) => [a.sensor, a.metric, a.value]),
    [
      ['mr-di-1', 'water_leak', 1],
      ['mr-di-1', 'water_leak', 0],
      ['mr-ups-1', 'ups_runtime_min', 41],
      ['mr-ups-1', 'mains_ok', 0],
    ],
  );
});

test('JSON numbers too large for a double are not finite', () => {
  const r = validateTelemetry('{"sensor":"mr-th-1","metric":"temperature","value":1e999,"ts":1}', ctx);
  assert.deepEqual(reasons(r.rejected), { 'not-finite': 1 });
});

test('malformed JSON and oversized batches are rejected as a whole', () => {
  assert.deepEqual(reasons(validateTelemetry('{"sensor":', ctx).rejected), { 'malformed-json': 1 });
  const many = JSON.stringify(Array.from({ length: MAX_BATCH + 1 }, () => good));
  const r = validateTelemetry(many, ctx);
  assert.deepEqual(reasons(r.rejected), { 'too-many': 1 });
  assert.equal(r.accepted.length, 0);
  assert.equal(
    validateTelemetry(JSON.stringify(Array.from({ length: MAX_BATCH }, () => good)), ctx).accepted.length,
    MAX_BATCH,
  );
});

test('noise readings get the profile interval as dur when none is sent', () => {
  const r = validateTelemetry(
    JSON.stringify({ sensor: 'hall-noise-1', metric: 'noise_laeq', value: 62.1, ts: now }),
    ctx,
  );
  assert.equal(r.accepted.length, 1);
  assert.ok((r.accepted[0]!.dur ?? 0) > 0);
});

test('events: known devices only, schema checked', () => {
  const ev = { device: 'eval-w01', type: 'rating', score: 5, window: 'W01', ts: now };
  const r = validateEvents(JSON.stringify([ev, { ...ev, device: 'ghost' }, { ...ev, score: 9 }]), ctx);
  assert.deepEqual(reasons(r.rejected), { 'unknown-device': 1, schema: 1 });
  assert.equal(r.accepted[0]!.ts, now);
  assert.equal(r.accepted[0]!.site, 'demo');
});

test('alarms must name the topic site', () => {
  const a = {
    id: 'a1',
    site: 'demo',
    clause: '5.2.2',
    rule: 'mr-temp-high',
    sensor: 'mr-th-1',
    severity: 'warning',
    state: 'raised',
    ts: now,
    startedAt: now,
  };
  const r = validateAlarms(JSON.stringify([a, { ...a, id: 'a2', site: 'other' }]), ctx);
  assert.deepEqual(reasons(r.rejected), { 'wrong-site': 1 });
  assert.equal(r.accepted[0]!.startedAt, now);
});

test('status payloads: plain text or JSON; anything else is bad-status', () => {
  assert.equal(validateStatus('offline', 'edge-1', ctx).accepted[0]!.status, 'offline');
  assert.equal(validateStatus('{"status":"online","ts":1000}', 'edge-1', ctx).accepted[0]!.ts, 1000);
  assert.deepEqual(reasons(validateStatus('maybe', 'edge-1', ctx).rejected), { 'bad-status': 1 });
  assert.equal(validateStatus('', 'edge-1', ctx).accepted.length, 0);
});

test('topics', () => {
  assert.deepEqual(parseTopic('hallmon/v1/demo/telemetry'), { site: 'demo', stream: 'telemetry' });
  assert.deepEqual(parseTopic('hallmon/v1/demo/status/edge-1'), { site: 'demo', stream: 'status', device: 'edge-1' });
  assert.equal(parseTopic('hallmon/v1/demo/other'), null);
  assert.equal(parseTopic('hallmon/v1/Demo/telemetry'), null);
  assert.equal(parseTopic('hallmon/v2/demo/telemetry'), null);
});
