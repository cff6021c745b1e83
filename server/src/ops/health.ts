// What GET /api/health reports beyond status and version, and which parts are failing (the route
// answers 503 then): the store (a real query, or InfluxDB's /ping, within 3 s), the MQTT side (an
// external broker that is not connected: nothing is received), and the data dir's disk (critical:
// under 5 % free). Each failing part comes with a message that says what to do.
import type { HealthDetail, FailingPart } from '@hallmon/contract';
import type { Store } from '../store/store.ts';
import type { DiskState } from './disk-watch.ts';

const STORE_CHECK_MS = 3_000;

export interface HealthSources {
  store: Store;
  /** Everything but the checks (ingest counters, broker figures, live push). */
  base: () => Omit<HealthDetail, 'failing' | 'disk'>;
  disk: () => DiskState | undefined;
}

async function storeProblem(store: Store): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${STORE_CHECK_MS / 1000} s`)), STORE_CHECK_MS);
      }),
    ]);
    return undefined;
  } catch (err) {
    return `${store.kind === 'influxdb' ? 'InfluxDB' : 'SQLite'} store: ${(err as Error).message}; ingest holds its acknowledgements until the store answers again`;
  } finally {
    clearTimeout(timer);
  }
}

export async function healthDetail(src: HealthSources): Promise<HealthDetail> {
  const base = src.base();
  const failing: FailingPart[] = [];
  const store = await storeProblem(src.store);
  if (store) failing.push({ part: 'store', message: store });
  if (base.broker.kind === 'external' && !base.broker.connected)
    failing.push({
      part: 'broker',
      message: `not connected to the external broker ${base.broker.url}: no data is received (it reconnects by itself; check the broker)`,
    });
  const d = src.disk();
  if (d?.level === 'critical')
    failing.push({
      part: 'disk',
      message: `under 5 % free on the data dir's disk (${d.path}): free space before the stores fail`,
    });
  return {
    ...base,
    disk: d ? { path: d.path, freeBytes: d.freeBytes, totalBytes: d.totalBytes, level: d.level } : null,
    failing,
  };
}
