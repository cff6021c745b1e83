// Pure unit tests of the Devices page figures (server/src/devices/fault-log.ts): status from status
// history and silence, fault episodes merged across sources, errors by kind this month, and repair
// time in working days by the shipped official calendar (2025: 05-01..05-05 Labour Day holiday).
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { shippedCalendar } from '@hallmon/firmware-config';
import { faultLog, type FaultLogInput } from '../../server/src/devices/fault-log.ts';

const calendar = shippedCalendar();
const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const HOUR = 3_600_000;
/** Shanghai local time as epoch ms (UTC+8, no DST). */
const sh = (iso: string) => Date.parse(`${iso}+08:00`);

function base(over: Partial<FaultLogInput>): FaultLogInput {
  return { now: sh('2025-05-20T10:00:00'), timezone: TZ, calendar, statuses: [], faults: [], lastSeen: null, ...over };
}

test('a device never heard of is unknown with no figures', () => {
  assert.deepEqual(faultLog(base({})), {
    status: 'unknown',
    lastSeen: null,
    errors: {},
    faultsThisMonth: 0,
    openFaultSince: null,
    lastRepairWorkingDays: null,
  });
});

test('counter device: the last status message decides; an open offline episode is reported', () => {
  const now = sh('2025-05-20T10:00:00');
  const statuses = [
    { ts: sh('2025-04-29T09:00:00'), status: 'offline' as const }, // Tue before Labour Day
    { ts: sh('2025-05-06T15:00:00'), status: 'online' as const }, // repaired the next working day after the holiday
    { ts: sh('2025-05-19T09:30:00'), status: 'offline' as const },
  ];
  const f = faultLog(base({ now, statuses, lastSeen: sh('2025-05-19T09:29:00') }));
  assert.equal(f.status, 'offline');
  assert.equal(f.openFaultSince, sh('2025-05-19T09:30:00'));
  // The April episode started last month: only the one of 05-19 counts for May.
  assert.equal(f.faultsThisMonth, 1);
  // 04-29 -> 05-06: 04-30 (Wed, working), 05-01..05-05 holiday, 05-06 (Tue) working = 2.
  assert.equal(f.lastRepairWorkingDays, 2);
  assert.deepEqual(f.errors, {});
});

test('counter device without status messages: recent events mean online, old ones unknown', () => {
  const now = sh('2025-05-20T10:00:00');
  assert.equal(faultLog(base({ now, lastSeen: now - 2 * MIN })).status, 'online');
  assert.equal(faultLog(base({ now, lastSeen: now - 2 * HOUR })).status, 'unknown');
});

test('polled sensor: silence past the zone threshold is offline since the last reading', () => {
  const now = sh('2025-05-20T10:00:00');
  const online = [{ ts: sh('2025-05-01T08:00:00'), status: 'online' as const }];
  const fresh = faultLog(base({ now, statuses: online, lastSeen: now - 4 * MIN, silenceMs: 5 * MIN }));
  assert.equal(fresh.status, 'online');
  assert.equal(fresh.openFaultSince, null);
  assert.deepEqual(fresh.errors, { timeout: 0, 'crc-error': 0, exception: 0, disconnected: 0, 'parse-error': 0 });
  const silent = faultLog(base({ now, statuses: online, lastSeen: now - 6 * MIN, silenceMs: 5 * MIN }));
  assert.equal(silent.status, 'offline');
  assert.equal(silent.openFaultSince, now - 6 * MIN);
  assert.equal(silent.faultsThisMonth, 1);
});

test('polled sensor: device_fault episodes count by kind this month and merge with the offline status they caused', () => {
  const now = sh('2025-05-20T10:00:00');
  const statuses = [
    { ts: sh('2025-05-12T10:01:00'), status: 'offline' as const },
    { ts: sh('2025-05-14T11:00:00'), status: 'online' as const },
  ];
  const faults = [
    // Same incident as the offline status above (started a minute earlier): one episode, not two.
    {
      ts: sh('2025-05-12T10:00:00'),
      start: sh('2025-05-12T10:00:00'),
      end: sh('2025-05-14T10:59:00'),
      fault: 'timeout',
      count: 12,
    },
    // A lone CRC burst later in the month: a second episode.
    {
      ts: sh('2025-05-18T09:00:00'),
      start: sh('2025-05-18T09:00:00'),
      end: sh('2025-05-18T09:00:05'),
      fault: 'crc-error',
      count: 1,
    },
    // Last month: not in the errors of May.
    {
      ts: sh('2025-04-28T09:00:00'),
      start: sh('2025-04-28T09:00:00'),
      end: sh('2025-04-28T09:10:00'),
      fault: 'timeout',
      count: 3,
    },
  ];
  const f = faultLog(base({ now, statuses, faults, lastSeen: now - MIN, silenceMs: 5 * MIN }));
  assert.equal(f.status, 'online');
  assert.deepEqual(f.errors, { timeout: 12, 'crc-error': 1, exception: 0, disconnected: 0, 'parse-error': 0 });
  assert.equal(f.faultsThisMonth, 2);
  assert.equal(f.openFaultSince, null);
  // The most recently ended fault is the CRC burst: same day, 0 working days.
  assert.equal(f.lastRepairWorkingDays, 0);
});

test('the month is the site-local month: 2025-05-31T23:30+08:00 is May in Shanghai, June in UTC+9 would differ', () => {
  const ts = sh('2025-05-31T23:30:00');
  const statuses = [{ ts, status: 'offline' as const }];
  assert.equal(faultLog(base({ now: sh('2025-05-31T23:50:00'), statuses })).faultsThisMonth, 1);
  assert.equal(faultLog(base({ now: sh('2025-06-01T00:10:00'), statuses })).faultsThisMonth, 0);
  assert.equal(faultLog(base({ now: sh('2025-06-01T00:10:00'), statuses, timezone: 'Asia/Tokyo' })).faultsThisMonth, 1);
});
