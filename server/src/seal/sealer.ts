// The server's background sealer: once at start and then every hour, seals each site's closed
// days into the hash chain (seal-days.ts). The lead starts it beside the store in server.ts:
//   const sealer = new Sealer({ store, dataDir, sites, profiles, log }); sealer.start(); ... await sealer.stop();
import type { DeviceProfile, Logger, SiteConfig } from '@hallmon/firmware-config';
import type { Store } from '../store/store.ts';
import { siteSchedule } from '../evidence/period.ts';
import { SealStore } from './seal-store.ts';
import { sealDays } from './seal-days.ts';

export interface SealerOptions {
  store: Store;
  dataDir: string;
  sites: ReadonlyMap<string, SiteConfig>;
  profiles: Map<string, DeviceProfile>;
  log: Logger;
  everyMs?: number;
  closedAfterH?: number;
}

export class Sealer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private seals: SealStore | undefined;
  private stopped = false;

  constructor(private readonly o: SealerOptions) {}

  start(): void {
    this.seals = new SealStore(this.o.dataDir);
    this.seals.open();
    this.stopped = false;
    this.kick();
    this.timer = setInterval(() => this.kick(), this.o.everyMs ?? 3_600_000);
    this.timer.unref();
  }

  /** Runs one sealing pass now (also what the timer does); resolves when it is done. */
  kick(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<void> {
    for (const site of this.o.sites.values()) {
      if (this.stopped || !this.seals) return;
      try {
        const today = siteSchedule(site).day(Date.now());
        const r = await sealDays(this.o.store, this.seals, site, this.o.profiles, today, {
          closedAfterH: this.o.closedAfterH,
        });
        if (r.sealed.length)
          this.o.log.info(
            { site: site.id, days: r.sealed.length, last: r.sealed.at(-1) },
            'sealed days into the evidence chain',
          );
      } catch (err) {
        this.o.log.warn({ site: site.id, err: (err as Error).message }, 'sealing failed; will retry on the next pass');
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    this.seals?.close();
    this.seals = undefined;
  }
}
