// What GET /api/health reports beyond status and version, and which parts are failing (the route
// answers 503 then): the store (a real query, or InfluxDB's /ping, within 3 s), the state backend
// (a PostgreSQL `--state` database that does not answer `SELECT 1` on a connection of its own within
// 3 s), the MQTT side (an external broker that is not connected: nothing is received), and the data
// dir's disk (critical: under 5 % free). Each failing part comes with a message that says what to do.
import type { HealthDetail, FailingPart } from '@hallmon/contract';
import type { Store } from '../store/store.ts';
import type { StateBackend } from '../state/state.ts';
import type { DiskState } from './disk-watch.ts';

const STORE_CHECK_MS = 3_000;

export interface HealthSources {
  store: Store;
  /** The state backend (users, alarms with PostgreSQL, follow-ups, visits, leases…). */
  state?: Pick<StateBackend, 'kind' | 'where' | 'check'>;
  /** Everything but the checks (ingest counters, broker figures, live push). */
  base: () => Omit<HealthDetail, 'failing' | 'disk'>;
  disk: () => DiskState | undefined;
}

/** Rejects when `p` has not settled within the health check's time. */
async function inTime(p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      p,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${STORE_CHECK_MS / 1000} s`)), STORE_CHECK_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function stateProblem(state: Pick<StateBackend, 'kind' | 'where' | 'check'>): Promise<string | undefined> {
  if (state.kind !== 'postgres') return undefined;
  try {
    await inTime(state.check());
    return undefined;
  } catch (err) {
    return `PostgreSQL state ${state.where}: ${(err as Error).message}; accounts, alarms, follow-ups, visits and duty leases cannot be read or written until it answers again (check that PostgreSQL runs and is reachable)`;
  }
}

async function storeProblem(store: Store): Promise<string | undefined> {
  try {
    await inTime(store.check());
    return undefined;
  } catch (err) {
    return `${store.kind === 'influxdb' ? 'InfluxDB' : 'SQLite'} store: ${(err as Error).message}; ingest holds its acknowledgements until the store answers again`;
  }
}

export async function healthDetail(src: HealthSources): Promise<HealthDetail> {
  const base = src.base();
  const failing: FailingPart[] = [];
  const store = await storeProblem(src.store);
  if (store) failing.push({ part: 'store', message: store });
  const state = src.state ? await stateProblem(src.state) : undefined;
  if (state) failing.push({ part: 'state', message: state });
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
