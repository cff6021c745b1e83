// What `hallmon simulate --backfill --data-dir` asks of the store backfill and what it reports. The
// writer itself (demo/src/backfill-store.ts) uses the server's store and seals; the simulate command
// receives it (cli.ts SimulateDeps), so simulators never imports server code.
import type { DeviceProfile, Logger, SiteConfig } from '@hallmon/firmware-config';
import type { Incident } from './backfill-year.ts';
import type { Scenario } from './scenarios/index.ts';

export interface StoreBackfillOptions {
  scenario: Scenario;
  site: SiteConfig;
  seed: number;
  from: number;
  to: number;
  dataDir: string;
  /** Seconds between noise readings (default 1; 10 makes a year about 8× smaller and faster). */
  noiseStepS?: number;
  /** Only these sensors' readings (default every sensor); counter events are always written. */
  sensors?: string[];
  /** Place the year's incidents (default true), or exactly these. */
  incidents?: boolean | Incident[];
  /** Seal the closed days at the end (default true). */
  seal?: boolean;
  /** Record the staff's answers, fixes and callbacks of the simulated bad ratings (default true). */
  followups?: boolean;
  /** Progress callback: readings written so far, of `total` expected. */
  onProgress?: (p: { readings: number; events: number; total: number; final: boolean }) => void;
  log?: Logger;
  profiles?: Map<string, DeviceProfile>;
}

export interface StoreBackfillResult {
  readings: number;
  duplicates: number;
  events: number;
  statuses: number;
  /** Bad ratings given follow-up records (followups.db). */
  followups: number;
  incidents: Incident[];
  sealedDays: number;
  seconds: number;
}

/** Writes a backfill into a store's data dir and seals it (demo/src/backfill-store.ts). */
export type StoreBackfill = (o: StoreBackfillOptions) => Promise<StoreBackfillResult>;
