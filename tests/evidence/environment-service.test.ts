// Environment × service on a crafted Tuesday (2025-05-06, the demo hall open 09:00-17:00): three
// hours of hall noise, CO2 and temperature beside tickets, waits and a bad rating, against figures
// worked out by hand: the hour rows, the hour-of-day profile and Pearson's r of LAeq and the wait.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { at, ev, evidence, MIN, openStore, readings, write } from './fixture.ts';

test('per opening hour: LAeq, CO2 and temperature beside tickets, waits and bad ratings; r of LAeq and wait', async (t) => {
  const { store } = await openStore(t);
  const day = at('2025-05-06 09:00');
  const hourly = (values: number[]) => (i: number) => values[Math.floor(i / 60)]!;
  // 09-10, 10-11, 11-12: 60, 70, 65 dB(A) (one 60-s LAeq a minute); CO2 800, 1000, 900; 24, 26, 25 °C.
  await write(store, readings('hall-noise-1', 'noise_laeq', day, MIN, 180, hourly([60, 70, 65]), 60));
  await write(store, readings('hall-co2-1', 'co2', day, MIN, 180, hourly([800, 1000, 900])));
  await write(store, readings('hall-th-1', 'temperature', day, MIN, 180, hourly([24, 26, 25])));
  await store.writeEvents([
    // 09-10: A1 waits 10 min, A2 20 min: 2 tickets, a 15-min mean wait.
    ev('queue-1', 'ticket_issued', at('2025-05-06 09:05'), { ticket: 'A1' }),
    ev('queue-1', 'ticket_issued', at('2025-05-06 09:10'), { ticket: 'A2' }),
    ev('queue-1', 'ticket_called', at('2025-05-06 09:15'), { ticket: 'A1', window: 'W01' }),
    ev('queue-1', 'ticket_called', at('2025-05-06 09:30'), { ticket: 'A2', window: 'W02' }),
    // 10-11: B1 waits 40 min; a 1-star rating.
    ev('queue-1', 'ticket_issued', at('2025-05-06 10:00'), { ticket: 'B1' }),
    ev('queue-1', 'ticket_called', at('2025-05-06 10:40'), { ticket: 'B1', window: 'W01' }),
    ev('eval-w01', 'rating', at('2025-05-06 10:45'), { score: 1, window: 'W01' }),
    // 11-12: C1, issued in the hour before, is called after 25 min.
    ev('queue-1', 'ticket_issued', at('2025-05-06 10:50'), { ticket: 'C1' }),
    ev('queue-1', 'ticket_called', at('2025-05-06 11:15'), { ticket: 'C1', window: 'W02' }),
  ]);
  const p = await evidence(store, '2025-05-06', '2025-05-06');
  const e = p.environmentService;
  assert.equal(e.hours.length, 8, '09:00 to 17:00');
  assert.deepEqual(
    e.hours.slice(0, 4).map((h) => [h.hour, h.laeq, h.co2, h.temperature, h.tickets, h.meanWaitMin, h.badRatings]),
    [
      ['09:00', 60, 800, 24, 2, 15, 0],
      ['10:00', 70, 1000, 26, 2, 40, 1],
      ['11:00', 65, 900, 25, 0, 25, 0],
      ['12:00', null, null, null, 0, null, 0],
    ],
  );
  assert.deepEqual(
    e.profile.map((h) => h.hour),
    ['09:00', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00'],
  );
  // LAeq 60, 70, 65 against waits 15, 40, 25: Σdxdy = 125, Σdx² = 50, Σdy² = 316.67 → r = 0.9934;
  // three pairs give no interval (Fisher's z needs four).
  const r = e.correlations.find((c) => c.environment === 'laeq' && c.service === 'meanWaitMin')!;
  assert.deepEqual([r.n, r.r, r.low, r.high], [3, 0.9934, null, null]);
  // Tickets are counted every opening hour (0 too): LAeq has 3 of them with a value.
  assert.equal(e.correlations.find((c) => c.environment === 'laeq' && c.service === 'tickets')!.n, 3);
  assert.match(e.caveat, /not cause/);
  assert.match(e.caveat, /相关不等于因果/);
});
