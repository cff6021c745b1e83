// Raw-reading retention: once shortly after start and then daily, drop raw readings older than
// --retention-days (rollups are kept for ever, so evidence over a sampling year stays possible).
// In a server group only the owner of the server-wide duties (`*`) prunes the shared store.
import type { Logger } from '@hallmon/firmware-config';
import type { Store } from './store/store.ts';
import { retentionCutoff } from './store/index.ts';

const DAY_MS = 86_400_000;

export class RetentionPruner {
  private timer: NodeJS.Timeout | undefined;
  private first: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly retentionDays: number,
    private readonly log: Logger,
    /** Whether this server is to prune (the owner of `*` in a group; always when alone). */
    private readonly mine: () => boolean = () => true,
    private readonly everyMs = DAY_MS,
  ) {}

  start(): void {
    // Not at once: start-up (and tests) should not wait on a prune of a large store.
    const due = () => {
      if (this.mine()) void this.prune();
    };
    this.first = setTimeout(due, 60_000);
    this.first.unref();
    this.timer = setInterval(due, this.everyMs);
    this.timer.unref();
  }

  async prune(now = Date.now()): Promise<number> {
    try {
      const n = await this.store.pruneRaw(retentionCutoff(now, this.retentionDays));
      if (n) this.log.info({ removed: n, retentionDays: this.retentionDays }, 'pruned raw readings past retention');
      return n;
    } catch (err) {
      this.log.error({ err }, 'raw retention pruning failed; will retry tomorrow');
      return 0;
    }
  }

  stop(): void {
    clearTimeout(this.first);
    clearInterval(this.timer);
  }
}
