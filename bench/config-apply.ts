// How fast a configuration change reaches a hall, with the real processes of tests/config/remote-hall.ts
// (socat pty bus with simulated Modbus slaves, `hallmon server`, `hallmon edge --server`): BENCH_CHANGES
// (default 10) times, a T/H transmitter is added through the API and removed again. Reported: the API
// answer (checked, stored, audited and applied on the server), the edge's acknowledgement of the new
// version (received over MQTT, checked, applied, reported back), the first stored reading of the added
// device, and the largest interval between two readings of a device that stays on the same bus while
// all this happens (polled every 250 ms). Prints one JSON line.
import { tempDir } from '../tests/helpers/tmp.ts';
import { waitFor } from '../tests/helpers/wait.ts';
import { startRemoteHall } from '../tests/config/remote-hall.ts';
import type { ConfigSite } from '@hallmon/contract';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 10);

const dir = tempDir('hallmon-bench-config-');
const hall = await startRemoteHall(dir.path);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
try {
  await hall.edgeRuns(1);
  const api: number[] = [];
  const ack: number[] = [];
  const firstReading: number[] = [];
  const started = Date.now();
  let version = 1;
  for (let i = 0; i < CHANGES; i++) {
    const t0 = performance.now();
    const add = await hall.call<ConfigSite>('POST', '/api/config/sites/demo/devices', {
      zone: 'machine-room',
      device: { id: 'mr-th-3', profile: 'th-modbus-f03', bus: 'bus-1', unitId: 5 },
    });
    if (add.status !== 201) throw new Error(`add: ${add.status} ${JSON.stringify(add.body)}`);
    api.push(performance.now() - t0);
    version = add.body.version.version;
    await waitFor(
      async () => {
        const s = await hall.site();
        return s.edge.running === version && s.edge.inSync;
      },
      `the edge to run v${version}`,
      60_000,
      5,
    );
    ack.push(performance.now() - t0);
    const since = Date.now() - 1000;
    const before = (await hall.raw('mr-th-3', 'temperature')).filter(([ts]) => Date.parse(ts) >= since).length;
    await waitFor(
      async () => (await hall.raw('mr-th-3', 'temperature')).filter(([ts]) => Date.parse(ts) >= since).length > before,
      'a reading of the added device',
      60_000,
      5,
    );
    firstReading.push(performance.now() - t0);
    const del = await hall.call<ConfigSite>('DELETE', '/api/config/sites/demo/devices/mr-th-3');
    if (del.status !== 200) throw new Error(`remove: ${del.status}`);
    await hall.edgeRuns(del.body.version.version);
  }
  const series = (await hall.raw('mr-th-1', 'temperature')).map(([ts]) => Date.parse(ts)).filter((t) => t >= started);
  const intervals = series.slice(1).map((t, i) => t - series[i]!);
  const r = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      bench: 'config-apply',
      changes: CHANGES,
      apiMs: { p50: r(pct(api, 50)), max: r(Math.max(...api)) },
      edgeAckMs: { p50: r(pct(ack, 50)), max: r(Math.max(...ack)) },
      firstReadingMs: { p50: r(pct(firstReading, 50)), max: r(Math.max(...firstReading)) },
      otherDevice: {
        pollMs: 250,
        readings: series.length,
        intervalMs: { p50: pct(intervals, 50), p99: pct(intervals, 99), max: Math.max(...intervals) },
      },
    }),
  );
} finally {
  await hall.stop();
  dir.remove();
}
