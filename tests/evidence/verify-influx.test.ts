// The seal digests are the same bytes on both stores. The same readings, alarm, device
// events and status changes written to SQLite (SQL fast path) and to a real influxd (generic
// readRaw/readAggregate path) give the same raw, minute-rollup and records digests, and the rollup
// and records digests are unchanged on both after pruneRaw (InfluxDB keeps pruned minutes in
// rollup_1m; events are never pruned), so a day sealed before a prune still verifies.
import { afterAll, beforeAll, test } from 'vitest';
import assert from 'node:assert/strict';
import { createLogger } from '@hallmon/firmware-config';
import { createStore, siteSchedule, dayDigests, rawDigest, recordsDigest, rollupDigest } from '@hallmon/server';
import type { Store } from '@hallmon/server';
import { startInfluxd, type TestInfluxd } from '../helpers/influxd.ts';
import { at, demoSite, ev, MIN, openStore, profiles, readings, S } from './fixture.ts';

let influx: TestInfluxd | undefined;
beforeAll(async () => {
  influx = await startInfluxd();
}, 60_000);
afterAll(async () => {
  await influx?.stop();
}, 60_000);

test('SQLite and InfluxDB give the same seal digests, before and after pruneRaw', { timeout: 120_000 }, async (t) => {
  const { store: sqlite } = await openStore(t);
  if (!influx) throw new Error('influxd did not start');
  const flux = createStore(
    { kind: 'influxdb', url: influx.url, database: 'hallmon_seal' },
    createLogger('test', 'warn'),
  );
  await flux.open();
  t.onTestFinished(() => flux.close());
  const d0 = at('2025-05-06 00:00');
  const rs = [
    ...readings('mr-th-1', 'temperature', d0, MIN, 1440, (i) => Math.round((23.5 + Math.sin(i / 40)) * 100) / 100),
    ...readings('hall-th-1', 'humidity', d0, MIN, 1440, (i) => -0.5 + (i % 11) * 0.05),
    ...readings('hall-noise-1', 'noise_laeq', at('2025-05-06 09:00'), S, 900, (i) =>
      i % 10 < 2 ? 81.3 : 57.9 + (i % 7) * 0.1,
    ),
  ];
  const alarm = {
    id: 'demo:mr-temperature:mr-th-1:i',
    site: 'demo',
    clause: '5.2.2',
    rule: 'mr-temperature',
    sensor: 'mr-th-1',
    severity: 'warning' as const,
    state: 'raised' as const,
    ts: at('2025-05-06 10:05'),
    startedAt: at('2025-05-06 10:00'),
  };
  const events = [
    ev('eval-w01', 'rating', at('2025-05-06 09:30'), { score: 5, window: 'W01' }),
    ev('queue-1', 'ticket_called', at('2025-05-06 09:31:07'), { ticket: 'A017', window: 'W02' }),
    ev('mr-th-1', 'device_fault', at('2025-05-06 14:00'), {
      fault: 'crc-error',
      count: 3,
      start: at('2025-05-06 14:00'),
      end: at('2025-05-06 14:00:09'),
      detail: 'CRC 错误, "unit 1"\tretry',
    }),
    ev('edge-1', 'data_gap', at('2025-05-06 23:59:59'), {
      start: at('2025-05-06 20:00'),
      end: at('2025-05-06 21:00'),
      count: 3600,
    }),
  ];
  const statuses = [
    { site: 'demo', device: 'mr-th-1', status: 'offline' as const, ts: at('2025-05-06 14:00:05') },
    { site: 'demo', device: 'mr-th-1', status: 'online' as const, ts: at('2025-05-06 14:00:10') },
  ];
  for (const s of [sqlite, flux] as Store[]) {
    for (let i = 0; i < rs.length; i += 2000) await s.writeReadings(rs.slice(i, i + 2000));
    await s.writeAlarms([alarm]);
    await s.writeEvents(events);
    await s.writeStatus(statuses);
  }
  const site = demoSite();
  const schedule = siteSchedule(site);
  const a = await dayDigests(sqlite, site, profiles, schedule, '2025-05-06');
  const b = await dayDigests(flux, site, profiles, schedule, '2025-05-06');
  assert.equal(a.readings, rs.length);
  assert.equal(a.records, events.length + statuses.length);
  assert.deepEqual(b, a);

  const cut = at('2025-05-07 00:00');
  await sqlite.pruneRaw(cut);
  await flux.pruneRaw(cut);
  for (const s of [sqlite, flux] as Store[]) {
    assert.equal((await rawDigest(s, site, profiles, schedule, '2025-05-06')).readings, 0, `${s.kind}: raw pruned`);
    assert.equal(
      (await rollupDigest(s, site, profiles, schedule, '2025-05-06')).digest,
      a.rollupDigest,
      `${s.kind}: rollup digest outlives the prune`,
    );
    assert.equal(
      (await recordsDigest(s, site, schedule, '2025-05-06')).digest,
      a.recordsDigest,
      `${s.kind}: records are not pruned`,
    );
  }
});
