// The server's background sealer: once at start and then every hour, seals each site's closed
// days into the hash chain (seal-days.ts), into the state backend's seals. In a server group each
// server seals only the sites whose duty lease it holds (`owns`).
import type { DeviceProfile, Logger, SiteConfig } from '@hallmon/firmware-config';
import type { Store } from '../store/store.ts';
import { siteSchedule } from '../evidence/period.ts';
import { sealDays } from './seal-days.ts';
import type { SealState } from '../state/state.ts';

export interface SealerOptions {
  store: Store;
  seals: SealState;
  sites: ReadonlyMap<string, SiteConfig>;
  /** Whether this server seals the site now (default: every site). */
  owns?: (site: string) => boolean;
  profiles: Map<string, DeviceProfile>;
  log: Logger;
  everyMs?: number;
  closedAfterH?: number;
}

export class Sealer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: SealerOptions) {}

  start(): void {
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
      if (this.stopped) return;
      if (this.o.owns && !this.o.owns(site.id)) continue;
      try {
        const today = siteSchedule(site).day(Date.now());
        const r = await sealDays(this.o.store, this.o.seals, site, this.o.profiles, today, {
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
  }
}
