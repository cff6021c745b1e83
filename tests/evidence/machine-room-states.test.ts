// The pack's 5.2.2 section for the state inputs and the entry register, over a crafted day in a real
// SqliteStore: state series stored as changes with a 5-minute refresh (their coverage: each reading
// known until the next, 15 min at most), a water leak and a mains cut as state events with their
// alarms' acknowledgements (records, not failures), the door's openings against the register with
// the unregistered one first (it fails the clause), and a leak still going at the period end.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { StoredReading } from '@hallmon/server';
import { at, evidence, MIN, openStore, readings, write } from './fixture.ts';

const day = at('2025-05-06 00:00');
const DAY = 1440;

/** A state series: `value(minute)`, written on each change and refreshed every 5 min, as an edge sends it. */
function states(
  sensor: string,
  metric: StoredReading['metric'],
  value: (min: number) => number,
  skip?: [number, number],
) {
  const out: StoredReading[] = [];
  let last: number | undefined;
  let sent = -Infinity;
  for (let m = -60; m < DAY + 60; m++) {
    if (skip && m >= skip[0] && m < skip[1]) continue;
    const v = value(m);
    if (v === last && m - sent < 5) continue;
    out.push({ site: 'demo', sensor, metric, ts: day + m * MIN, value: v, quality: 'ok' });
    last = v;
    sent = m;
  }
  return out;
}

test('5.2.2: state events with their acks, coverage of the state series, door openings against the register', async (t) => {
  const { store } = await openStore(t);
  const flat = (v: number) => () => v;
  // Climate inside its limits all day, so only the register can fail the clause.
  for (const s of ['mr-th-1', 'mr-th-2']) {
    await write(store, readings(s, 'temperature', day - 60 * MIN, MIN, DAY + 120, flat(23)));
    await write(store, readings(s, 'humidity', day - 60 * MIN, MIN, DAY + 120, flat(45)));
  }
  for (const m of ['ups_load_pct', 'ups_battery_pct', 'ups_runtime_min'] as const)
    await write(store, readings('mr-ups-1', m, day - 60 * MIN, MIN, DAY + 120, flat(m === 'ups_load_pct' ? 35 : 42)));
  // Water 10:00-10:20; the DI module silent 12:00-13:00 (its last refresh covers 15 min of that).
  const wet = (m: number) => (m >= 600 && m < 620 ? 1 : 0);
  const silent: [number, number] = [721, 780];
  await write(store, states('mr-di-1', 'water_leak', wet, silent));
  await write(store, states('mr-di-1', 'smoke', flat(0), silent));
  await write(store, states('mr-di-1', 'ac_running', flat(1), silent));
  // Door: 09:00-09:05 (escorted), 14:00-14:03 (nobody registered), 16:00-16:10 (registered at 16:30).
  const door = (m: number) => ((m >= 540 && m < 545) || (m >= 840 && m < 843) || (m >= 960 && m < 970) ? 1 : 0);
  await write(store, states('mr-di-1', 'door_open', door, silent));
  // Mains lost 11:00-11:20; and water again from 23:50, still wet at the period end.
  await write(
    store,
    states('mr-ups-1', 'mains_ok', (m) => (m >= 660 && m < 680 ? 0 : 1)),
  );
  await write(
    store,
    states('mr-ups-1', 'ups_on_battery', (m) => (m >= 660 && m < 680 ? 1 : 0)),
  );
  await store.writeAlarms([
    {
      id: `demo:mr-water-leak:mr-di-1:${day + 600 * MIN}`,
      site: 'demo',
      clause: '5.2.2',
      rule: 'mr-water-leak',
      sensor: 'mr-di-1',
      severity: 'critical',
      state: 'cleared',
      ts: day + 620 * MIN,
      startedAt: day + 600 * MIN,
      clearedAt: day + 620 * MIN,
      message: '机房漏水',
    },
  ]);
  await store.ackAlarm(
    `demo:mr-water-leak:mr-di-1:${day + 600 * MIN}`,
    'net1',
    '空调冷凝水泵故障，已排水',
    day + 605 * MIN,
  );
  const visit = (id: string, inMin: number, outMin: number, writtenMin: number) => ({
    id,
    visitor: `访客${id}`,
    organisation: '电信青浦分公司',
    reason: '更换光猫',
    escort: '李网管',
    inAt: day + inMin * MIN,
    outAt: day + outMin * MIN,
    createdAt: day + writtenMin * MIN,
  });
  const p = await evidence(store, '2025-05-06', '2025-05-06', {
    visits: [visit('v1', 538, 546, 538), visit('v2', 959, 971, 990)],
  });
  const mr = p.clauses.find((c) => c.clause === '5.2.2')!;

  // The register: three openings, the unregistered one first, then the late entry, then the escorted one.
  assert.deepEqual(
    mr.doorOpenings!.map((o) => [o.start, o.end, o.registered, o.late, o.visit?.id ?? null]),
    [
      [new Date(day + 840 * MIN).toISOString(), new Date(day + 843 * MIN).toISOString(), false, false, null],
      [new Date(day + 960 * MIN).toISOString(), new Date(day + 970 * MIN).toISOString(), true, true, 'v2'],
      [new Date(day + 540 * MIN).toISOString(), new Date(day + 545 * MIN).toISOString(), true, false, 'v1'],
    ],
  );
  assert.equal(mr.doorOpenings![2]!.visit!.escort, '李网管');
  assert.equal(mr.verdict, 'fail');
  assert.match(mr.reason, /1 machine-room entry without a register entry/);
  assert.equal(mr.excursions.length, 0, 'state events are not excursions');

  // State events: the leak with its ack, the mains cut (and the battery) unacknowledged.
  const ev = mr.stateEvents!.map((x) => [x.rule, x.start, x.end, x.ongoing, x.ackedBy, x.ackNote]);
  assert.deepEqual(ev, [
    [
      'mr-water-leak',
      new Date(day + 600 * MIN).toISOString(),
      new Date(day + 620 * MIN).toISOString(),
      false,
      'net1',
      '空调冷凝水泵故障，已排水',
    ],
    [
      'mr-mains-lost',
      new Date(day + 660 * MIN).toISOString(),
      new Date(day + 680 * MIN).toISOString(),
      false,
      null,
      null,
    ],
    [
      'mr-ups-on-battery',
      new Date(day + 660 * MIN).toISOString(),
      new Date(day + 680 * MIN).toISOString(),
      false,
      null,
      null,
    ],
  ]);
  assert.equal(mr.stateEvents![0]!.title, '机房漏水');
  assert.equal(mr.stateEvents![0]!.durationS, 20 * 60);

  // Coverage of a DI series: 1440 minutes less the 45 after the refresh of 12:00's 15-minute hold.
  const cov = mr.coverageBySensor.find((c) => c.sensor === 'mr-di-1' && c.metric === 'water_leak')!;
  assert.deepEqual([cov.coveredMinutes, cov.expectedMinutes], [DAY - 45, DAY]);
  const hole = mr.gaps.find((g) => g.sensor === 'mr-di-1' && g.metric === 'water_leak')!;
  assert.deepEqual(
    [hole.start, hole.end],
    [new Date(day + 735 * MIN).toISOString(), new Date(day + 780 * MIN).toISOString()],
  );
  const mains = mr.coverageBySensor.find((c) => c.sensor === 'mr-ups-1' && c.metric === 'mains_ok')!;
  assert.equal(mains.coveredMinutes, DAY);

  // A leak that began at 23:52 and was still going at midnight: an ongoing state event, cut there.
  const { store: s2 } = await openStore(t);
  await write(s2, [
    ...states('mr-di-1', 'water_leak', (m) => (m >= 1432 ? 1 : 0)),
    ...states('mr-di-1', 'door_open', door),
  ]);
  const p2 = await evidence(s2, '2025-05-06', '2025-05-06', { visits: [] });
  const mr2 = p2.clauses.find((c) => c.clause === '5.2.2')!;
  const late = mr2.stateEvents!.find((x) => x.ongoing)!;
  assert.deepEqual(
    [late.rule, late.start, late.end],
    ['mr-water-leak', new Date(day + 1432 * MIN).toISOString(), new Date(day + DAY * MIN).toISOString()],
  );
  assert.equal(
    mr2.doorOpenings!.filter((o) => !o.registered).length,
    3,
    'without the register every opening is unregistered',
  );
});
