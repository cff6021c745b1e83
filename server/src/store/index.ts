// Picks the time-series store the server runs with: SQLite embedded (the default, no extra service)
// or an existing InfluxDB 1.x. Both implement the whole Store interface and pass the same test suite,
// so no caller asks which one it has.
import type { Logger } from '@hallmon/firmware-config';
import type { Store } from './store.ts';
import { SqliteStore, DEFAULT_RETENTION_DAYS } from './sqlite/sqlite-store.ts';
import { InfluxStore, type InfluxStoreOptions } from './influxdb/influx-store.ts';

export type StoreOptions =
  | { kind: 'sqlite'; dataDir: string; retentionDays?: number; durability?: 'normal' | 'full' }
  | { kind: 'influxdb'; url: string; database?: string; retentionDays?: number; paths?: InfluxStoreOptions['paths'] };

export function createStore(opts: StoreOptions, log: Logger): Store {
  const child = log.child({ component: 'store', store: opts.kind });
  return opts.kind === 'sqlite' ? new SqliteStore(opts, child) : new InfluxStore(opts, child);
}

/** The pruneRaw cut-off for a raw retention in days (the server calls pruneRaw with it periodically). */
export function retentionCutoff(now: number, retentionDays = DEFAULT_RETENTION_DAYS): number {
  return now - retentionDays * 86_400_000;
}

export type { Store };
export { STORE_METHODS, type StoreMethod } from './store.ts';
export { SqliteStore, InfluxStore, DEFAULT_RETENTION_DAYS };
